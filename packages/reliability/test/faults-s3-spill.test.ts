// Spill faults: S3 PutObject failing for a while or for good, a slow S3, and the spill bucket
// vanishing mid-query. The connector's S3 client goes through a fault proxy in front of moto, so
// the SDK's own retries and core's spill retries (S3BlockSpiller: 3 attempts, backoff) both run.
// Reads are Aurora over the shared MariaDB, with 128 KiB blocks and nothing inline, so each split
// spills a dozen objects or more.
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { makeConstraints, ensureBucket } from '@athena-federation/connector-core/testing';
import { type AuroraConnector, createAuroraConnector } from '@athena-federation/connector-aurora';
import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultEngine } from './support/faults-engine.js';
import {
  ATHENA_CONNECTOR_EXCEPTION,
  createLedger,
  expectClearError,
  expectEveryRowOnce,
  failureOf,
  formatLedger,
} from './support/faults-ledger.js';
import {
  auroraEnv,
  createSequenceTable,
  openFaultsDatabase,
  SHARED_MARIADB,
  sourceIds,
} from './support/faults-mariadb.js';
import { type FaultProxy, isS3PutObject, passThrough, s3Error, startFaultProxy } from './support/faults-proxy.js';

const TABLE = 's3_spill_rows';
const ROWS = 24_000;
const table = { schemaName: 'reliability_faults', tableName: TABLE };
const ledger = createLedger('S3 spill');

let admin: Pool;
let connector: AuroraConnector;
let proxy: FaultProxy;
let bucketCount = 0;
const buckets: string[] = [];
/** Spill objects a fault-free scan writes (the baseline test measures it). */
let baselineObjects = 0;
/** The table's ids as the source has them. */
let expected: string[];

/** A fresh, empty spill bucket per test, so deleting one never touches another test's objects. */
async function freshBucket(): Promise<string> {
  const bucket = `reliability-faults-s3-${process.pid}-${++bucketCount}`;
  await ensureBucket(bucket);
  buckets.push(bucket);
  return bucket;
}

/** Deletes a bucket and its objects (S3 only deletes empty buckets); a bucket already gone is fine. */
async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for (;;) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key ?? '' }));
      if (keys.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'NoSuchBucket')) throw error;
  }
}

function engine(spillBucket: string) {
  // Core cuts blocks at exactly maxBlockSize; 128 KiB blocks of these rows make about two dozen
  // objects, enough for every fault below to land on several without hundreds of retried uploads.
  return faultEngine(connector, {
    spillBucket,
    s3Endpoint: proxy.endpoint,
    spillEverything: true,
    maxBlockSize: 131_072,
    parallelism: 1,
  });
}

beforeAll(async () => {
  admin = await openFaultsDatabase();
  await createSequenceTable(admin, TABLE, ROWS);
  expected = await sourceIds(admin, TABLE);
  // Two range splits, so a fault can land between them.
  connector = createAuroraConnector({
    env: auroraEnv(SHARED_MARIADB.port, { target_rows_per_split: String(ROWS / 2) }),
  });
  proxy = await startFaultProxy(process.env['AWS_ENDPOINT_URL'] ?? '');
});

afterAll(async () => {
  console.info(formatLedger(ledger));
  const s3 = new S3Client({ forcePathStyle: true });
  for (const bucket of buckets) await dropBucket(s3, bucket);
  s3.destroy();
  await proxy?.stop();
  await connector?.close();
  await admin?.query(`DROP TABLE IF EXISTS \`${TABLE}\``);
  await admin?.end();
});

describe('S3 spill faults', () => {
  it('spills every block through the proxy when nothing fails (the baseline the faults are measured against)', async () => {
    proxy.setPlan(passThrough);
    const result = await engine(await freshBucket()).scan(table);
    baselineObjects = result.spilledObjects;
    // Enough objects that every fault below lands on several of them.
    expect(result.splits).toBeGreaterThan(1);
    expect(baselineObjects).toBeGreaterThanOrEqual(12);
    expectEveryRowOnce(ledger, result.table, 'id', expected);
  });

  it('returns every row once when every third PutObject answers 503 SlowDown, written or not', async () => {
    let puts = 0;
    let failed = 0;
    proxy.setPlan((request) => {
      if (!isS3PutObject(request) || ++puts % 3 !== 0) return { kind: 'forward' };
      failed++;
      // Half the failures happen after S3 stored the object: the retry then overwrites the same key.
      return {
        kind: 'fail',
        response: s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
        afterForwarding: failed % 2 === 0,
      };
    });
    const result = await engine(await freshBucket()).scan(table);
    ledger.faults += failed;
    expect(failed).toBeGreaterThanOrEqual(Math.floor(baselineObjects / 3));
    expectEveryRowOnce(ledger, result.table, 'id', expected);
  });

  it('returns every row once when an object’s PutObject fails longer than the SDK retries (core retries the object)', async () => {
    let failed = 0;
    const attemptsPerKey = new Map<string, number>();
    const firstSeen = new Map<string, number>();
    // Every third object fails its first four PutObjects: one more than the SDK's 3 attempts, so core's
    // own retry (after its backoff) has to get it through. Counted per object, not per request, so the
    // order in which concurrent uploads reach the proxy cannot turn a burst into more failures for one
    // object than core's 3 attempts of 3 can absorb.
    proxy.setPlan((request) => {
      if (!isS3PutObject(request)) return { kind: 'forward' };
      const attempt = (attemptsPerKey.get(request.url) ?? 0) + 1;
      attemptsPerKey.set(request.url, attempt);
      if (!firstSeen.has(request.url)) firstSeen.set(request.url, firstSeen.size);
      if ((firstSeen.get(request.url) ?? 0) % 3 !== 0 || attempt > 4) return { kind: 'forward' };
      failed++;
      return {
        kind: 'fail',
        response: s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'),
      };
    });
    const result = await engine(await freshBucket()).scan(table);
    ledger.faults += failed;
    expect(failed).toBeGreaterThanOrEqual(6);
    // More requests for one object than one SDK call makes: core's retry ran.
    expect(Math.max(...attemptsPerKey.values())).toBeGreaterThan(3);
    expectEveryRowOnce(ledger, result.table, 'id', expected);
  });

  it('fails the read naming the object and S3 answer when PutObject is denied for good', async () => {
    proxy.setPlan((request) =>
      isS3PutObject(request)
        ? { kind: 'fail', response: s3Error(403, 'AccessDenied', 'Access Denied') }
        : { kind: 'forward' },
    );
    const bucket = await freshBucket();
    const before = proxy.faults;
    const error = await failureOf(engine(bucket).scan(table));
    ledger.faults += proxy.faults - before;
    // Access denied is not retried: one attempt, and the message says where and why.
    expectClearError(
      error,
      ATHENA_CONNECTOR_EXCEPTION,
      new RegExp(`Spilling to s3://${bucket}/\\S+ failed on the first attempt: AccessDenied \\(HTTP 403\\)`),
    );
  });

  it('fails the read after the retries when S3 keeps answering 500', async () => {
    proxy.setPlan((request) =>
      isS3PutObject(request)
        ? {
            kind: 'fail',
            response: s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'),
          }
        : { kind: 'forward' },
    );
    const bucket = await freshBucket();
    const before = proxy.faults;
    const error = await failureOf(engine(bucket).scan(table));
    ledger.faults += proxy.faults - before;
    expectClearError(
      error,
      ATHENA_CONNECTOR_EXCEPTION,
      new RegExp(`Spilling to s3://${bucket}/\\S+ failed after 3 attempts: InternalError \\(HTTP 500\\)`),
    );
  });

  it('returns every row once when every PutObject takes 100 ms longer', async () => {
    let delayed = 0;
    proxy.setPlan((request) => {
      if (!isS3PutObject(request)) return { kind: 'forward' };
      delayed++;
      return { kind: 'forward', delayMs: 100 };
    });
    const result = await engine(await freshBucket()).scan(table);
    ledger.faults += delayed;
    expect(delayed).toBe(result.spilledObjects);
    expectEveryRowOnce(ledger, result.table, 'id', expected);
  });

  it('fails the second split clearly when the spill bucket is deleted after the first split spilled', async () => {
    proxy.setPlan(passThrough);
    const bucket = await freshBucket();
    const driver = engine(bucket);
    await driver.ping();
    const definition = await driver.getTable(table);
    const constraints = makeConstraints();
    const splits = await driver.getSplits(
      definition,
      await driver.getTableLayout(definition, constraints),
      constraints,
    );
    expect(splits.length).toBeGreaterThan(1);
    const [first, second] = splits;
    if (first === undefined || second === undefined) throw new Error('expected two splits');
    const firstRead = await driver.readSplit(table, definition.schema, first, constraints);
    expect(firstRead.spilledObjects).toBeGreaterThan(0);

    // The bucket goes away, objects and all.
    const s3 = new S3Client({ forcePathStyle: true });
    await dropBucket(s3, bucket);
    s3.destroy();
    ledger.faults++;

    const error = await failureOf(driver.readSplit(table, definition.schema, second, constraints));
    // Not retried (a 4xx), and the message names the bucket and S3's answer.
    expectClearError(
      error,
      ATHENA_CONNECTOR_EXCEPTION,
      new RegExp(`Spilling to s3://${bucket}/\\S+ failed on the first attempt: NoSuchBucket \\(HTTP 404\\)`),
    );
  });
});
