// Test data for the hello connector: a small `retail.orders` table kept as plain records (the
// expected values every test compares against) and written to moto's S3 as JSON lines, in the
// shapes real files take: several objects, CRLF endings, no final newline, blank lines, nulls both
// as `null` and as a missing key, decimals and bigints as numbers and as strings.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ensureBucket } from '@athena-federation/connector-core/testing';

/** One order as the source holds it; `null` is SQL NULL. */
export interface Order {
  readonly id: bigint;
  readonly customer: string | null;
  /** Exact decimal text with the column's 2 fraction digits. */
  readonly amount: string | null;
  readonly quantity: number | null;
  readonly shipped: boolean | null;
  /** `YYYY-MM-DD`. */
  readonly day: string | null;
  /** ISO-8601 with offset. */
  readonly placed: string | null;
  readonly score: number | null;
}

/** The sidecar of `retail.orders`. */
export const ordersSchemaFile = {
  id: 'bigint',
  customer: 'varchar',
  amount: 'decimal(10,2)',
  quantity: 'int',
  shipped: 'boolean',
  day: 'date',
  placed: 'timestamp',
  score: 'double',
};

const customers = ['ana', 'bo', 'chen', 'dede', 'émile', '山田'];

/** 25 orders, deterministic; every column has nulls and several distinct values. */
export const orders: readonly Order[] = Array.from({ length: 25 }, (_, i) => ({
  // One id beyond 2^53, which only survives when read exactly.
  id: i === 7 ? 2n ** 60n + 7n : BigInt(1000 + i),
  customer: i % 9 === 4 ? null : (customers[i % customers.length] ?? null),
  amount: i % 11 === 5 ? null : `${(i * 37) % 250}.${String((i * 13) % 100).padStart(2, '0')}`,
  quantity: i % 8 === 3 ? null : (i % 5) + 1,
  shipped: i % 7 === 6 ? null : i % 2 === 0,
  day: i % 10 === 9 ? null : `2024-0${(i % 3) + 1}-${String((i % 27) + 1).padStart(2, '0')}`,
  placed:
    i % 12 === 11
      ? null
      : `2024-03-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:15:30.250Z`,
  score: i % 6 === 2 ? null : (i * 7.25) / 4,
}));

/** One order as a JSON line: nulls alternate between `null` and a missing key; exact numbers alternate between number and string. */
export function orderLine(order: Order, index: number): string {
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(order)) {
    if (value === null) {
      if (index % 2 === 0) record[column] = null;
      continue;
    }
    if (column === 'id') record[column] = value === 2n ** 60n + 7n || index % 3 === 0 ? String(value) : Number(value);
    else if (column === 'amount') record[column] = index % 2 === 0 ? Number(value) : value;
    else record[column] = value;
  }
  return JSON.stringify(record);
}

/** `retail.orders` as objects: three with data (LF, CRLF, no final newline), one empty, plus files the connector must skip. */
export function ordersObjects(): Record<string, string> {
  const lines = orders.map(orderLine);
  return {
    '_schema.json': JSON.stringify(ordersSchemaFile),
    'part-1.jsonl': `${lines.slice(0, 10).join('\n')}\n`,
    'part-2.jsonl': `${lines.slice(10, 20).join('\r\n')}\r\n\r\n`,
    'part-3.jsonl': `\n${lines.slice(20).join('\n\n')}`,
    'part-4.jsonl': '',
    'README.txt': 'not data',
    'archive/old.jsonl': '{"id": "not even a number"}\n',
  };
}

/** An S3 client for moto (the root vitest setup exports its endpoint). */
export function testS3(): S3Client {
  return new S3Client({ forcePathStyle: true });
}

/** Creates `bucket` if needed and writes `objects` (relative keys) under `prefix`. */
export async function putObjects(
  bucket: string,
  prefix: string,
  objects: Readonly<Record<string, string | Uint8Array>>,
): Promise<void> {
  await ensureBucket(bucket);
  const s3 = testS3();
  try {
    await Promise.all(
      Object.entries(objects).map(([key, body]) =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${prefix}${key}`,
            Body: typeof body === 'string' ? Buffer.from(body) : body,
          }),
        ),
      ),
    );
  } finally {
    s3.destroy();
  }
}
