/**
 * The benchmark table: `aurora_bench.rows_1m`, 1,000,000 rows × 8 columns of the common types
 * (BIGINT key, INT, BIGINT, DECIMAL, DOUBLE, VARCHAR, DATETIME(3), TINYINT(1)). Created once and
 * kept across runs (recreated when its row count differs), so a run only pays for loading it once.
 */
import { createConnection } from 'mysql2/promise';

/** Where the benchmarks find MySQL (AURORA_BENCH_HOST / AURORA_BENCH_PORT; root without password). */
export const BENCH_SERVER = {
  host: process.env['AURORA_BENCH_HOST'] ?? '127.0.0.1',
  port: Number(process.env['AURORA_BENCH_PORT'] ?? '3306'),
  user: 'root',
} as const;
export const BENCH_DATABASE = 'aurora_bench';
export const BENCH_TABLE = 'rows_1m';
/** Rows in the table (AURORA_BENCH_ROWS for a quicker local loop). */
export const BENCH_ROWS = Number(process.env['AURORA_BENCH_ROWS'] ?? 1_000_000);

const COLUMNS =
  'id BIGINT PRIMARY KEY, i INT, b BIGINT, d DECIMAL(12,2), x DOUBLE, s VARCHAR(32), t DATETIME(3), flag TINYINT(1)';
const CHUNK = 50_000;

/** Creates and fills the table unless it already holds exactly {@link BENCH_ROWS} rows. */
export async function ensureBenchTable(): Promise<void> {
  const connection = await createConnection({ ...BENCH_SERVER, connectTimeout: 3000 });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${BENCH_DATABASE}\` CHARACTER SET utf8mb4`);
    const [existing] = await connection.query(
      `SELECT TABLE_ROWS AS n FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      [BENCH_DATABASE, BENCH_TABLE],
    );
    if ((existing as unknown[]).length > 0) {
      const [counted] = await connection.query(`SELECT COUNT(*) AS n FROM \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\``);
      if (Number((counted as { n: number | string }[])[0]?.n) === BENCH_ROWS) return;
    }
    await connection.query(`DROP TABLE IF EXISTS \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\``);
    await connection.query(`CREATE TABLE \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\` (${COLUMNS})`);
    for (let start = 0; start < BENCH_ROWS; start += CHUNK) {
      const rows = Array.from({ length: Math.min(CHUNK, BENCH_ROWS - start) }, (_, k) => {
        const n = start + k + 1;
        return [
          n,
          (n % 100_000) - 50_000,
          String(BigInt(n) * 7919n),
          ((n % 100_000) / 100).toFixed(2),
          n / 3,
          `row ${n} of the benchmark`,
          new Date(Date.UTC(2020, 0, 1) + n * 1001).toISOString().slice(0, 23).replace('T', ' '),
          n % 2,
        ];
      });
      await connection.query(`INSERT INTO \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\` VALUES ?`, [rows]);
    }
    await connection.query(`ANALYZE TABLE \`${BENCH_DATABASE}\`.\`${BENCH_TABLE}\``);
  } finally {
    await connection.end();
  }
}
