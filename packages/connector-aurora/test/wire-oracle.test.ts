/**
 * The wire decoder (the connector's read path) against the server's own text of the same rows on
 * the real MariaDB: random rows of every type Aurora maps (NULLs, maxima, zero dates, multi-byte
 * text, DECIMAL(65), BIT(64), JSON, GEOMETRY) give the Arrow values that the server's
 * `CAST(… AS CHAR)` / `HEX` text says they hold, worked out by the test's own rules
 * (support/server-oracle.ts), so a decoder bug cannot agree with itself.
 */
import { seededRandom } from '@athena-federation/connector-core/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'mysql2';
import { mysqlDialect, quoteIdentifier } from '../src/aurora-dialect.js';
import type { MappedColumn } from '../src/aurora-types.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { arrowColumnValues, expectedFromText, oracleExpression } from './support/server-oracle.js';
import { auroraPoolFor, mappedColumnsOf, readThroughWire } from './support/wire-paths.js';

const SEED = Number(process.env['WIRE_DIFFERENTIAL_SEED'] ?? 1717);
const ROWS = 400;
const random = seededRandom(SEED);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const int = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
const bigint = (low: bigint, high: bigint): bigint =>
  low + (BigInt(Math.floor(random() * 2 ** 53)) * (high - low + 1n)) / 2n ** 53n;
const two = (n: number): string => String(n).padStart(2, '0');
const TEXT_PIECES = ['a', 'Z', ' ', 'é', 'ü', '中', '文', '😀', '𝄞', "'", '"', '\\', '\t', '\n', '%', '_', 'ß'];
const text = (max: number, pieces = TEXT_PIECES): string =>
  Array.from({ length: int(0, max) }, () => pick(pieces)).join('');
const hex = (bytes: number): string =>
  Array.from({ length: bytes }, () => int(0, 255).toString(16).padStart(2, '0')).join('');
const digits = (count: number): string => Array.from({ length: count }, () => int(0, 9)).join('');
const decimal = (whole: number, fraction: number): string =>
  `${pick(['', '-'])}${digits(int(1, whole)) || '0'}${fraction > 0 ? `.${digits(fraction)}` : ''}`;
const day = (): string => `${int(1000, 9999)}-${two(int(1, 12))}-${two(int(1, 28))}`;
const clock = (): string => `${two(int(0, 23))}:${two(int(0, 59))}:${two(int(0, 59))}`;

/** Column definition, then how to make a random SQL literal (or NULL, or an edge) for it. */
const COLUMNS: readonly (readonly [string, string, () => string])[] = [
  ['ti', 'TINYINT', () => String(pick([-128, 127, int(-128, 127)]))],
  ['tiu', 'TINYINT UNSIGNED', () => String(pick([0, 255, int(0, 255)]))],
  ['si', 'SMALLINT', () => String(pick([-32768, 32767, int(-32768, 32767)]))],
  ['siu', 'SMALLINT UNSIGNED', () => String(pick([0, 65535, int(0, 65535)]))],
  ['mi', 'MEDIUMINT', () => String(pick([-8388608, 8388607, int(-8388608, 8388607)]))],
  ['miu', 'MEDIUMINT UNSIGNED', () => String(pick([0, 16777215, int(0, 16777215)]))],
  ['i', 'INT', () => String(pick([-2147483648, 2147483647, int(-2147483648, 2147483647)]))],
  ['iu', 'INT UNSIGNED', () => String(pick([0, 4294967295, int(0, 4294967295)]))],
  [
    'bi',
    'BIGINT',
    () =>
      String(
        pick([
          -9223372036854775808n,
          9223372036854775807n,
          bigint(-9223372036854775808n, 9223372036854775807n),
          BigInt(int(-1000, 1000)),
        ]),
      ),
  ],
  [
    'biu',
    'BIGINT UNSIGNED',
    () => String(pick([0n, 18446744073709551615n, bigint(0n, 18446744073709551615n), BigInt(int(0, 1000))])),
  ],
  [
    'd',
    'DECIMAL(38,10)',
    () =>
      pick([
        '9999999999999999999999999999.9999999999',
        '-9999999999999999999999999999.9999999999',
        decimal(28, 10),
        decimal(3, 10),
      ]),
  ],
  ['d5', 'DECIMAL(5,2)', () => pick(['999.99', '-999.99', decimal(3, 2)])],
  ['d0', 'DECIMAL(18,0)', () => pick(['999999999999999999', decimal(18, 0)])],
  [
    'd65',
    'DECIMAL(65,30)',
    () => pick([`${'9'.repeat(35)}.${'9'.repeat(30)}`, `-${'9'.repeat(35)}.${'9'.repeat(30)}`, decimal(35, 30)]),
  ],
  [
    'f',
    'FLOAT',
    () =>
      pick([
        '3.4028234663852886e38',
        '-3.4028234663852886e38',
        '1.401298464324817e-45',
        String(Math.fround((random() - 0.5) * 10 ** int(-20, 20))),
      ]),
  ],
  [
    'db',
    'DOUBLE',
    () =>
      pick([
        '1.7976931348623157e308',
        '-1.7976931348623157e308',
        '4.9e-324',
        String((random() - 0.5) * 10 ** int(-300, 300)),
      ]),
  ],
  ['b1', 'BIT(1)', () => pick(["b'0'", "b'1'"])],
  ['b7', 'BIT(7)', () => `${int(0, 127)}`],
  ['b63', 'BIT(63)', () => `x'${int(0, 7).toString(16)}${hex(7).slice(1)}'`],
  ['b64', 'BIT(64)', () => pick(["x'ffffffffffffffff'", "x'8000000000000000'", `x'${hex(8)}'`])],
  ['bo', 'TINYINT(1)', () => String(pick([0, 1, int(-128, 127)]))],
  ['dt', 'DATE', () => `'${pick(['0000-00-00', '2024-00-10', '1000-01-01', '9999-12-31', day()])}'`],
  ['dtm', 'DATETIME', () => `'${pick(['0000-00-00 00:00:00', '9999-12-31 23:59:59', `${day()} ${clock()}`])}'`],
  [
    'dtm3',
    'DATETIME(3)',
    () => `'${pick(['0000-00-00 00:00:00.000', `${day()} ${clock()}.${digits(3)}`, `${day()} ${clock()}`])}'`,
  ],
  [
    'ts',
    'TIMESTAMP(3) NULL DEFAULT NULL',
    () =>
      `'${pick(['1970-01-01 00:00:01.000', '2038-01-19 03:14:07.999', `${int(1971, 2037)}-${two(int(1, 12))}-${two(int(1, 28))} ${clock()}.${digits(3)}`])}'`,
  ],
  [
    'dtm6',
    'DATETIME(6)',
    () => `'${pick(['0000-00-00 00:00:00', `${day()} ${clock()}.${digits(6)}`, `${day()} 00:00:00`])}'`,
  ],
  [
    'tm',
    'TIME(6)',
    () =>
      `'${pick(['-838:59:59.000000', '838:59:59', '00:00:00', `${pick(['', '-'])}${int(0, 838)}:${two(int(0, 59))}:${two(int(0, 59))}.${digits(int(0, 6))}`])}'`,
  ],
  [
    'tm0',
    'TIME',
    () => `'${pick(['-838:59:59', '00:00:00', `${int(0, 838)}:${two(int(0, 59))}:${two(int(0, 59))}`])}'`,
  ],
  ['y', 'YEAR', () => String(pick([0, 1901, 2155, int(1901, 2155)]))],
  ['c', 'CHAR(5)', () => quote(text(5))],
  ['vc', 'VARCHAR(100)', () => quote(text(100))],
  ['tx', 'TEXT', () => quote(text(2000))],
  ['lat', 'VARCHAR(20) CHARACTER SET latin1', () => quote(text(20, ['a', 'é', 'ü', 'ß', '£', ' ', "'"]))],
  ['e', "ENUM('a','b','ü')", () => pick(["'a'", "'b'", "'ü'"])],
  ['st', "SET('x','y','中')", () => pick(["''", "'x'", "'x,y'", "'y,中'"])],
  [
    'j',
    'JSON',
    () => pick(['\'{"k": [1, 2.5, null]}\'', "'[]'", `JSON_OBJECT('s', ${quote(text(30))}, 'n', ${int(-1000, 1000)})`]),
  ],
  ['bn', 'BINARY(4)', () => `x'${hex(4)}'`],
  ['vb', 'VARBINARY(10)', () => `x'${hex(int(0, 10))}'`],
  ['bl', 'BLOB', () => `x'${hex(int(0, 3000))}'`],
  [
    'g',
    'GEOMETRY',
    () =>
      pick([
        `ST_GeomFromText('POINT(${int(-180, 180)} ${int(-90, 90)})', ${pick([0, 4326])})`,
        "ST_GeomFromText('LINESTRING(0 0, 1 1, 2 5)')",
        "ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 0))', 3857)",
      ]),
  ],
  ['pt', 'POINT', () => `POINT(${random() * 100}, ${random() * -100})`],
];

function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

let db: TestDatabase;
let pool: Pool;
let endPool: () => Promise<void>;
let columns: MappedColumn[];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(
    `CREATE TABLE WireTypes (id INT PRIMARY KEY, ${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`,
  );
  const connection = await db.pool.getConnection();
  try {
    // Zero dates need a permissive sql_mode; TIMESTAMP literals are taken as UTC.
    await connection.query("SET SESSION sql_mode = '', time_zone = '+00:00'");
    const rows: string[] = [];
    for (let id = 0; id < ROWS; id++) {
      // Every tenth row is all NULL; otherwise each value is NULL one time in eight.
      rows.push(
        `(${id}, ${COLUMNS.map(([, , make]) => (id % 10 === 3 || random() < 0.125 ? 'NULL' : make())).join(', ')})`,
      );
    }
    await connection.query(`INSERT INTO WireTypes VALUES ${rows.join(',\n')}`);
  } finally {
    connection.release();
  }
  ({ pool, end: endPool } = await auroraPoolFor(db.name));
  columns = await mappedColumnsOf(pool, db.name, 'WireTypes');
}, 60_000);

afterAll(async () => {
  await endPool?.();
  await db?.drop();
});

describe(`wire decoder vs the server's text of the same rows (seed ${SEED})`, () => {
  it('maps every column kind the type mapping has', () => {
    // Prepare / Act: the columns as GetTable maps them
    const kinds = new Set(columns.map((column) => column.kind));
    // Assess: the table covers them all, so no decoder branch goes untested here
    expect([...kinds].sort()).toEqual([
      'binary',
      'bit-bool',
      'bits',
      'date',
      'datetime',
      'datetime-text',
      'decimal',
      'double',
      'float',
      'geometry',
      'int-bool',
      'integer',
      'string',
      'text-fallback',
      'time',
      'unsigned-bigint',
      'year',
    ]);
  });

  const table = () => `${quoteIdentifier(db.name)}.WireTypes`;

  /** Each column's expected values, in id order, from the server's text over mysql2's text protocol. */
  async function expectedValues(fromId: number): Promise<Record<string, unknown[]>> {
    const [rows] = await pool.promise().query({
      sql: `SELECT ${columns.map((column) => oracleExpression(column, quoteIdentifier(column.name))).join(', ')} FROM ${table()} WHERE id >= ? ORDER BY id`,
      values: [fromId],
      rowsAsArray: true,
    });
    const expected: Record<string, unknown[]> = {};
    for (const column of columns) expected[column.name] = [];
    for (const row of rows as unknown[][])
      columns.forEach((column, index) => {
        const text = row[index];
        expected[column.name]?.push(expectedFromText(column, text === null ? null : String(text)));
      });
    return expected;
  }

  it('reads every row and column of the statement the connector sends as the server holds them, across many batches', async () => {
    // Prepare: the select list the connector sends (the dialect's expressions)
    const statement = {
      sql: `SELECT ${columns.map((column) => mysqlDialect.selectExpression?.(column, quoteIdentifier(column.name)) ?? quoteIdentifier(column.name)).join(', ')} FROM ${table()} WHERE id >= ? ORDER BY id`,
      params: [0],
    };
    const expected = await expectedValues(0);
    // Act
    const batches = await readThroughWire(pool, statement, columns, 16 * 1024);
    // Assess
    expect(batches.length).toBeGreaterThan(3);
    expect(batches.reduce((sum, batch) => sum + batch.numRows, 0)).toBe(ROWS);
    const actual = arrowColumnValues(batches);
    for (const column of columns)
      expect({ column: column.name, values: actual[column.name] }).toEqual({
        column: column.name,
        values: expected[column.name],
      });
  });

  it('ends each batch with the row that passes the target size, so blocks stay within a row of maxBlockSize', async () => {
    // Prepare: the id and a TEXT of up to 2,000 characters, in batches of 16 KiB
    const target = 16 * 1024;
    const statement = { sql: `SELECT id, tx FROM ${table()} ORDER BY id`, params: [] };
    const [idColumn] = columns;
    const textColumn = columns.find((column) => column.name === 'tx');
    // Act
    const batches = await readThroughWire(
      pool,
      statement,
      [idColumn as MappedColumn, textColumn as MappedColumn],
      target,
    );
    // Assess: Arrow bytes as core counts them; a bitmap per column is the decoder's allowance for NULLs
    expect(batches.length).toBeGreaterThan(3);
    batches.forEach((batch, index) => {
      const bytes = batch.data.children.reduce((sum, child) => sum + child.byteLength, 0);
      const offsets = batch.getChildAt(1)?.data[0]?.valueOffsets as Int32Array;
      const last = batch.numRows - 1;
      const lastRowBytes = 4 + 4 + ((offsets[last + 1] as number) - (offsets[last] as number));
      expect(bytes - lastRowBytes, `batch ${index} without its last row`).toBeLessThanOrEqual(target);
      if (index < batches.length - 1)
        expect(bytes + 2 * Math.ceil(batch.numRows / 8), `batch ${index}`).toBeGreaterThan(target);
    });
    expect(batches.reduce((sum, batch) => sum + batch.numRows, 0)).toBe(ROWS);
  });

  it('counts the rows of a statement that asks for no columns (the kit selects NULL)', async () => {
    // Prepare
    const statement = { sql: `SELECT NULL FROM ${table()} WHERE id >= ?`, params: [100] };
    // Act
    const batches = await readThroughWire(pool, statement, []);
    // Assess
    expect({
      rows: batches.reduce((sum, batch) => sum + batch.numRows, 0),
      fields: batches[0]?.schema.fields.length,
    }).toEqual({ rows: ROWS - 100, fields: 0 });
  });
});
