/**
 * The raw baseline of the Aurora benchmarks: mysql2 streaming the statement the connector sends
 * for the whole benchmark table, with the connector's value options and rows as arrays.
 */
import { createConnection } from 'mysql2';
import { BENCH_DATABASE, BENCH_SERVER, BENCH_TABLE } from './bench-table.js';

const FROM = `FROM \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\``;
/**
 * The statement the connector sends for the whole table (its select list casts DATETIME(3) to the
 * server's text, see `selectExpression`), so the raw baseline reads exactly what the connector reads.
 */
export const SELECT = `SELECT id, i, b, d, x, s, CAST(t AS CHAR), flag ${FROM}`;
/** The naive statement, mysql2 formatting the DATETIME itself: for reference. */
export const PLAIN_SELECT = `SELECT id, i, b, d, x, s, t, flag ${FROM}`;
/**
 * The raw baseline: one mysql2 connection with the connector's value options, rows counted from
 * mysql2's per-row `result` events — its cheapest streaming consumer (no async iteration, no
 * backpressure bookkeeping), so the ratio is against the fastest plain read, not a handicapped one.
 */
export async function rawRead(protocol: 'binary' | 'text', sql = SELECT): Promise<number> {
  const connection = createConnection({
    ...BENCH_SERVER,
    supportBigNumbers: true,
    dateStrings: true,
    decimalNumbers: false,
    charset: 'utf8mb4_general_ci',
    timezone: 'Z',
  });
  try {
    const query =
      protocol === 'binary'
        ? connection.execute({ sql, rowsAsArray: true })
        : connection.query({ sql, rowsAsArray: true });
    let rows = 0;
    await new Promise<void>((resolve, reject) => {
      query.on('result', () => {
        rows++;
      });
      query.once('end', () => resolve());
      query.once('error', reject);
    });
    return rows;
  } finally {
    connection.destroy();
  }
}
