/**
 * Test support: one statement read through both Aurora read paths over the same AuroraPools pool
 * (so the same session options): today's mysql2 rows → `valueConverter` → RecordBatchWriter, and
 * the wire decoder. Values come back per column in a comparable form (bigints and bytes as text).
 */
import type { Pool, PoolConnection } from 'mysql2';
import { RecordBatchWriter } from '@athena-federation/connector-core';
import { type RecordBatch, Schema } from 'apache-arrow';
import { AuroraPools, type Statement, streamRowChunks } from '../../src/aurora-client.js';
import { parseConnectionString } from '../../src/aurora-config.js';
import { type MappedColumn, type MysqlColumn, mapColumn, valueConverter } from '../../src/aurora-types.js';
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

/** Today's path: mysql2 rows, converted, written by core's RecordBatchWriter. */
export async function readThroughMysql2(
  pool: Pool,
  statement: Statement,
  columns: readonly MappedColumn[],
): Promise<RecordBatch[]> {
  const converters = columns.map((column) => valueConverter(column, () => undefined));
  const writer = new RecordBatchWriter(new Schema(columns.map((column) => column.field)));
  for await (const rows of streamRowChunks(pool, statement, NEVER, 'reading (mysql2 path)')) {
    for (const row of rows) {
      // As the connector's readRows does: with no columns, each row is empty.
      if (columns.length === 0) {
        writer.appendRow([]);
        continue;
      }
      writer.appendRow(
        row.map((value, index) => {
          const convert = converters[index];
          return convert === undefined ? value : convert(value);
        }),
      );
    }
  }
  return [writer.finish()];
}

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

function comparable(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`;
  // Decimal128 values read back as 4 words; their text is the exact value.
  if (value instanceof Uint32Array) return `words:${Array.from(value).join(',')}`;
  return value;
}

/** Each column's values over all batches, in a form `toEqual` compares exactly (NaN, -0 included). */
export function columnValues(batches: readonly RecordBatch[]): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  for (const batch of batches) {
    for (const field of batch.schema.fields) {
      const vector = batch.getChild(field.name);
      result[field.name] ??= [];
      const values = result[field.name] as unknown[];
      for (let row = 0; row < batch.numRows; row++) values.push(comparable(vector?.get(row)));
    }
  }
  return result;
}
