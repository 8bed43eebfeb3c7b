/**
 * Every PostgreSQL type with its edge values, read through the full protocol (engine driver, every
 * block spilled to moto S3), must equal what PostgreSQL itself holds. Expected values are computed
 * by the server on a separate connection with exact functions (epoch days and microseconds from
 * date arithmetic and EXTRACT, IEEE bits from float4send/float8send, hex of bytea, array items from
 * unnest), never by the connector's code. The database's defaults are set to unusual values
 * (TimeZone Asia/Kolkata, DateStyle SQL/DMY, IntervalStyle iso_8601, extra_float_digits -3,
 * bytea_output escape): the connector's values must not change with them.
 */
import { readValue } from '@athena-federation/connector-core';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type PostgresTestDatabase, createPostgresTestDatabase } from './support/postgres.js';

let db: PostgresTestDatabase;
let connector: AuroraConnector;

const COLUMNS = `
  id int PRIMARY KEY, si smallint, i integer, bi bigint,
  n numeric(38,10), n5 numeric(5,0), nu numeric, r real, d double precision,
  t text, vc varchar(20), c char(5), by bytea, b boolean,
  dt date, tm time(6), ts3 timestamp(3), ts timestamp, tstz timestamptz,
  iv interval, u uuid, j json, jb jsonb,
  ai int[], at text[], an numeric(6,2)[], ad date[], ats timestamptz[],
  e mood, dm positive_amount, m money`;

const ROWS = [
  `(1, -32768, -2147483648, -9223372036854775808,
    '-9999999999999999999999999999.9999999999', -99999, '-1234567890123456789012345678901234567.5', '-3.4028235e38', '-1.7976931348623157e308',
    '', '', '', '\\x', false,
    '0001-01-01', '00:00:00', '0001-01-01 00:00:00', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00',
    '-178000000 years', '00000000-0000-0000-0000-000000000000', '[]', '{}',
    '{}', '{}', '{}', '{}', '{}', 'sad', 0.01, '-92233720368547758.08')`,
  `(2, 32767, 2147483647, 9223372036854775807,
    '9999999999999999999999999999.9999999999', 99999, '0.5', '3.4028235e38', 'Infinity',
    'ünïcødé 😀 \\ '' " ,{}', 'x', 'abcde', '\\xdeadbeef00', true,
    '9999-12-31', '23:59:59.999999', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00',
    '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"k": [1, 2.5, null]}', '{"k": [1, 2.5, null]}',
    '{1,NULL,-3}', '{"a,b","NULL",NULL,"q\\"uote","back\\\\slash"}', '{1.50,-2.25}', '{2024-02-29,NULL}', '{"2024-01-01 12:00:00.123456+00"}',
    'happy', 12.5, 1234.56)`,
  `(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(4, 0, 0, 0, '0.0000000001', 0, '-0.5', '-0', '-0', 'a', 'b', 'a', '\\x00', false,
    '1969-12-31', '12:34:56.000001', '1969-12-31 23:59:59.999', '1969-12-31 23:59:59.999999', '2024-03-10 02:30:00.000001-05',
    '-1 days +02:03:00', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '"s"', '"s"',
    '{0}', '{""}', '{NULL}', '{1970-01-01}', '{NULL}', 'ok', 1, 0)`,
  `(5, 1, 1, 1, '-0.5', -1, '7', 'NaN', 'NaN', 'tab\there', 'ünï', 'é', '\\x0a0b', true,
    '0044-03-15 BC', '00:00:00.5', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.000001', '1900-01-01 00:00:00+05:53:28',
    '0', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', '{}', '{}',
    '{2147483647,-2147483648}', '{"🎉"}', '{999.99}', '{0044-03-15 BC}', '{"1969-12-31 23:59:59.999999+00"}', 'ok', 0.5, '-0.01')`,
];

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  await ensureSpillBucket();
  for (const setting of [
    "timezone TO 'Asia/Kolkata'",
    "DateStyle TO 'SQL, DMY'",
    "IntervalStyle TO 'iso_8601'",
    'extra_float_digits TO -3',
    "bytea_output TO 'escape'",
  ])
    await db.client.query(`ALTER DATABASE ${db.name} SET ${setting}`);
  await db.client.query("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  await db.client.query('CREATE DOMAIN positive_amount AS numeric(12,2) CHECK (VALUE > 0)');
  await db.client.query(`CREATE TABLE "TypeMatrix" (${COLUMNS})`);
  await db.client.query(`INSERT INTO "TypeMatrix" VALUES ${ROWS.join(',')}`);
  // Values no Athena type holds: each is read alone, and must fail naming its column.
  await db.client.query('CREATE TABLE unreadable (id int PRIMARY KEY, tsi timestamp, nu numeric, grid int[])');
  connector = createAuroraConnector({ env: { ...db.env, default_scale: '1' } });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

const float = (hex: string, width: 4 | 8) => {
  const bytes = Buffer.from(hex, 'hex');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return width === 4 ? view.getFloat32(0) : view.getFloat64(0);
};
const epochMicros = (x: string) => `(EXTRACT(EPOCH FROM ${x}) * 1000000)::numeric(40,0)::text`;
const items = (column: string, item: string) =>
  `CASE WHEN ${column} IS NULL THEN NULL ELSE COALESCE((SELECT json_agg(${item} ORDER BY o)::text FROM unnest(${column}) WITH ORDINALITY AS u(x, o)), '[]') END`;
const list = (convert: (text: string) => unknown) => (text: string) =>
  (JSON.parse(text) as (string | null)[]).map((v) => (v === null ? null : convert(v)));

/** Each column: the server's exact rendering, and how it becomes the value Athena reads. */
const EXPECTED: Record<string, [sql: string, convert: (text: string) => unknown]> = {
  si: ['si::text', Number],
  i: ['i::text', Number],
  bi: ['bi::text', BigInt],
  n: ['n::text', String],
  n5: ['n5::text', String],
  // default_scale=1: unbounded NUMERIC is decimal(38,1), and these values need no rounding.
  nu: ['round(nu, 1)::text', String],
  r: ["encode(float4send(r), 'hex')", (h) => float(h, 4)],
  d: ["encode(float8send(d), 'hex')", (h) => float(h, 8)],
  t: ['t', String],
  vc: ['vc', String],
  c: ["c::text || repeat(' ', 5 - length(c))", String],
  by: ["encode(by, 'hex')", String],
  b: ['b::text', (t) => t === 'true'],
  dt: ["(dt - DATE '1970-01-01')::text", Number],
  tm: ['tm::text', String],
  ts3: [`(${epochMicros('ts3')}::numeric / 1000)::bigint::text`, Number],
  ts: [epochMicros('ts'), BigInt],
  tstz: [epochMicros('tstz'), BigInt],
  iv: ['iv::text', String],
  u: ['u::text', String],
  j: ['j::text', String],
  jb: ['jb::text', String],
  ai: [items('ai', 'x::text'), list(Number)],
  at: [items('at', 'x'), list(String)],
  an: [items('an', 'x::text'), list(String)],
  ad: [items('ad', "(x - DATE '1970-01-01')::text"), list(Number)],
  ats: [items('ats', epochMicros('x')), list(BigInt)],
  e: ['e::text', String],
  dm: ['dm::text', String],
  m: ['m::text', String],
};

function rowsOf(table: Table): Map<number, Record<string, unknown>> {
  const rows = new Map<number, Record<string, unknown>>();
  for (const batch of table.batches) {
    for (let r = 0; r < batch.numRows; r++) {
      const row: Record<string, unknown> = {};
      batch.schema.fields.forEach((field, c) => {
        const vector = batch.getChildAt(c);
        const value = vector === null ? undefined : readValue(vector, r);
        row[field.name] = value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value;
      });
      rows.set(Number(row['id']), row);
    }
  }
  return rows;
}

describe('PostgreSQL type matrix', () => {
  it('maps every type to the exact Arrow type', async () => {
    const table = await engineFor(connector).getTable({ schemaName: 'public', tableName: 'typematrix' });
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    const micros = 'Timestamp<MICROSECOND, UTC>';
    expect(types).toEqual({
      id: 'Int32',
      si: 'Int16',
      i: 'Int32',
      bi: 'Int64',
      n: 'Decimal[38e+10]',
      n5: 'Decimal[5e0]',
      nu: 'Decimal[38e+1]',
      r: 'Float32',
      d: 'Float64',
      t: 'Utf8',
      vc: 'Utf8',
      c: 'Utf8',
      by: 'Binary',
      b: 'Bool',
      dt: 'Date32<DAY>',
      tm: 'Utf8',
      ts3: 'Date64<MILLISECOND>',
      ts: micros,
      tstz: micros,
      iv: 'Utf8',
      u: 'Utf8',
      j: 'Utf8',
      jb: 'Utf8',
      ai: 'List<Int32>',
      at: 'List<Utf8>',
      an: 'List<Decimal[6e+2]>',
      ad: 'List<Date32<DAY>>',
      ats: `List<${micros}>`,
      e: 'Utf8',
      dm: 'Decimal[12e+2]',
      m: 'Utf8',
    });
  });

  it('reads edge values through the protocol with every block spilled, equal to what PostgreSQL computes', async () => {
    const result = await engineFor(connector, { spill: true }).scan({ schemaName: 'public', tableName: 'typematrix' });
    expect(result.spilledObjects).toBeGreaterThan(0);
    expect(result.inlineBlocks).toBe(0);
    const actual = rowsOf(result.table);
    expect([...actual.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    const columns = Object.keys(EXPECTED);
    // The test's own session prints intervals as the connector's does; every other rendering is exact.
    await db.client.query("SET IntervalStyle = 'postgres'");
    const { rows } = await db.client.query({
      text: `SELECT id, ${columns.map((c) => (EXPECTED[c] as [string, unknown])[0]).join(', ')} FROM "TypeMatrix" ORDER BY id`,
      rowMode: 'array',
    });
    expect(rows).toHaveLength(5);
    for (const row of rows as (string | null)[][]) {
      const id = Number(row[0]);
      const got = actual.get(id) ?? {};
      columns.forEach((column, index) => {
        const text = row[index + 1];
        const convert = (EXPECTED[column] as [string, (text: string) => unknown])[1];
        expect(got[column], `row ${id} column ${column}`).toEqual(
          text === null || text === undefined ? null : convert(text),
        );
      });
    }
  });

  it.each([
    ['tsi', "'infinity'", /"tsi" holds a timestamp Athena's timestamp cannot hold/],
    [
      'nu',
      "'1.25'",
      /"nu" holds an unbounded NUMERIC value that decimal\(38,1\) cannot hold without rounding; set default_scale/,
    ],
    ['nu', "'NaN'", /"nu" holds a NUMERIC NaN or infinity/],
    ['grid', "'{{1,2},{3,4}}'", /"grid" holds a multi-dimensional array/],
  ])('refuses %s = %s, naming the column and never the value', async (column, value, why) => {
    await db.client.query('TRUNCATE unreadable');
    await db.client.query(`INSERT INTO unreadable (id, ${column}) VALUES (1, ${value})`);
    const read = engineFor(connector).scan({ schemaName: 'public', tableName: 'unreadable' });
    await expect(read).rejects.toThrow(why);
  });
});
