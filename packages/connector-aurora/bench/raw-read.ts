/**
 * The raw baseline of the Aurora benchmarks: mysql2 streaming the statement the connector sends
 * for the whole benchmark table, with the connector's value options and rows as arrays.
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'mysql2';
import { BENCH_DATABASE, BENCH_SERVER, BENCH_TABLE } from './bench-table.js';

const FROM = `FROM \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\``;
/** The statement the connector sends for the whole table (every column as it is, see `selectExpression`). */
export const SELECT = `SELECT id, i, b, d, x, s, t, flag ${FROM}`;
/**
 * The same rows with the DATETIME(3) as the server's text: the cheapest form of them for mysql2,
 * which would otherwise build each datetime's string from its binary fields. The stricter baseline.
 */
export const TEXT_DATETIME_SELECT = `SELECT id, i, b, d, x, s, CAST(t AS CHAR), flag ${FROM}`;
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

/**
 * The C client's read of `sql`: `mysql --batch --quick` (the MariaDB client, unbuffered rows,
 * tab-separated text to /dev/null), timed as a child process, so its start-up (a few milliseconds)
 * is included.
 */
export function mysqlClientRead(sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'mysql',
      [
        '-h',
        BENCH_SERVER.host,
        '-P',
        String(BENCH_SERVER.port),
        '-u',
        BENCH_SERVER.user,
        '--batch',
        '--quick',
        '-e',
        sql,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`mysql --batch --quick exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
