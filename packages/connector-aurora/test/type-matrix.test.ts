/**
 * Every MySQL type with its edge values, read through the full protocol (engine driver, every block
 * spilled to moto S3), must equal what MySQL itself holds. Expected values come from MySQL's own
 * text rendering (`CAST(… AS CHAR)`, `HEX`) over a separate plain connection, converted by
 * independent rules here, never by the connector's code.
 */
import { readValue } from '@athena-federation/connector-core';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { utcMillisOfText } from './support/server-oracle.js';

let db: TestDatabase;
let connector: AuroraConnector;

const COLUMNS = `
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d DECIMAL(38,10), d5 DECIMAL(5,0), f FLOAT, db DOUBLE, b1 BIT(1), b64 BIT(64), bo TINYINT(1),
  dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME(6), y YEAR,
  c CHAR(5), vc VARCHAR(100), tx TEXT, e ENUM('a','b'), st SET('x','y'), j JSON,
  bn BINARY(4), vb VARBINARY(10), bl BLOB, b63 BIT(63), dt4 DATETIME(4), ts6 TIMESTAMP(6) NULL DEFAULT NULL`;

const ROWS = [
  `(1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
    '-9999999999999999999999999999.9999999999', -99999, -3.4028234663852886e38, -1.7976931348623157e308, b'0', b'0', 0,
    '1000-01-01', '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000', '-838:59:59.000000', 1901,
    '', '', '', 'a', '', '[]', x'00000000', x'', x'', b'0', '1000-01-01 00:00:00.0000', '1970-01-01 00:00:01.000000')`,
  `(2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
    '9999999999999999999999999999.9999999999', 99999, 3.4028234663852886e38, 1.7976931348623157e308, b'1', b'1111111111111111111111111111111111111111111111111111111111111111', 1,
    '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', '838:59:59.000000', 2155,
    'abcde', 'ünïcødé 😀 \\\\ \\' " \`', 'long text', 'b', 'x,y', '{"k": [1, 2.5, null]}', x'ffffffff', x'00ff10', x'deadbeef',
    b'111111111111111111111111111111111111111111111111111111111111111', '9999-12-31 23:59:59.9999', '2038-01-19 03:14:07.999999')`,
  `(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(4, 0, 128, -1, 32768, 0, 8388608, -1, 2147483648, -1, 9223372036854775808,
    '0.0000000001', 0, 0.1, 0.1, b'1', b'1000000000000000000000000000000000000000000000000000000000000000', 5,
    '0000-00-00', '0000-00-00 00:00:00', '2024-02-29 12:34:56.789', '00:00:00.000001', 0,
    'a  ', 'tab\there', 'nul\\0inside', NULL, 'y', '"s"', x'01020300', x'7f', NULL, b'1', '0000-00-00 00:00:00.0000', '2024-02-29 12:34:56.000001')`,
  `(5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, '-0.5', -1, 1.401298464324817e-45, 4.9e-324, NULL, b'1010', 1,
    '1969-12-31', '1969-12-31 23:59:59.999499', NULL, '-00:00:00.500000', 1999,
    'x', 'plain', 'text', 'a', 'x', '{}', x'0a0b0c0d', x'00', x'00', b'100', '1969-12-31 23:59:59.0001', '2001-02-03 04:05:06.100000')`,
];

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query(`CREATE TABLE TypeMatrix (${COLUMNS})`);
  const connection = await db.pool.getConnection();
  try {
    // Zero dates need a permissive sql_mode; TIMESTAMP literals are taken as UTC.
    await connection.query("SET SESSION sql_mode = '', time_zone = '+00:00'");
    await connection.query(`INSERT INTO TypeMatrix VALUES ${ROWS.join(',')}`);
  } finally {
    connection.release();
  }
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

const hexBytes = (hex: string) => hex.toLowerCase();
const hexOf = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v);
const isZeroDate = (text: string) => /^\d{4}-(00-|\d\d-00)/.test(text);

/** Expected Arrow-read value of each column from MySQL's text. */
const expectations: Record<string, (text: string) => unknown> = {
  ti: Number,
  tiu: Number,
  si: Number,
  siu: Number,
  mi: Number,
  miu: Number,
  i: Number,
  iu: (t) => BigInt(t),
  bi: (t) => BigInt(t),
  biu: (t) => t,
  d: (t) => t,
  d5: (t) => t,
  f: (t) => Math.fround(Number(t)),
  db: Number,
  b1: (t) => t !== '0',
  b64: (t) => t,
  b63: (t) => BigInt(t),
  bo: (t) => Number(t) !== 0,
  dt: (t) => (isZeroDate(t) ? null : utcMillisOfText(t) / 86_400_000),
  dtm: (t) => (isZeroDate(t) ? null : t),
  ts: (t) => (isZeroDate(t) ? null : utcMillisOfText(t)),
  // Fractions finer than milliseconds are text with every digit MySQL holds (CAST prints them all).
  dt4: (t) => (isZeroDate(t) ? null : t),
  ts6: (t) => (isZeroDate(t) ? null : t),
  tm: (t) => t,
  y: Number,
  c: (t) => t,
  vc: (t) => t,
  tx: (t) => t,
  e: (t) => t,
  st: (t) => t,
  j: (t) => t,
  bn: hexBytes,
  vb: hexBytes,
  bl: hexBytes,
};

/** MySQL's rendering of a column, chosen per type so that it is exact. */
function mysqlText(column: string): string {
  if (column === 'f') return 'CAST(CAST(`f` AS DOUBLE) AS CHAR)';
  if (column === 'b1' || column === 'b64' || column === 'b63') return `CAST(\`${column}\` + 0 AS CHAR)`;
  if (column === 'bn' || column === 'vb' || column === 'bl') return `HEX(\`${column}\`)`;
  return `CAST(\`${column}\` AS CHAR)`;
}

function rowsOf(table: Table): Map<number, Record<string, unknown>> {
  const rows = new Map<number, Record<string, unknown>>();
  for (const batch of table.batches) {
    for (let r = 0; r < batch.numRows; r++) {
      const row: Record<string, unknown> = {};
      batch.schema.fields.forEach((field, c) => {
        const vector = batch.getChildAt(c);
        row[field.name] = vector === null ? undefined : readValue(vector, r);
      });
      rows.set(Number(row['id']), row);
    }
  }
  return rows;
}

describe('type matrix', () => {
  it('maps every MySQL type to the exact Arrow type', async () => {
    const table = await engineFor(connector).getTable({ schemaName: db.name, tableName: 'typematrix' });
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toEqual({
      id: 'Int32',
      ti: 'Int8',
      tiu: 'Int16',
      si: 'Int16',
      siu: 'Int32',
      mi: 'Int32',
      miu: 'Int32',
      i: 'Int32',
      iu: 'Int64',
      bi: 'Int64',
      biu: 'Decimal[20e0]',
      d: 'Decimal[38e+10]',
      d5: 'Decimal[5e0]',
      f: 'Float32',
      db: 'Float64',
      b1: 'Bool',
      b64: 'Decimal[20e0]',
      bo: 'Bool',
      dt: 'Date32<DAY>',
      dtm: 'Utf8',
      ts: 'Date64<MILLISECOND>',
      tm: 'Utf8',
      y: 'Int32',
      c: 'Utf8',
      vc: 'Utf8',
      tx: 'Utf8',
      e: 'Utf8',
      st: 'Utf8',
      j: 'Utf8',
      bn: 'Binary',
      vb: 'Binary',
      bl: 'Binary',
      b63: 'Int64',
      dt4: 'Utf8',
      ts6: 'Utf8',
    });
  });

  it('reads edge values through the protocol with every block spilled, equal to MySQL', async () => {
    const result = await engineFor(connector, { spill: true }).scan({ schemaName: db.name, tableName: 'typematrix' });
    expect(result.spilledObjects).toBeGreaterThan(0);
    expect(result.inlineBlocks).toBe(0);
    const actual = rowsOf(result.table);
    expect([...actual.keys()].sort()).toEqual([1, 2, 3, 4, 5]);

    const columns = Object.keys(expectations);
    const connection = await db.pool.getConnection();
    try {
      await connection.query("SET time_zone = '+00:00'");
      const [rows] = await connection.query({
        sql: `SELECT id, ${columns.map(mysqlText).join(', ')} FROM TypeMatrix ORDER BY id`,
        rowsAsArray: true,
      });
      for (const row of rows as unknown[][]) {
        const id = Number(row[0]);
        const got = actual.get(id) ?? {};
        columns.forEach((column, index) => {
          const text = row[index + 1];
          const expected = text === null ? null : (expectations[column] as (t: string) => unknown)(String(text));
          expect(hexOf(got[column]), `row ${id} column ${column}`).toEqual(expected);
        });
      }
    } finally {
      connection.release();
    }
  });
});
