/**
 * MariaDB for the fault tests: tables in the shared server's `reliability_faults` database, and a
 * throwaway `mariadbd` of our own (connector-aurora's test support) for faults that would disturb
 * other suites — restarts and a one-second lock wait timeout.
 */
import { type Pool, createPool } from 'mysql2/promise';

/** The database every fault test's tables live in, on whichever server. */
export const FAULTS_DATABASE = 'reliability_faults';

/** The shared MariaDB every suite uses; never restarted or reconfigured here. */
export const SHARED_MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' } as const;

/** Connector environment reading `FAULTS_DATABASE` on `port` as root, plus extra settings. */
export function auroraEnv(port: number, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { default: `mysql://jdbc:mysql://127.0.0.1:${port}/${FAULTS_DATABASE}?user=root`, ...extra };
}

/** An admin pool on `FAULTS_DATABASE` of the server at `port`, creating the database if needed. */
export async function openFaultsDatabase(port: number = SHARED_MARIADB.port): Promise<Pool> {
  const bootstrap = createPool({ host: '127.0.0.1', port, user: 'root', connectionLimit: 1, connectTimeout: 3000 });
  try {
    await bootstrap.query(`CREATE DATABASE IF NOT EXISTS \`${FAULTS_DATABASE}\` CHARACTER SET utf8mb4`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new Error(`MariaDB is not reachable at 127.0.0.1:${port} as root (${code})`, { cause: error });
  } finally {
    await bootstrap.end();
  }
  return createPool({
    host: '127.0.0.1',
    port,
    user: 'root',
    database: FAULTS_DATABASE,
    connectionLimit: 4,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
}

/**
 * (Re)creates `table` with ids 1..rows (integer primary key, so the connector cuts range splits)
 * and a payload wide enough that a split's rows outgrow the socket buffers. Filled server-side from
 * MariaDB's sequence engine, so a 100k-row table takes well under a second.
 */
export async function createSequenceTable(pool: Pool, table: string, rows: number): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
  await pool.query(
    `CREATE TABLE \`${table}\` (id BIGINT NOT NULL PRIMARY KEY, label VARCHAR(40) NOT NULL, amount DECIMAL(12,2) NOT NULL, payload VARCHAR(200) NOT NULL) ENGINE=InnoDB`,
  );
  await pool.query(
    `INSERT INTO \`${table}\` SELECT seq, CONCAT('row-', seq), seq / 100, REPEAT(CHAR(97 + seq % 26), 120) FROM seq_1_to_${rows}`,
  );
  // Fresh statistics, so the split planner sees the real row count.
  await pool.query(`ANALYZE TABLE \`${table}\``);
}

/** Every `id` of `table`, read straight from the source: what a faulted query is counted against. */
export async function sourceIds(pool: Pool, table: string): Promise<string[]> {
  const [rows] = await pool.query({ sql: `SELECT id FROM \`${table}\``, rowsAsArray: true });
  return (rows as [number | string][]).map(([id]) => String(id));
}

export {
  type ThrowawayMariaDb,
  startThrowawayMariaDb,
  throwawayMariaDbUnavailable,
} from '../../../connector-aurora/test/support/throwaway-mariadb.js';
