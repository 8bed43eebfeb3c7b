/**
 * Profiles the one-split read path on its own (the benchmark table must exist: run `pnpm bench`
 * once): `node --import tsx --cpu-prof --cpu-prof-dir=/tmp/aurora-prof bench/profile-read.ts`, then
 * open the .cpuprofile in Chrome DevTools. Prints the time of each of three reads.
 */
import { createProtocolReader } from './protocol-reader.js';

process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
const reader = createProtocolReader(Number.MAX_SAFE_INTEGER);
try {
  const [split] = await reader.splits();
  if (split === undefined) throw new Error('no split planned');
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const rows = await reader.read(split);
    console.log(`${rows} rows in ${(performance.now() - started).toFixed(0)} ms`);
  }
} finally {
  await reader.close();
}
