// Security of the spill path, end to end through the DynamoDB connector's Lambda handler on moto
// S3: spill encryption is on with nothing configured; no key material reaches a log line at DEBUG;
// a tampered, truncated or swapped spill object is refused by the reader (core's
// spill-crypto/s3-spiller tests cover the cipher itself); and a request can move spill data only
// the way Java lets it — `spill_bucket` / `spill_prefix` in identity.configOptions — while any
// other way of pointing the connector at another place, or of turning encryption off, is refused.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  SpillCryptoError,
  loadHandlerConfig,
  readSpilledBlock,
  type EncryptionKey,
  type FederatedIdentity,
  type GetTableResponse,
  type ReadRecordsResponse,
  type RemoteReadRecordsResponse,
  type S3SpillLocation,
  type Split,
} from '@athena-federation/connector-core';
import { ensureBucket } from '@athena-federation/connector-core/harness';
import {
  EngineDriver,
  LambdaInvocationError,
  decryptSpillObject,
  inProcessTransport,
  makeConstraints,
} from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBatches } from './support/read-all.js';
import { SENTINEL_NAMES } from './support/sentinels.js';
import { SPILL_BUCKET, startDynamoDbTarget, type Target } from './support/targets.js';

const ROWS = 400;
const MANAGED_BUCKET = 'reliability-managed-spill';
const ATTACKER_BUCKET = 'reliability-attacker-bucket';
const s3 = new S3Client({ forcePathStyle: true });
const identity = (configOptions: Record<string, string> = {}): FederatedIdentity => ({
  id: 'UNKNOWN',
  principal: 'UNKNOWN',
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/reliability',
  tags: {},
  groups: [],
  configOptions,
});
/** Blocks small enough that every split spills. */
const SPILL_EVERYTHING = { maxBlockSize: 2048, maxInlineBlockSize: 1024 } as const;

let target: Target;
let unconfigured: Target;

beforeAll(async () => {
  await ensureBucket(MANAGED_BUCKET);
  await ensureBucket(ATTACKER_BUCKET);
  target = await startDynamoDbTarget({ rows: ROWS, keepLogLines: true });
  unconfigured = await startDynamoDbTarget({ rows: ROWS, config: { spillBucket: undefined } });
});
afterAll(async () => {
  await target?.stop();
  await unconfigured?.stop();
  s3.destroy();
});

async function objectsIn(bucket: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
}

async function bytesOf(location: S3SpillLocation): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  const bytes = await object.Body?.transformToByteArray();
  if (bytes === undefined) throw new Error(`no body at s3://${location.bucket}/${location.key}`);
  return bytes;
}

/** Plans the query, as Athena would, for the given identity. */
async function plan(driver: EngineDriver, of: Target = target): Promise<{ table: GetTableResponse; splits: Split[] }> {
  await driver.ping();
  const table = await driver.getTable(of.table);
  const partitions = await driver.getTableLayout(table, makeConstraints());
  return { table, splits: await driver.getSplits(table, partitions, makeConstraints()) };
}

/** Reads one split raw: the RemoteReadRecordsResponse with its spill locations and key. */
async function readRemote(
  driver: EngineDriver,
  table: GetTableResponse,
  split: Split,
  id: FederatedIdentity,
): Promise<RemoteReadRecordsResponse> {
  const response = await driver.send<ReadRecordsResponse | RemoteReadRecordsResponse>(
    {
      '@type': 'ReadRecordsRequest',
      identity: id,
      queryId: driver.queryId,
      catalogName: 'reliability',
      tableName: table.tableName,
      schema: table.schema,
      split,
      constraints: makeConstraints(),
      ...SPILL_EVERYTHING,
    },
    'ReadRecordsResponse',
  );
  if (response['@type'] !== 'RemoteReadRecordsResponse') throw new Error('expected the split to spill');
  return response;
}

async function refusal(promise: Promise<unknown>, what = 'the request'): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${what} must be refused`).toBeInstanceOf(LambdaInvocationError);
  return (error as LambdaInvocationError).error.errorMessage;
}

describe('spill encryption by default', () => {
  it('is on when nothing is configured, and spilled objects hold no plaintext', async () => {
    expect(loadHandlerConfig({}).disableSpillEncryption).toBe(false);
    const driver = new EngineDriver({
      transport: inProcessTransport(target.handler),
      catalogName: 'reliability',
      identity: identity(),
      ...SPILL_EVERYTHING,
    });
    const { table, splits } = await plan(driver);
    for (const split of splits) {
      expect(split.encryptionKey?.key.byteLength).toBeOneOf([16, 32]);
      expect(split.encryptionKey?.nonce.byteLength).toBe(12);
    }
    const planted = Buffer.from(SENTINEL_NAMES[0], 'utf8');
    let foundPlanted = 0;
    for (const split of splits) {
      const response = await readRemote(driver, table, split, identity());
      for (const location of response.remoteBlocks) {
        const raw = Buffer.from(await bytesOf(location));
        const plain = Buffer.from(decryptSpillObject(raw, response.encryptionKey));
        expect(raw.includes(planted)).toBe(false);
        if (plain.includes(planted)) foundPlanted++;
      }
    }
    // The planted name is in exactly one row, so exactly one decrypted object holds it.
    expect(foundPlanted).toBe(1);
  });
});

/** Creates a KMS key on moto with a plain JSON call (this package has no KMS client; core makes its own from the environment). */
async function createMotoKmsKey(): Promise<string> {
  const endpoint = process.env['AWS_ENDPOINT_URL'];
  if (endpoint === undefined) throw new Error("AWS_ENDPOINT_URL is not set: the suite's global setup starts moto");
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'TrentService.CreateKey',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=test/20261128/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: '{}',
  });
  const body = (await response.json()) as { KeyMetadata?: { KeyId?: string } };
  const keyId = body.KeyMetadata?.KeyId;
  if (keyId === undefined) throw new Error(`moto CreateKey answered ${response.status}: ${JSON.stringify(body)}`);
  return keyId;
}

describe('keys in logs', () => {
  it.each([
    { source: 'local random keys (default)', kms: false },
    { source: 'KMS data keys (kms_key_id)', kms: true },
  ])('never logs split keys or nonces (base64, base64url, hex, byte lists) at DEBUG: $source', async ({ kms }) => {
    const logged = kms
      ? await startDynamoDbTarget({ rows: ROWS, keepLogLines: true, config: { kmsKeyId: await createMotoKmsKey() } })
      : target;
    const keys: EncryptionKey[] = [];
    const inner = inProcessTransport(logged.handler);
    const driver = new EngineDriver({
      // Collects every key that crosses the wire: the ones GetSplits hands out and ReadRecords answers with.
      transport: async (payload) => {
        const response = await inner(payload);
        JSON.parse(response, (name, value: unknown) => {
          if (name === 'encryptionKey' && value !== null && typeof value === 'object') {
            const { key, nonce } = value as { key: string; nonce: string };
            keys.push({ key: Buffer.from(key, 'base64'), nonce: Buffer.from(nonce, 'base64') });
          }
          return value;
        });
        return response;
      },
      catalogName: 'reliability',
      identity: identity(),
      ...SPILL_EVERYTHING,
    });
    try {
      const linesBefore = logged.logs.lines.length;
      const result = await driver.scan(logged.table);
      expect(result.table.numRows).toBe(ROWS);
      expect(result.spilledObjects).toBeGreaterThan(0);
      expect(keys.length).toBeGreaterThan(1);
      const lines = logged.logs.lines.slice(linesBefore);
      expect(lines.some((line) => line.includes('"level":"DEBUG"') || line.includes('"level":"INFO"'))).toBe(true);
      const forms = keys.flatMap(({ key, nonce }) =>
        [key, nonce].flatMap((bytes) => {
          const buffer = Buffer.from(bytes);
          return [
            buffer.toString('base64'),
            buffer.toString('base64url'),
            buffer.toString('hex'),
            buffer.toString('hex').toUpperCase(),
            [...buffer].join(','),
            [...buffer.subarray(0, 6)].join(', '),
          ];
        }),
      );
      const hits = lines.filter((line) => forms.some((form) => line.includes(form)));
      expect(hits).toEqual([]);
    } finally {
      if (logged !== target) await logged.stop();
    }
  });
});

describe('tampered and truncated spill objects', () => {
  it('are refused by the reader, never read as rows', async () => {
    const driver = new EngineDriver({
      transport: inProcessTransport(target.handler),
      catalogName: 'reliability',
      identity: identity(),
      ...SPILL_EVERYTHING,
    });
    const { table, splits } = await plan(driver);
    const [first, second] = await Promise.all([
      readRemote(driver, table, splits[0] as Split, identity()),
      readRemote(driver, table, splits[1] as Split, identity()),
    ]);
    const location = first.remoteBlocks[0] as S3SpillLocation;
    const original = await bytesOf(location);
    const foreign = await bytesOf(second.remoteBlocks[0] as S3SpillLocation);
    // Untouched, the object reads back as true rows.
    checkBatches(
      [await readSpilledBlock(s3, location, first.encryptionKey, first.schema)],
      new Set(),
      'untouched object',
    );
    const flip = (at: number) => {
      const copy = Buffer.from(original);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      return copy;
    };
    const damaged: [string, Uint8Array][] = [
      ['one ciphertext bit flipped', flip(0)],
      ['one bit flipped mid-object', flip(original.byteLength >> 1)],
      ['one tag bit flipped', flip(original.byteLength - 1)],
      ['truncated by one byte', original.subarray(0, original.byteLength - 1)],
      ['truncated to its first half', original.subarray(0, original.byteLength >> 1)],
      ['truncated below the tag size', original.subarray(0, 10)],
      ['empty', new Uint8Array(0)],
      ['one byte appended', Buffer.concat([original, Buffer.from([0])])],
      ["another split's object (other key)", foreign],
    ];
    try {
      for (const [name, bytes] of damaged) {
        await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: bytes }));
        const error = await readSpilledBlock(s3, location, first.encryptionKey, first.schema).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, name).toBeInstanceOf(SpillCryptoError);
        expect(() => decryptSpillObject(bytes, first.encryptionKey), name).toThrow();
      }
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: original }));
    }
  });
});

describe('where spill data may go', () => {
  it('honours spill_bucket and spill_prefix from identity.configOptions, as Java does', async () => {
    const managed = identity({ spill_bucket: MANAGED_BUCKET, spill_prefix: 'managed/tenant-7/' });
    const driver = new EngineDriver({
      transport: inProcessTransport(target.handler),
      catalogName: 'reliability',
      identity: managed,
      ...SPILL_EVERYTHING,
    });
    const { table, splits } = await plan(driver);
    for (const split of splits) {
      expect(split.spillLocation?.bucket).toBe(MANAGED_BUCKET);
      expect(split.spillLocation?.key.startsWith('managed/tenant-7/')).toBe(true);
    }
    const response = await readRemote(driver, table, splits[0] as Split, managed);
    for (const location of response.remoteBlocks) expect(location.bucket).toBe(MANAGED_BUCKET);
    expect((await objectsIn(MANAGED_BUCKET)).some((key) => key.startsWith('managed/tenant-7/'))).toBe(true);
  });

  it('falls back to the environment when the per-request values are blank', async () => {
    const driver = new EngineDriver({
      transport: inProcessTransport(target.handler),
      catalogName: 'reliability',
      identity: identity({ spill_bucket: ' ', spill_prefix: '' }),
    });
    const { splits } = await plan(driver);
    expect(splits[0]?.spillLocation?.bucket).toBe(SPILL_BUCKET);
  });

  it('ignores every other configOptions member and identity field: no request turns encryption off or picks its own key', async () => {
    const sneaky = identity({
      disable_spill_encryption: 'true',
      kms_key_id: 'alias/attacker',
      spill_put_request_headers: '{"ACL":"public-read"}',
      spill_bucket_override: ATTACKER_BUCKET,
    });
    const driver = new EngineDriver({
      transport: inProcessTransport(target.handler),
      catalogName: 'reliability',
      identity: { ...sneaky, tags: { spill_bucket: ATTACKER_BUCKET }, groups: [ATTACKER_BUCKET] },
      ...SPILL_EVERYTHING,
    });
    const { table, splits } = await plan(driver);
    for (const split of splits) {
      expect(split.spillLocation?.bucket).toBe(SPILL_BUCKET);
      expect(split.encryptionKey).not.toBeNull();
    }
    const response = await readRemote(driver, table, splits[0] as Split, sneaky);
    expect(response.encryptionKey).not.toBeNull();
  });

  it('refuses per-request spill buckets and prefixes that are not valid, naming the member', async () => {
    for (const [options, member] of [
      [{ spill_bucket: '192.168.1.1' }, 'spill_bucket'],
      [{ spill_bucket: 'UPPER_case' }, 'spill_bucket'],
      [{ spill_bucket: 'reliability-fuzz-spill/../other' }, 'spill_bucket'],
      [{ spill_prefix: '../../elsewhere' }, 'spill_prefix'],
      [{ spill_prefix: '/absolute' }, 'spill_prefix'],
    ] as const) {
      const driver = new EngineDriver({
        transport: inProcessTransport(target.handler),
        catalogName: 'reliability',
        identity: identity(options),
      });
      const message = await refusal(plan(driver));
      expect(message).toContain('InvalidInputException');
      expect(message).toContain(`configOptions.${member}`);
    }
  });

  it('refuses a split whose spill location or key the request changed, and writes nothing there', async () => {
    const driver = new EngineDriver({
      transport: inProcessTransport(target.handler),
      catalogName: 'reliability',
      identity: identity(),
      ...SPILL_EVERYTHING,
    });
    const { table, splits } = await plan(driver);
    const split = splits[0] as Split;
    const location = split.spillLocation as S3SpillLocation;
    const key = split.encryptionKey as EncryptionKey;
    const forged: [string, Split][] = [
      ['another bucket', { ...split, spillLocation: { ...location, bucket: ATTACKER_BUCKET } }],
      [
        'a key outside the spill prefix',
        { ...split, spillLocation: { ...location, key: `elsewhere/${location.key}` } },
      ],
      [
        'a key climbing out of the prefix',
        { ...split, spillLocation: { ...location, key: `${location.key}/../../../elsewhere` } },
      ],
      ['a block object instead of a directory', { ...split, spillLocation: { ...location, directory: false } }],
      ['no encryption key while encryption is on', { ...split, encryptionKey: null }],
      ['a 1-byte key', { ...split, encryptionKey: { key: new Uint8Array(1), nonce: key.nonce } }],
      ['a 4-byte nonce', { ...split, encryptionKey: { key: key.key, nonce: new Uint8Array(4) } }],
    ];
    for (const [name, bad] of forged) {
      const message = await refusal(readRemote(driver, table, bad, identity()), name);
      expect(message, name).toContain('InvalidInputException');
    }
    expect(await objectsIn(ATTACKER_BUCKET)).toEqual([]);
    expect((await objectsIn(SPILL_BUCKET)).filter((k) => k.startsWith('elsewhere'))).toEqual([]);
  });

  it('refuses to spill anywhere when no spill bucket is configured, even to a bucket the split names', async () => {
    const driver = new EngineDriver({
      transport: inProcessTransport(unconfigured.handler),
      catalogName: 'reliability',
      identity: identity(),
      ...SPILL_EVERYTHING,
    });
    await driver.ping();
    const table = await driver.getTable(unconfigured.table);
    expect(
      await refusal(driver.getSplits(table, await driver.getTableLayout(table, makeConstraints()), makeConstraints())),
    ).toMatch(/InvalidInputException.*spill bucket/);
    // A real split of the same table (planned where a bucket is configured), pointed at the attacker's bucket.
    const { splits } = await plan(
      new EngineDriver({
        transport: inProcessTransport(target.handler),
        catalogName: 'reliability',
        identity: identity(),
      }),
    );
    const real = splits[0] as Split;
    const split: Split = {
      ...real,
      spillLocation: { ...(real.spillLocation as S3SpillLocation), bucket: ATTACKER_BUCKET },
    };
    const message = await refusal(readRemote(driver, table, split, identity()));
    expect(message).toContain('InvalidInputException');
    expect(await objectsIn(ATTACKER_BUCKET)).toEqual([]);
  });
});
