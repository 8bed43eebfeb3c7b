/**
 * Child process of the Aurora benchmark: one split of the benchmark table (splits of about
 * `argv[2]` rows; the first is read) through the protocol, every 16 MB block spilled (encoded, then
 * dropped, as in protocol-reader.ts), and this process's peak RSS printed as JSON. Run at two split
 * sizes, it shows whether the read's memory grows with its rows.
 */
import { readFileSync } from 'node:fs';
import { createProtocolReader } from './protocol-reader.js';

/** Peak RSS from /proc's VmHWM (getrusage's maxRSS can report a larger parent's size after exec). */
function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] === undefined ? process.resourceUsage().maxRSS / 1024 : Number(match[1]) / 1024;
}

process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
const reader = createProtocolReader(Number(process.argv[2]));
try {
  const [split] = await reader.splits();
  if (split === undefined) throw new Error('no split planned');
  const rows = await reader.read(split);
  console.log(JSON.stringify({ rows, maxRssMb: peakRssMb() }));
} finally {
  await reader.close();
}
