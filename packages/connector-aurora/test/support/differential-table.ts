/**
 * Test support: the table of the pushdown differential test — every column type of the type matrix
 * (integer widths signed and unsigned, BIGINT UNSIGNED and BIT(64) maxima, DECIMAL up to (38) and
 * (65) read as text, FLOAT/DOUBLE, BIT, TINYINT(1), DATE/DATETIME(0, 3, 6)/TIMESTAMP with zero dates,
 * TIME, YEAR, CHAR/VARCHAR/TEXT in utf8mb4, latin1 and utf8mb3 with their default collations,
 * ENUM/SET, JSON, BINARY/VARBINARY/BLOB, GEOMETRY) — filled from edge-value pools by a seeded PRNG.
 * Values are SQL literals, inserted as text: they are this file's constants, not request data.
 */
import { seededRandom } from '@athena-federation/connector-core/harness';
import type { Pool } from 'mysql2/promise';

/** A column of the differential table: its definition and the SQL literals it is filled from. */
export interface DifferentialColumn {
  readonly name: string;
  readonly definition: string;
  readonly values: readonly string[];
}

const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('\u0000', '\\0')}'`;
const strings = (values: readonly string[]) => values.map(quote);

/** Strings that differ only in case, accents, trailing spaces (equal under the default collations), NUL, LIKE wildcards, and code points on both sides of U+FFFF. */
const UTF8MB4 = [
  '',
  'a',
  'A',
  'a ',
  'abc',
  'ABC',
  'abc ',
  'é',
  'É',
  'e',
  'E',
  'ß',
  'ss',
  '😀',
  'z😀',
  '\ue000',
  '\ufffd',
  '\ue000😀',
  '😀\ue000',
  'a\u0000b',
  "o'k",
  '%',
  'a_c',
  'a%c',
  '\\',
  '中文',
];
/** What latin1 (MySQL's cp1252) can hold of them, and its own extras. */
const LATIN1 = [
  '',
  'a',
  'A',
  'a ',
  'abc',
  'ABC',
  'abc ',
  'é',
  'É',
  'e',
  'E',
  'ß',
  'ss',
  '€',
  'ÿ',
  'a\u0000b',
  "o'k",
  '%',
  'a_c',
];
/** utf8mb3 stops at U+FFFF. */
const UTF8MB3 = [
  '',
  'a',
  'A',
  'a ',
  'abc',
  'ABC',
  'abc ',
  'é',
  'É',
  'e',
  'ß',
  'ss',
  '\ue000',
  '\ufffd',
  'a\u0000b',
  "o'k",
  '中文',
  'a_c',
];

const text = (name: string, type: string, charset: string, values: readonly string[]): DifferentialColumn => ({
  name,
  definition: `${type} CHARACTER SET ${charset}`,
  values: strings(values),
});

/** Every column but the key, in table order. */
export const DIFFERENTIAL_COLUMNS: readonly DifferentialColumn[] = [
  { name: 'ti', definition: 'TINYINT', values: ['-128', '-1', '0', '1', '24', '99', '127'] },
  { name: 'tiu', definition: 'TINYINT UNSIGNED', values: ['0', '1', '127', '128', '255'] },
  { name: 'si', definition: 'SMALLINT', values: ['-32768', '-1', '0', '70', '1901', '32767'] },
  { name: 'siu', definition: 'SMALLINT UNSIGNED', values: ['0', '1', '32767', '32768', '65535'] },
  { name: 'mi', definition: 'MEDIUMINT', values: ['-8388608', '0', '99', '8388607'] },
  { name: 'miu', definition: 'MEDIUMINT UNSIGNED', values: ['0', '8388608', '16777215'] },
  { name: 'i', definition: 'INT', values: ['-2147483648', '-1', '0', '1', '2155', '2147483647'] },
  { name: 'iu', definition: 'INT UNSIGNED', values: ['0', '2147483648', '4294967295'] },
  {
    name: 'bi',
    definition: 'BIGINT',
    values: ['-9223372036854775808', '-1', '0', '9007199254740993', '9223372036854775807'],
  },
  {
    name: 'biu',
    definition: 'BIGINT UNSIGNED',
    values: ['0', '1', '9223372036854775807', '9223372036854775808', '18446744073709551615'],
  },
  {
    name: 'd',
    definition: 'DECIMAL(38,10)',
    values: strings([
      '-9999999999999999999999999999.9999999999',
      '-0.5',
      '0',
      '0.0000000001',
      '123.45',
      '9999999999999999999999999999.9999999999',
    ]),
  },
  { name: 'd5', definition: 'DECIMAL(5,0)', values: ['-99999', '0', '1', '99999'] },
  { name: 'du', definition: 'DECIMAL(10,2) UNSIGNED', values: ['0', '0.01', '99999999.99'] },
  {
    name: 'd65',
    definition: 'DECIMAL(65,30)',
    values: strings(['12345678901234567890123456789012345.123456789012345678901234567890', '-1', '0']),
  },
  {
    name: 'f',
    definition: 'FLOAT',
    values: ['-3.4028234663852886e38', '-2.75', '0', '0.1', '1.5', '3.4028234663852886e38', '1.401298464324817e-45'],
  },
  {
    name: 'db',
    definition: 'DOUBLE',
    values: ['-1.7976931348623157e308', '-0.5', '0', '0.1', '2.5', '1e308', '4.9e-324'],
  },
  { name: 'b1', definition: 'BIT(1)', values: ["b'0'", "b'1'"] },
  { name: 'b8', definition: 'BIT(8)', values: ["b'0'", "b'1'", "b'10000000'", "b'11111111'"] },
  { name: 'b64', definition: 'BIT(64)', values: ["b'0'", "b'1'", `b'1${'0'.repeat(63)}'`, `b'${'1'.repeat(64)}'`] },
  { name: 'bo', definition: 'TINYINT(1)', values: ['-1', '0', '1', '5', '127'] },
  {
    name: 'dt',
    definition: 'DATE',
    values: strings([
      '1000-01-01',
      '0042-07-04',
      '1969-12-31',
      '1970-01-01',
      '2024-02-29',
      '9999-12-31',
      '0000-00-00',
      '2024-00-05',
      '2024-01-00',
    ]),
  },
  {
    name: 'dtm',
    definition: 'DATETIME',
    values: strings([
      '1000-01-01 00:00:00',
      '1969-12-31 23:59:59',
      '1970-01-01 00:00:00',
      '2024-02-29 12:34:56',
      '9999-12-31 23:59:59',
      '0000-00-00 00:00:00',
    ]),
  },
  {
    name: 'dtm3',
    definition: 'DATETIME(3)',
    values: strings([
      '1969-12-31 23:59:59.999',
      '1970-01-01 00:00:00.000',
      '1970-01-01 00:00:00.001',
      '2024-02-29 12:34:56.789',
      '0000-00-00 00:00:00.000',
    ]),
  },
  {
    name: 'dtm6',
    definition: 'DATETIME(6)',
    values: strings([
      '1970-01-01 00:00:00.000000',
      '2024-01-01 00:00:00.000001',
      '9999-12-31 23:59:59.999999',
      '0000-00-00 00:00:00.000000',
    ]),
  },
  {
    name: 'ts',
    definition: 'TIMESTAMP(3) NULL DEFAULT NULL',
    values: strings([
      '1970-01-01 00:00:01.000',
      '2000-01-01 00:00:00.500',
      '2038-01-19 03:14:07.999',
      '0000-00-00 00:00:00',
    ]),
  },
  { name: 'tm', definition: 'TIME(6)', values: strings(['-838:59:59', '00:00:00', '12:34:56.5', '838:59:59']) },
  {
    name: 'y',
    definition: 'YEAR',
    values: ['0', '1901', '1930', '1969', '1970', '1999', '2000', '2024', '2069', '2070', '2155'],
  },
  text(
    'c4',
    'CHAR(5)',
    'utf8mb4',
    UTF8MB4.filter((v) => [...v].length <= 5),
  ),
  text('v4', 'VARCHAR(40)', 'utf8mb4', UTF8MB4),
  text('t4', 'TEXT', 'utf8mb4', UTF8MB4),
  text('cl', 'CHAR(5)', 'latin1', LATIN1),
  text('vl', 'VARCHAR(40)', 'latin1', LATIN1),
  text('tl', 'TEXT', 'latin1', LATIN1),
  text('c3', 'CHAR(5)', 'utf8mb3', UTF8MB3),
  text('v3', 'VARCHAR(40)', 'utf8mb3', UTF8MB3),
  text('t3', 'TEXT', 'utf8mb3', UTF8MB3),
  { name: 'e', definition: "ENUM('a', 'b', 'é', 'Z')", values: strings(['a', 'b', 'é', 'Z']) },
  { name: 'st', definition: "SET('x', 'y', 'z')", values: strings(['', 'x', 'x,y', 'y,z', 'x,y,z']) },
  { name: 'j', definition: 'JSON', values: strings(['{}', '[]', '{"k": 1}', '"s"', 'null', '[1, 2.5]']) },
  { name: 'bn', definition: 'BINARY(4)', values: ["x'00000000'", "x'ffffffff'", "x'61626300'", "x'00000001'"] },
  { name: 'vb', definition: 'VARBINARY(10)', values: ["x''", "x'00'", "x'ff10'", "x'61'", "x'6162'"] },
  { name: 'bl', definition: 'BLOB', values: ["x''", "x'deadbeef'", "x'00'"] },
  {
    name: 'g',
    definition: 'GEOMETRY',
    values: [
      "ST_GeomFromText('POINT(1 2)')",
      "ST_GeomFromText('POINT(1 2)', 4326)",
      "ST_GeomFromText('LINESTRING(0 0, 1 1)', 3857)",
      "ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))')",
    ],
  },
];

/**
 * Creates `name` with an INT primary key `id` (1…rows) and every differential column, each value
 * drawn from its pool or NULL (one in six) by a PRNG seeded with `seed`.
 */
export async function createDifferentialTable(pool: Pool, name: string, rows: number, seed: number): Promise<void> {
  const next = seededRandom(seed);
  await pool.query(
    `CREATE TABLE \`${name}\` (id INT PRIMARY KEY, ${DIFFERENTIAL_COLUMNS.map((c) => `\`${c.name}\` ${c.definition} NULL`).join(', ')})`,
  );
  const tuples = Array.from(
    { length: rows },
    (_, i) =>
      `(${[String(i + 1), ...DIFFERENTIAL_COLUMNS.map((c) => (next() < 1 / 6 ? 'NULL' : (c.values[Math.floor(next() * c.values.length)] ?? 'NULL')))].join(', ')})`,
  );
  const connection = await pool.getConnection();
  try {
    // Zero dates need a permissive sql_mode; TIMESTAMP literals are UTC.
    await connection.query("SET SESSION sql_mode = '', time_zone = '+00:00'");
    await connection.query(`INSERT INTO \`${name}\` VALUES ${tuples.join(', ')}`);
    await connection.query(`ANALYZE TABLE \`${name}\``);
  } finally {
    connection.release();
  }
}
