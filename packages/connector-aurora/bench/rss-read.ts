/**
 * Child process of the Aurora benchmark: the benchmark table read `argv[2]` times over in one split
 * (a `system.query` passthrough of the table UNION ALL itself, through the same wire path as a
 * table split), every 16 MB block spilled (encoded, then dropped, as in protocol-reader.ts), and
 * this process's peak RSS printed as JSON. Run at several sizes, it shows whether a read's memory
 * grows with its rows.
 */
import { readFileSync } from 'node:fs';
import { BENCH_DATABASE, BENCH_TABLE } from './bench-table.js';
import { createProtocolReader } from './protocol-reader.js';

/** Peak RSS from /proc's VmHWM (getrusage's maxRSS can report a larger parent's size after exec). */
function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] === undefined ? process.resourceUsage().maxRSS / 1024 : Number(match[1]) / 1024;
}

process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
const copies = Number(process.argv[2]);
const table = `SELECT id, i, b, d, x, s, t, flag FROM \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\``;
const reader = createProtocolReader(Number.MAX_SAFE_INTEGER);
try {
  await reader.splits();
  const rows = await reader.readQuery(Array.from({ length: copies }, () => table).join(' UNION ALL '));
  console.log(JSON.stringify({ rows, maxRssMb: peakRssMb() }));
} finally {
  await reader.close();
}
