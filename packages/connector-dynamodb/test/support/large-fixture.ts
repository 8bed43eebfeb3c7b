/**
 * The ≥ 100,000-item fixture of issue #4: a mixed-case table with a GSI and an LSI, every DynamoDB
 * type, mixed-case attribute names, sparse attributes in under 1% of the items, integers past 2^53
 * and 38-digit numbers. Items are generated from their index, so the test and the benchmarks build
 * the same data without storing it.
 */
import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/** Devices × readings per device = items. */
export const DEVICES = 1_000;
export const READINGS_PER_DEVICE = 100;
export const LARGE_ITEM_COUNT = DEVICES * READINGS_PER_DEVICE;

export const largeTable: CreateTableCommandInput = {
  TableName: 'FleetTelemetry',
  AttributeDefinitions: [
    { AttributeName: 'DeviceId', AttributeType: 'S' },
    { AttributeName: 'SeqNo', AttributeType: 'N' },
    { AttributeName: 'RegionCode', AttributeType: 'S' },
    { AttributeName: 'Severity', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'DeviceId', KeyType: 'HASH' },
    { AttributeName: 'SeqNo', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'ByRegion',
      KeySchema: [
        { AttributeName: 'RegionCode', KeyType: 'HASH' },
        { AttributeName: 'SeqNo', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'BySeverity',
      KeySchema: [
        { AttributeName: 'DeviceId', KeyType: 'HASH' },
        { AttributeName: 'Severity', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

/**
 * Attributes present in under 1% of the items (about 0.8%, 0.6% and 0.5%), scattered by a hash of
 * the item index so they fall on every sort-key position, not on one reading number per device.
 */
export const SPARSE_ATTRIBUTES = ['RareNote', 'rareDetails', 'RARE_BLOB'] as const;

/** A 32-bit integer hash (murmur3's finalizer): spreads consecutive indexes evenly. */
function scatter(i: number): number {
  let h = Math.imul(i ^ (i >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const TWO_POW_53 = 2n ** 53n;

/** The device id of item `i` (`dev-0000` … `dev-0999`). */
export function deviceOf(i: number): string {
  return `dev-${String(Math.floor(i / READINGS_PER_DEVICE)).padStart(4, '0')}`;
}

/** A deterministic 38-digit integer (no leading zero), varying with `i`. */
function digits38(i: number): string {
  const body = String(i * 7919 + 1).padStart(12, '0');
  return `9${body}${'1234567890123'}${String(i % 1000).padStart(3, '0')}${body.slice(0, 9)}`.slice(0, 38);
}

/** Item `i` of the fixture. */
export function largeItem(i: number): Item {
  const seq = i % READINGS_PER_DEVICE;
  const bytes = new Uint8Array([i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 0, 255]);
  const item: Item = {
    DeviceId: { S: deviceOf(i) },
    SeqNo: { N: String(seq) },
    RegionCode: { S: `region-${i % 7}` },
    Severity: { N: String((i * 31) % 5) },
    // Integers past 2^53 (a double would round them) and both int64 ends.
    BigCounter: {
      N: (i % 1000 === 0
        ? i % 2000 === 0
          ? 2n ** 63n - 1n
          : -(2n ** 63n)
        : TWO_POW_53 + BigInt(i) * 2n + 1n
      ).toString(),
    },
    // 38 significant digits: integers, and 28 integer + 10 fraction digits.
    Precise: { N: (i % 2 === 0 ? '' : '-') + digits38(i) },
    Ratio: { N: `${digits38(i).slice(0, 28)}.${String(i % 1_000_000_000).padStart(9, '0')}7` },
    Amount: { N: `${(i % 50_000) - 25_000}.${String((i * 37) % 1000).padStart(3, '0')}` },
    isActive: { BOOL: i % 3 === 0 },
    Payload: { B: bytes },
    Tags: { SS: [`tag-${i % 5}`, `tag-${(i % 5) + 5}`] },
    Scores: { NS: [String(i), String(TWO_POW_53 + BigInt(i))] },
    Chunks: { BS: [bytes.slice(0, 2), bytes.slice(2)] },
    History: { L: [{ N: String(i) }, { N: String(i + 1) }] },
    Location: {
      M: { Lat: { N: `${(i % 180) - 90}.25` }, Lon: { N: `${(i % 360) - 180}.5` }, Label: { S: `site ${i % 97}` } },
    },
    Note_Text: i % 11 === 0 ? { NULL: true } : { S: `note ${i} ✓ ${'x'.repeat(i % 13)}` },
    UPPER_ONLY: { S: `U${i}` },
    lower_only: { N: String(i % 1000) },
  };
  const rare = scatter(i) % 1000;
  if (rare < 8) item['RareNote'] = { S: `rare note ${i}` };
  else if (rare < 14) item['rareDetails'] = { M: { Code: { N: String(i) }, Reason: { S: `reason ${i % 9}` } } };
  else if (rare < 19) item['RARE_BLOB'] = { B: new Uint8Array([7, i & 0xff, 7]) };
  return item;
}

/** Every fixture item, in index order. */
export function largeItems(): Item[] {
  return Array.from({ length: LARGE_ITEM_COUNT }, (_, i) => largeItem(i));
}
