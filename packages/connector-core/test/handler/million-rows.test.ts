// The spill proof: a million rows through the reference connector with 256 KB blocks. Every row
// must arrive exactly once, in objects that decrypt with node:crypto alone; a tampered object must
// fail authentication.
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Decimal, Field, Int64, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaHandler, loadHandlerConfig, readValue } from '../../src/index.js';
import {
  EngineDriver,
  createReferenceConnector,
  decryptSpillObject,
  inProcessTransport,
  makeConstraints,
} from '../../src/testing/index.js';

const ROWS = 1_000_000;
const bucket = 'million-spill';
const s3 = new S3Client({ forcePathStyle: true });
const schema = new Schema([
  new Field('id', new Int64(), false),
  new Field('name', new Utf8(), true),
  new Field('amount', new Decimal(2, 18, 128), true),
]);
const connector = createReferenceConnector({
  tables: [
    {
      tableName: { schemaName: 'bulk', tableName: 'rows' },
      schema,
      rowCount: ROWS,
      splitsPerPartition: 4,
      row: (i) => ({ id: i, name: i % 10 === 0 ? null : `row ${i}`, amount: `${i}.${i % 100}` }),
    },
  ],
});

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => s3.destroy());

describe('a million rows through spill', () => {
  it('arrive exactly once, in objects that decrypt with node:crypto, and tampering is detected', async () => {
    const driver = new EngineDriver({
      transport: inProcessTransport(
        createLambdaHandler(connector, { config: { ...loadHandlerConfig({}), spillBucket: bucket } }),
      ),
      maxBlockSize: 256 * 1024,
      maxInlineBlockSize: 256 * 1024,
    });
    const tableName = { schemaName: 'bulk', tableName: 'rows' };
    await driver.ping();
    const table = await driver.getTable(tableName);
    const constraints = makeConstraints();
    const splits = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
    expect(splits).toHaveLength(4);

    const seen = new Uint8Array(ROWS);
    let rows = 0;
    let objects = 0;
    let firstSpill: { bucket: string; key: string } | undefined;
    for (const split of splits) {
      const { batches, spilledObjects } = await driver.readSplit(tableName, table.schema, split, constraints);
      objects += spilledObjects;
      for (const batch of batches) {
        const ids = batch.getChild('id');
        const amounts = batch.getChild('amount');
        if (ids === null || amounts === null) throw new Error('missing column');
        for (let i = 0; i < batch.numRows; i++) {
          const id = Number(readValue(ids, i));
          seen[id] = (seen[id] ?? 0) + 1;
          if (id % 99_991 === 0) expect(readValue(amounts, i)).toBe(`${id}.${String(id % 100).padStart(2, '0')}`);
        }
        rows += batch.numRows;
      }
      firstSpill ??= { bucket: split.spillLocation?.bucket ?? '', key: `${split.spillLocation?.key ?? ''}.0` };
    }
    expect(rows).toBe(ROWS);
    expect(seen.every((count) => count === 1)).toBe(true);
    expect(objects).toBeGreaterThan(50);

    const key = splits[0]?.encryptionKey ?? null;
    expect(key?.key).toHaveLength(16);
    const object = await s3.send(new GetObjectCommand({ Bucket: firstSpill?.bucket, Key: firstSpill?.key }));
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    expect(() => decryptSpillObject(bytes, key)).not.toThrow();
    const tampered = Buffer.from(bytes);
    tampered[100] = (tampered[100] ?? 0) ^ 1;
    expect(() => decryptSpillObject(tampered, key)).toThrow(/authenticate/);
    expect(() => decryptSpillObject(bytes.subarray(0, bytes.length - 1), key)).toThrow();
  }, 300_000);
});
