// S3 spilling against a real S3 (moto): object layout read back with plain node:crypto and
// apache-arrow, retries and failures (faults injected by wrapping the real client's send), the
// concurrency bound and backpressure, PutObject extras, the spill-bucket check, the engine-side reader.
import { createDecipheriv, randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  type HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Field, Float64, Int32, type RecordBatch, RecordBatchReader, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecordBatchMessage, encodeSchemaMessage } from '../../src/arrow/ipc.js';
import { buildRecordBatch } from '../../src/arrow/block-writer/index.js';
import { ConnectorError } from '../../src/errors.js';
import type { EncryptionKey, S3SpillLocation } from '../../src/protocol/types.js';
import {
  S3BlockSpiller,
  type SpillS3Client,
  isTransientS3Error,
  parsePutRequestHeaders,
  readSpilledBlock,
  verifySpillBucket,
} from '../../src/spill/s3-spiller.js';
import { SpillCryptoError, createLocalKeyFactory } from '../../src/spill/spill-crypto.js';
import { makeSpillDirectory } from '../../src/spill/spill-location.js';

const s3 = new S3Client({ forcePathStyle: true });
const bucket = `spill-test-${randomUUID()}`;

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => s3.destroy());

const schema = new Schema([
  new Field('id', new Int32(), false),
  new Field('name', new Utf8(), true),
  new Field('score', new Float64(), true),
]);
type TestRow = [number, string | null, number | null];

function rowsFrom(start: number, count: number): TestRow[] {
  return Array.from({ length: count }, (_, i): TestRow => {
    const id = start + i;
    return [id, id % 5 === 0 ? null : `name-${id}-ünïcødé`, id % 7 === 0 ? null : id * 1.5];
  });
}

function batchOf(rows: TestRow[]): RecordBatch {
  return buildRecordBatch(schema, rows);
}

function directory(queryId = randomUUID()): S3SpillLocation {
  return makeSpillDirectory({ bucket, prefix: 'athena-federation-spill', queryId });
}

async function getObject(location: S3SpillLocation): Promise<Uint8Array> {
  const output = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  if (output.Body === undefined) throw new Error('no body');
  return output.Body.transformToByteArray();
}

async function putObject(location: S3SpillLocation, body: Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body }));
}

/** Independent reader: node:crypto AES-GCM (tag at the end) and apache-arrow's stream reader. */
function independentRead(object: Uint8Array, key: EncryptionKey | null): { plain: Buffer; rows: unknown[][] } {
  let plain = Buffer.from(object);
  if (key !== null) {
    const decipher = createDecipheriv(key.key.byteLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key.key, key.nonce);
    decipher.setAuthTag(object.subarray(object.byteLength - 16));
    plain = Buffer.concat([decipher.update(object.subarray(0, object.byteLength - 16)), decipher.final()]);
  }
  const reader = RecordBatchReader.from(Buffer.concat([encodeSchemaMessage(schema, 'legacy'), plain]));
  const batches = [...reader];
  expect(batches).toHaveLength(1);
  const batch = batches[0];
  if (batch === undefined) throw new Error('no batch');
  return { plain, rows: rowsOf(batch) };
}

function rowsOf(batch: RecordBatch): unknown[][] {
  return Array.from({ length: batch.numRows }, (_, i) =>
    schema.fields.map((field) => batch.getChild(field.name)?.get(i) ?? null),
  );
}

type SpillCommand = PutObjectCommand | GetObjectCommand | HeadBucketCommand;

/**
 * The real client behind a hook that runs before each command reaches it, e.g. to count, delay or
 * fail calls. Everything that is not failed by the hook goes to moto unchanged.
 */
function wrap(
  hook: (command: SpillCommand) => Promise<void> | void,
  after?: (command: SpillCommand) => void,
): SpillS3Client {
  const send = async (command: SpillCommand) => {
    await hook(command);
    try {
      if (command instanceof PutObjectCommand) return await s3.send(command);
      if (command instanceof GetObjectCommand) return await s3.send(command);
      return await s3.send(command);
    } finally {
      after?.(command);
    }
  };
  return { send };
}

function slowDown(): S3ServiceException {
  return new S3ServiceException({
    name: 'SlowDown',
    $fault: 'server',
    $metadata: { httpStatusCode: 503 },
    message: 'Please reduce your request rate.',
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('S3BlockSpiller round trip', () => {
  const keys: [string, () => Promise<EncryptionKey | null>][] = [
    ['a 32-byte local key', () => createLocalKeyFactory().create()],
    ['a 16-byte key', () => createLocalKeyFactory({ keyBytes: 16 }).create()],
    ['encryption disabled', () => Promise.resolve(null)],
  ];

  for (const [name, makeKey] of keys) {
    it(`writes <dir>.0 … <dir>.n-1 in key order, each one legacy RecordBatch message (${name})`, async () => {
      const key = await makeKey();
      const dir = directory();
      const spiller = new S3BlockSpiller({ s3, directory: dir, encryptionKey: key, concurrency: 3 });
      const sizes = [10, 1, 250, 0, 33, 7, 1000];
      const inputs: TestRow[][] = [];
      let start = 0;
      for (const size of sizes) {
        const rows = rowsFrom(start, size);
        start += size;
        inputs.push(rows);
        await spiller.spill(batchOf(rows));
      }
      const locations = await spiller.finish();

      expect(locations).toEqual(
        sizes.map((_, n) => ({ '@type': 'S3SpillLocation', bucket, key: `${dir.key}.${n}`, directory: false })),
      );
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${dir.key}.` }));
      expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual(
        locations.map((location) => location.key).sort(),
      );

      for (const [n, location] of locations.entries()) {
        const object = await getObject(location);
        const { plain, rows } = independentRead(object, key);
        expect(rows).toEqual(inputs[n]);
        // Exactly one legacy-framed message: int32 length prefix (no 0xFFFFFFFF), nothing after it.
        expect(plain.readInt32LE(0)).toBeGreaterThan(0);
        expect(plain.equals(Buffer.from(encodeRecordBatchMessage(batchOf(inputs[n] ?? []), 'legacy')))).toBe(true);
        if (key === null) expect(Buffer.from(object).equals(plain)).toBe(true);
        else expect(object.byteLength).toBe(plain.byteLength + 16);
        // The engine-side reader agrees.
        expect(rowsOf(await readSpilledBlock(s3, location, key, schema))).toEqual(inputs[n]);
      }
    });
  }

  it('finishes with no objects when nothing was spilled', async () => {
    const spiller = new S3BlockSpiller({ s3, directory: directory(), encryptionKey: null });
    expect(await spiller.finish()).toEqual([]);
  });

  it('refuses a spill after finish and a block location as the directory', async () => {
    const dir = directory();
    const spiller = new S3BlockSpiller({ s3, directory: dir, encryptionKey: null });
    await spiller.finish();
    await expect(spiller.spill(batchOf(rowsFrom(0, 1)))).rejects.toThrow(/after finish/);
    expect(() => new S3BlockSpiller({ s3, directory: { ...dir, directory: false }, encryptionKey: null })).toThrow(
      /not a directory/,
    );
    expect(
      () =>
        new S3BlockSpiller({
          s3,
          directory: dir,
          encryptionKey: { key: new Uint8Array(20), nonce: new Uint8Array(12) },
        }),
    ).toThrow(/16 or 32 bytes/);
  });
});

describe('readSpilledBlock on damaged objects', () => {
  async function spillOne(key: EncryptionKey | null): Promise<S3SpillLocation> {
    const spiller = new S3BlockSpiller({ s3, directory: directory(), encryptionKey: key });
    await spiller.spill(batchOf(rowsFrom(0, 100)));
    const [location] = await spiller.finish();
    if (location === undefined) throw new Error('nothing spilled');
    return location;
  }

  it('fails authentication when one byte of the object was changed', async () => {
    const key = await createLocalKeyFactory().create();
    const location = await spillOne(key);
    const object = Buffer.from(await getObject(location));
    object[40] = (object[40] ?? 0) ^ 0x80;
    await putObject(location, object);
    await expect(readSpilledBlock(s3, location, key, schema)).rejects.toThrow(SpillCryptoError);
    await expect(readSpilledBlock(s3, location, key, schema)).rejects.toThrow(/authentication/);
  });

  it('fails when the object was truncated', async () => {
    const key = await createLocalKeyFactory().create();
    const location = await spillOne(key);
    const object = await getObject(location);
    await putObject(location, object.subarray(0, object.byteLength - 20));
    await expect(readSpilledBlock(s3, location, key, schema)).rejects.toThrow(/authentication/);
    await putObject(location, object.subarray(0, 8));
    await expect(readSpilledBlock(s3, location, key, schema)).rejects.toThrow(/too short/);
  });

  it('fails on a truncated unencrypted object instead of returning partial rows', async () => {
    const location = await spillOne(null);
    const object = await getObject(location);
    await putObject(location, object.subarray(0, object.byteLength - 16));
    await expect(readSpilledBlock(s3, location, null, schema)).rejects.toThrow(
      new RegExp(`Spilled block s3://${bucket}/.*\\.0 is truncated`),
    );
  });
});

describe('S3BlockSpiller failures', () => {
  it('retries a PutObject that fails twice, then succeeds', async () => {
    const attempts = new Map<string, number>();
    const flaky = wrap((command) => {
      if (!(command instanceof PutObjectCommand)) return;
      const key = command.input.Key ?? '';
      const count = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, count);
      if (key.endsWith('.1') && count <= 2) throw slowDown();
    });
    const dir = directory();
    const spiller = new S3BlockSpiller({
      s3: flaky,
      directory: dir,
      encryptionKey: null,
      maxAttempts: 3,
      retryBaseDelayMs: 5,
    });
    for (let n = 0; n < 3; n++) await spiller.spill(batchOf(rowsFrom(n * 10, 10)));
    const locations = await spiller.finish();
    expect(locations.map((location) => location.key)).toEqual([0, 1, 2].map((n) => `${dir.key}.${n}`));
    expect(attempts.get(`${dir.key}.1`)).toBe(3);
    expect(attempts.get(`${dir.key}.0`)).toBe(1);
    const second = locations[1];
    if (second === undefined) throw new Error('missing location');
    expect(rowsOf(await readSpilledBlock(s3, second, null, schema))).toEqual(rowsFrom(10, 10));
  });

  it('rejects finish() when an upload keeps failing, and refuses further spills', async () => {
    let sends = 0;
    const broken = wrap((command) => {
      if (!(command instanceof PutObjectCommand)) return;
      sends++;
      if (command.input.Key?.endsWith('.0') === true) throw slowDown();
    });
    const spiller = new S3BlockSpiller({
      s3: broken,
      directory: directory(),
      encryptionKey: null,
      maxAttempts: 4,
      retryBaseDelayMs: 1,
      concurrency: 1,
    });
    await spiller.spill(batchOf(rowsFrom(0, 5)));
    const failed = spiller.finish();
    await expect(failed).rejects.toThrow(ConnectorError);
    await expect(failed).rejects.toThrow(/\.0 failed after 4 attempts: SlowDown \(HTTP 503\)/);
    await expect(failed).rejects.toMatchObject({ reason: 'Throttled' });
    expect(sends).toBe(4);
    await expect(spiller.spill(batchOf(rowsFrom(0, 1)))).rejects.toThrow();
  });

  it('does not retry a real permanent error (missing bucket) and fails the request', async () => {
    let sends = 0;
    const counting = wrap((command) => {
      if (command instanceof PutObjectCommand) sends++;
    });
    const missing = makeSpillDirectory({ bucket: `missing-${randomUUID()}`, prefix: 'p', queryId: 'q' });
    const spiller = new S3BlockSpiller({
      s3: counting,
      directory: missing,
      encryptionKey: null,
      concurrency: 1,
      retryBaseDelayMs: 1,
    });
    await spiller.spill(batchOf(rowsFrom(0, 5)));
    // Later blocks are refused once the failure is known (or dropped if already queued).
    const later = spiller.spill(batchOf(rowsFrom(5, 5))).then(
      () => 'accepted',
      () => 'refused',
    );
    await expect(spiller.finish()).rejects.toThrow(/NoSuchBucket/);
    expect(await later).toBe('refused');
    expect(sends).toBe(1);
  });

  it('abort() drops queued blocks and waits for uploads in flight', async () => {
    const gate = deferred();
    let sends = 0;
    const gated = wrap(async (command) => {
      if (!(command instanceof PutObjectCommand)) return;
      sends++;
      await gate.promise;
    });
    const spiller = new S3BlockSpiller({ s3: gated, directory: directory(), encryptionKey: null, concurrency: 1 });
    await spiller.spill(batchOf(rowsFrom(0, 1)));
    const queued = spiller.spill(batchOf(rowsFrom(1, 1)));
    const aborted = spiller.abort();
    gate.resolve();
    await aborted;
    await expect(queued).rejects.toThrow(/aborted/);
    await expect(spiller.finish()).rejects.toThrow(/aborted/);
    expect(sends).toBe(1);
  });
});

describe('S3BlockSpiller concurrency', () => {
  it('never has more than `concurrency` PutObjects in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const counting = wrap(
      async (command) => {
        if (!(command instanceof PutObjectCommand)) return;
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(20);
      },
      (command) => {
        if (command instanceof PutObjectCommand) inFlight--;
      },
    );
    const spiller = new S3BlockSpiller({ s3: counting, directory: directory(), encryptionKey: null, concurrency: 3 });
    for (let n = 0; n < 12; n++) await spiller.spill(batchOf(rowsFrom(n, 3)));
    expect((await spiller.finish()).length).toBe(12);
    expect(peak).toBe(3);
  });

  it('holds spill() back while every slot is busy (backpressure), also for unawaited calls', async () => {
    const gate = deferred();
    let inFlight = 0;
    let peak = 0;
    const gated = wrap(
      async (command) => {
        if (!(command instanceof PutObjectCommand)) return;
        inFlight++;
        peak = Math.max(peak, inFlight);
        await gate.promise;
      },
      (command) => {
        if (command instanceof PutObjectCommand) inFlight--;
      },
    );
    const dir = directory();
    const spiller = new S3BlockSpiller({ s3: gated, directory: dir, encryptionKey: null, concurrency: 2 });
    await spiller.spill(batchOf(rowsFrom(0, 1)));
    await spiller.spill(batchOf(rowsFrom(1, 1)));
    let thirdStarted = false;
    const third = spiller.spill(batchOf(rowsFrom(2, 1))).then(() => {
      thirdStarted = true;
    });
    const fourth = spiller.spill(batchOf(rowsFrom(3, 1)));
    await sleep(50);
    expect(thirdStarted).toBe(false);
    expect(inFlight).toBe(2);
    gate.resolve();
    await Promise.all([third, fourth]);
    const locations = await spiller.finish();
    expect(locations.map((location) => location.key)).toEqual([0, 1, 2, 3].map((n) => `${dir.key}.${n}`));
    expect(peak).toBe(2);
    for (const [n, location] of locations.entries())
      expect(rowsOf(await readSpilledBlock(s3, location, null, schema))).toEqual(rowsFrom(n, 1));
  });
});

describe('spill_put_request_headers', () => {
  it('applies PutObject members and raw headers (Java style) to every spill object', async () => {
    const spiller = new S3BlockSpiller({
      s3,
      directory: directory(),
      encryptionKey: null,
      putRequestHeaders: { ServerSideEncryption: 'AES256', 'x-amz-meta-written-by': 'spill-test' },
    });
    await spiller.spill(batchOf(rowsFrom(0, 3)));
    const [location] = await spiller.finish();
    if (location === undefined) throw new Error('nothing spilled');
    const head = await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.Metadata).toEqual({ 'written-by': 'spill-test' });
  });

  it('rejects names that are neither PutObject members nor headers, and client-owned headers', () => {
    expect(
      parsePutRequestHeaders({ SSEKMSKeyId: 'k', 'X-Amz-Storage-Class': 'STANDARD_IA', BucketKeyEnabled: 'true' }),
    ).toEqual({
      fields: { SSEKMSKeyId: 'k', BucketKeyEnabled: true },
      headers: { 'x-amz-storage-class': 'STANDARD_IA' },
    });
    expect(() => parsePutRequestHeaders({ ServerSideEncyption: 'aws:kms' })).toThrow(
      /neither a supported PutObject member/,
    );
    expect(() => parsePutRequestHeaders({ Bucket: 'other' })).toThrow(/neither/);
    expect(() => parsePutRequestHeaders({ 'Content-Length': '1' })).toThrow(/cannot be overridden/);
    expect(() => parsePutRequestHeaders({ SSECustomerKey: 'k' })).toThrow(/neither/);
  });
});

describe('verifySpillBucket', () => {
  it('accepts an existing bucket', async () => {
    await expect(verifySpillBucket(s3, bucket)).resolves.toBeUndefined();
  });

  it('explains a missing bucket and names it', async () => {
    const missing = `no-such-spill-bucket-${randomUUID()}`;
    const failure = verifySpillBucket(s3, missing);
    await expect(failure).rejects.toThrow(ConnectorError);
    await expect(failure).rejects.toMatchObject({ reason: 'InvalidInput' });
    await expect(failure).rejects.toThrow(
      new RegExp(`spill bucket "${missing}" does not exist or this connector cannot access it`),
    );
  });

  it('rejects an empty bucket name', async () => {
    await expect(verifySpillBucket(s3, ' ')).rejects.toThrow(/No spill bucket is configured/);
  });
});

describe('isTransientS3Error', () => {
  it('retries throttling, 5xx and network errors, not other client errors', () => {
    expect(isTransientS3Error(slowDown())).toBe(true);
    expect(isTransientS3Error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(
      isTransientS3Error(
        new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      ),
    ).toBe(true);
    expect(
      isTransientS3Error(
        new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
      ),
    ).toBe(false);
    expect(
      isTransientS3Error(
        new S3ServiceException({ name: 'NoSuchBucket', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
      ),
    ).toBe(false);
  });
});
