/**
 * GEOMETRY columns against the real MariaDB, in a table scan and in query passthrough: every
 * geometry type, with and without an SRID, reads as varbinary holding the bytes the Java connector's
 * `getBytes` returns — MySQL's stored form, the SRID as 4 little-endian bytes followed by the WKB.
 * Expected bytes come from MySQL's own `ST_SRID` and `ST_AsBinary` over a separate connection.
 */
import { readRows, readValue } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

const SHAPES: readonly (readonly [string, number])[] = [
  ['POINT(1 2)', 0],
  ['POINT(-71.064544 42.28787)', 4326],
  ['LINESTRING(0 0, 1 1, 2 0.5)', 3857],
  ['POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))', 0],
  ['MULTIPOINT(0 0, 1 1)', 4326],
  ['MULTILINESTRING((0 0, 1 1), (2 2, 3 3))', 0],
  ['MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))', 27700],
  ['GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 1 1), POLYGON((0 0, 1 0, 1 1, 0 0)))', 3857],
  ['GEOMETRYCOLLECTION EMPTY', 0],
];
/** One column per geometry type, each holding one value of its type (row 1) or NULL (row 2). */
const TYPED: readonly (readonly [string, string, string])[] = [
  ['pt', 'POINT', 'POINT(3 4)'],
  ['ls', 'LINESTRING', 'LINESTRING(1 1, 2 2)'],
  ['pg', 'POLYGON', 'POLYGON((0 0, 1 0, 0 1, 0 0))'],
  ['mpt', 'MULTIPOINT', 'MULTIPOINT(5 5, 6 6)'],
  ['mls', 'MULTILINESTRING', 'MULTILINESTRING((0 0, 2 2))'],
  ['mpg', 'MULTIPOLYGON', 'MULTIPOLYGON(((0 0, 1 0, 0 1, 0 0)))'],
  ['gc', 'GEOMETRYCOLLECTION', 'GEOMETRYCOLLECTION(POINT(9 9))'],
];

let db: TestDatabase;
let connector: AuroraConnector;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await db.pool.query('CREATE TABLE shapes (id INT PRIMARY KEY, g GEOMETRY NULL)');
  await db.pool.query(
    `INSERT INTO shapes VALUES ${SHAPES.map((_, i) => `(${i + 1}, ST_GeomFromText(?, ?))`).join(', ')}, (${SHAPES.length + 1}, NULL)`,
    SHAPES.flat(),
  );
  await db.pool.query(
    `CREATE TABLE typed (id INT PRIMARY KEY, ${TYPED.map(([name, type]) => `${name} ${type} NULL`).join(', ')})`,
  );
  await db.pool.query(
    `INSERT INTO typed VALUES (1, ${TYPED.map(() => 'ST_GeomFromText(?, 4326)').join(', ')}), (2, ${TYPED.map(() => 'NULL').join(', ')})`,
    TYPED.map(([, , wkt]) => wkt),
  );
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

/** What MySQL holds for each row and column: SRID (little-endian uint32) then WKB, as hex. */
async function expectedHex(
  table: string,
  columns: readonly string[],
): Promise<Map<number, Record<string, string | null>>> {
  const select = columns
    .map((c) => `ST_SRID(\`${c}\`) AS \`${c}_srid\`, HEX(ST_AsBinary(\`${c}\`)) AS \`${c}_wkb\``)
    .join(', ');
  const [rows] = await db.pool.query(`SELECT id, ${select} FROM \`${table}\``);
  const expected = new Map<number, Record<string, string | null>>();
  for (const row of rows as Record<string, string | number | null>[]) {
    const values: Record<string, string | null> = {};
    for (const c of columns) {
      const srid = row[`${c}_srid`];
      const wkb = row[`${c}_wkb`];
      if (srid === null || wkb === null || srid === undefined || wkb === undefined) {
        values[c] = null;
        continue;
      }
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32LE(Number(srid));
      values[c] = prefix.toString('hex') + String(wkb).toLowerCase();
    }
    expected.set(Number(row['id']), values);
  }
  return expected;
}

function hexRows(table: Table): Map<number, Record<string, string | null>> {
  const rows = new Map<number, Record<string, string | null>>();
  for (const batch of table.batches) {
    for (let r = 0; r < batch.numRows; r++) {
      const row: Record<string, string | null> = {};
      let id = 0;
      batch.schema.fields.forEach((field, c) => {
        const value = readValue(batch.getChildAt(c) ?? (undefined as never), r);
        if (field.name === 'id') id = Number(value);
        else row[field.name] = value === null ? null : Buffer.from(value as Uint8Array).toString('hex');
      });
      rows.set(id, row);
    }
  }
  return rows;
}

describe('GEOMETRY columns', () => {
  it('map to varbinary', async () => {
    const table = await engineFor(connector).getTable({ schemaName: db.name, tableName: 'typed' });
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'id:Int32',
      ...TYPED.map(([name]) => `${name}:Binary`),
    ]);
  });

  it('read every geometry type with its SRID as MySQL stores it, inline and spilled', async () => {
    for (const spill of [false, true]) {
      const shapes = await engineFor(connector, { spill }).scan({ schemaName: db.name, tableName: 'shapes' });
      expect(hexRows(shapes.table)).toEqual(await expectedHex('shapes', ['g']));
      const typed = await engineFor(connector, { spill }).scan({ schemaName: db.name, tableName: 'typed' });
      expect(hexRows(typed.table)).toEqual(
        await expectedHex(
          'typed',
          TYPED.map(([name]) => name),
        ),
      );
    }
  });

  it('read through query passthrough, geometry columns and computed geometries alike', async () => {
    const d = engineFor(connector);
    await d.ping();
    const args = {
      schemaFunctionName: 'SYSTEM.QUERY',
      QUERY: `SELECT id, g, ST_Centroid(g) AS c FROM \`${db.name}\`.shapes WHERE id <= 4`,
    };
    const table = await d.getTable({ schemaName: 'system', tableName: 'query' }, args);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['id:Int32', 'g:Binary', 'c:Binary']);
    const constraints = makeConstraints({ queryPassthroughArguments: args });
    const splits = await d.getSplits(table, await d.getTableLayout(table, constraints), constraints);
    const got = new Map<number, Record<string, string | null>>();
    for (const split of splits) {
      for (const batch of (await d.readSplit(table.tableName, table.schema, split, constraints)).batches) {
        for (const [id, g, c] of readRows(batch))
          got.set(Number(id), {
            g: g === null ? null : Buffer.from(g as Uint8Array).toString('hex'),
            c: c === null ? null : Buffer.from(c as Uint8Array).toString('hex'),
          });
      }
    }
    const [rows] = await db.pool.query(
      'SELECT id, ST_SRID(g) AS gs, HEX(ST_AsBinary(g)) AS gw, ST_SRID(ST_Centroid(g)) AS cs, HEX(ST_AsBinary(ST_Centroid(g))) AS cw FROM shapes WHERE id <= 4',
    );
    const le = (srid: unknown) => {
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32LE(Number(srid));
      return prefix.toString('hex');
    };
    const expected = new Map(
      (rows as Record<string, unknown>[]).map((r) => [
        Number(r['id']),
        {
          g: le(r['gs']) + String(r['gw']).toLowerCase(),
          c: r['cw'] === null ? null : le(r['cs']) + String(r['cw']).toLowerCase(),
        },
      ]),
    );
    expect(got).toEqual(expected);
  });
});
