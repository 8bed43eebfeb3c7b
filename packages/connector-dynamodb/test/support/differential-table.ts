/**
 * The table of the pushdown differential test: every column type inference produces (strings,
 * int64, decimal(38,9), decimal(38,0), booleans, binary, lists, structs, string sets, a mixed
 * varchar, an attribute only ever NULL), NULLs and missing attributes, a table hash/range key, an
 * LSI with a string sort key and a sparse GSI — plus items written after the schema was inferred
 * whose attributes drifted to other types, as items sampling missed would. Values and constants
 * are chosen around the edges: empty and space-padded strings, case and accents, code points
 * around U+D800, U+E000–U+FFFF and above U+FFFF, zero, int64 ends, 38-digit decimals.
 */
import { seededRandom } from '@athena-federation/connector-core/harness';
import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

export const DIFFERENTIAL_TABLE: CreateTableCommandInput = {
  TableName: 'Differential',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'lsk', AttributeType: 'S' },
    { AttributeName: 'cat', AttributeType: 'S' },
    { AttributeName: 'gnum', AttributeType: 'N' },
    { AttributeName: 'lbin', AttributeType: 'B' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'ByLsk',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'lsk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: 'ByLbin',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'lbin', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'ByCat',
      KeySchema: [
        { AttributeName: 'cat', KeyType: 'HASH' },
        { AttributeName: 'gnum', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    // Holds keys only: never covers a read, so a pinned gnum still scans.
    {
      IndexName: 'ByGnum',
      KeySchema: [{ AttributeName: 'gnum', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

/** Partition keys: plain, accented, above U+FFFF, upper-case, space-padded, private use. */
export const PARTITIONS = ['p0', 'p1', 'p2', 'p3', 'p4', 'é', '\u{1F600}', 'A', 'a ', '\uE000'] as const;

/** Strings around every edge a comparison or a LIKE can trip on. */
export const EDGE_STRINGS = [
  '',
  ' ',
  'a',
  'a ',
  ' a',
  'A',
  'b',
  'ab',
  'abc',
  'á',
  'a\u0301',
  'é',
  'E',
  'e',
  'z',
  '5',
  '50',
  'true',
  '[',
  '%',
  '_',
  '\\',
  'ñ',
  '\uD7FF',
  '\uE000',
  '\uFFFF',
  '\u{10000}',
  '\u{1F600}',
  'zz\u{1F600}',
  'p1',
  'c0',
  'x'.repeat(1100),
] as const;
export const INTS = ['0', '1', '-1', '7', '42', '-9223372036854775808', '9223372036854775807', '123456789012'] as const;
export const DECIMALS = [
  '0',
  '-0',
  '1.5',
  '-1.5',
  '0.000000001',
  '-99999999999999999999999999999.999999999',
  '12.25',
  '7',
  '99999999999999999999999999999.999999999',
] as const;
export const HUGE = [
  '12345678901234567890123456789012345678',
  '-99999999999999999999999999999999999999',
  '0',
  '1',
  '-1',
] as const;
export const BYTES: readonly (readonly number[])[] = [[0], [255], [1, 2, 3], [0, 0], [1, 2]];
export const CATEGORIES = ['c0', 'c1', 'c2', 'é', '\u{10000}', 'C0'] as const;
export const GNUMS = ['0', '1.5', '-2.25', '100', '0.000000001', '-0.5'] as const;

/** Items as inference sees them: every attribute of one type (the varchar `mixed` aside). */
export function cleanItems(): Item[] {
  // The table is the same in every run; the seed varies only the queries.
  const next = seededRandom(14);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const items: Item[] = [];
  PARTITIONS.forEach((pk, p) => {
    for (let k = 0; k < 10; k++) {
      const sk = k === 9 ? (9223372036854775807n - BigInt(p)).toString() : String(k * 7 - 50 + p);
      const item: Item = { pk: { S: pk }, sk: { N: sk } };
      if (k % 5 !== 4) item['lsk'] = { S: pick(EDGE_STRINGS.filter((s) => s !== '' && s.length < 1000)) };
      if (k % 4 !== 3) {
        item['cat'] = { S: pick(CATEGORIES) };
        item['gnum'] = { N: pick(GNUMS) };
      }
      if (k % 6 !== 5) item['str'] = k % 11 === 10 ? { NULL: true } : { S: pick(EDGE_STRINGS) };
      if (k % 7 !== 6) item['int'] = { N: pick(INTS) };
      if (k % 8 !== 7) item['dec'] = k % 9 === 8 ? { NULL: true } : { N: pick(DECIMALS) };
      if (k % 3 !== 2) item['huge'] = { N: pick(HUGE) };
      if (k % 5 !== 0) item['flag'] = k % 10 === 3 ? { NULL: true } : { BOOL: next() < 0.5 };
      if (k % 4 !== 1) item['bin'] = { B: new Uint8Array(pick(BYTES)) };
      if (k % 3 === 0) item['lst'] = { L: [{ N: pick(INTS) }, { N: pick(INTS) }] };
      if (k % 4 === 0) item['obj'] = { M: { a: { N: pick(INTS) }, b: { S: pick(EDGE_STRINGS) } } };
      if (k % 5 === 1) item['tags'] = { SS: [...new Set([pick(CATEGORIES), pick(CATEGORIES)])] };
      item['mixed'] = [{ S: pick(EDGE_STRINGS) }, { N: pick(INTS) }, { BOOL: true }][k % 3] as AttributeValue;
      if (k % 13 === 0) item['nothing'] = { NULL: true };
      if (k % 5 !== 2) item['lbin'] = { B: new Uint8Array(pick(BYTES.filter((b) => b.length > 0))) };
      // Mixed-case attribute names: Athena may hand them back lower-cased.
      if (k % 3 !== 1) item['CamelNum'] = { N: pick(INTS) };
      if (k % 4 !== 2) item['CamelStr'] = { S: pick(EDGE_STRINGS) };
      items.push(item);
    }
  });
  return items;
}

/** Items written after inference, each with attributes whose type drifted from the inferred one. */
export function driftedItems(): Item[] {
  const drift: Item[] = [
    { str: { N: '5' }, int: { S: '7' } },
    { str: { BOOL: true }, int: { N: '1.5' }, flag: { S: 'true' } },
    { str: { SS: ['a', 'b'] }, bin: { S: 'AQID' } },
    { str: { B: new Uint8Array([1, 2, 3]) }, dec: { S: '1.5' } },
    { str: { N: '50' }, dec: { N: '1.0000000001' } },
    { str: { L: [{ S: 'a' }] }, huge: { S: '1' }, flag: { N: '1' } },
    { str: { M: { a: { S: 'b' } } }, lsk: { S: 'a' }, CamelStr: { N: '5' }, CamelNum: { S: '7' } },
  ];
  return drift.map((attributes, i) => ({
    pk: { S: PARTITIONS[i % PARTITIONS.length] ?? 'p0' },
    sk: { N: String(1000 + i) },
    ...attributes,
  }));
}
