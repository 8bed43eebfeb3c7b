/**
 * Test support: a statement read through the connector's wire decoder over an AuroraPools pool (so
 * with the connector's session options), and the columns of a table as GetTable maps them.
 */
import type { Pool, PoolConnection } from 'mysql2';
import type { RecordBatch } from 'apache-arrow';
import { AuroraPools, type Statement } from '../../src/aurora-client.js';
import { parseConnectionString } from '../../src/aurora-config.js';
import { type MappedColumn, type MysqlColumn, mapColumn } from '../../src/aurora-types.js';
import { streamWireBatches } from '../../src/wire/wire-execute.js';
import { MARIADB } from './mariadb.js';

/** An AuroraPools pool on `database` of the test server, and how to close it; `options` go after `user=root&`. */
export async function auroraPoolFor(
  database: string,
  port: number = MARIADB.port,
  options = '',
): Promise<{ pool: Pool; end(): Promise<void> }> {
  const pools = new AuroraPools({ secrets: () => Promise.reject(new Error('no secret expected')), connectionLimit: 4 });
  const pool = await pools.pool(
    parseConnectionString(
      'default',
      `mysql://jdbc:mysql://${MARIADB.host}:${port}/${database}?user=root${options === '' ? '' : `&${options}`}`,
    ),
  );
  return { pool, end: () => pools.end() };
}

/** The mapped columns of `table` in `database`, as GetTable maps them. */
export async function mappedColumnsOf(pool: Pool, database: string, table: string): Promise<MappedColumn[]> {
  const [rows] = await pool.promise().query(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, NUMERIC_PRECISION AS numericPrecision, NUMERIC_SCALE AS numericScale
       FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  );
  return (
    rows as {
      name: string;
      dataType: string;
      columnType: string;
      numericPrecision: number | string | null;
      numericScale: number | string | null;
    }[]
  ).map((row) => {
    const column: MysqlColumn = {
      ...row,
      numericPrecision: row.numericPrecision === null ? null : Number(row.numericPrecision),
      numericScale: row.numericScale === null ? null : Number(row.numericScale),
      nullable: true,
    };
    return mapColumn(column, { decimalOverflow: 'varchar' }, table);
  });
}

const NEVER = new AbortController().signal;

/** The wire decoder's path, with batches cut near `targetBatchBytes`. */
export async function readThroughWire(
  pool: Pool,
  statement: Statement,
  columns: readonly MappedColumn[],
  targetBatchBytes = 1 << 20,
  signal: AbortSignal = NEVER,
): Promise<RecordBatch[]> {
  const connection = await connectionOf(pool);
  const batches: RecordBatch[] = [];
  for await (const batch of streamWireBatches(connection, statement, columns, {
    signal,
    targetBatchBytes,
    warn: () => undefined,
    action: 'reading (wire path)',
  }))
    batches.push(batch);
  return batches;
}

/** A connection of `pool`, to hand to streamWireBatches (which releases or destroys it). */
export function connectionOf(pool: Pool): Promise<PoolConnection> {
  return new Promise<PoolConnection>((resolve, reject) =>
    pool.getConnection((error, c) => (error === null ? resolve(c) : reject(error))),
  );
}
