// The Lambda deadline arriving mid-read: the handler is invoked with a context whose
// getRemainingTimeInMillis is small, so its AbortSignal fires while a split is still streaming
// from a slow source (MariaDB rows that each cost the server 2 ms; DynamoDB pages that each take
// 300 ms) or while spill uploads are slow. The answer must be a timeout error, never part of the
// split presented as all of it.
import { type AuroraConnector, createAuroraConnector } from '@athena-federation/connector-aurora';
import { ensureBucket } from '@athena-federation/connector-core/testing';
import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dynalite,
  createReadingsTable,
  dynamoDbConnector,
  readingItems,
  sourceIds as dynamoSourceIds,
  startDynalite,
} from './support/faults-dynalite.js';
import { scanWithReadDeadline } from './support/faults-engine.js';
import {
  ATHENA_CONNECTOR_EXCEPTION,
  createLedger,
  expectClearError,
  expectRowsOnceOrClearError,
  failureOf,
  formatLedger,
} from './support/faults-ledger.js';
import {
  FAULTS_DATABASE,
  SHARED_MARIADB,
  auroraEnv,
  createSequenceTable,
  openFaultsDatabase,
  sourceIds,
} from './support/faults-mariadb.js';
import { type FaultProxy, dynamoDbOperation, isS3PutObject, startFaultProxy } from './support/faults-proxy.js';

const SPILL_BUCKET = 'reliability-faults-deadline-spill';
const ledger = createLedger('Lambda deadline');
/** The abort fires at remaining time minus margin: one second into the invocation. */
const deadline = { remainingTimeMs: 2000, deadlineMarginMs: 1000 } as const;
const TIMEOUT = [/OperationTimeoutException/, /Lambda deadline/] as const;

let admin: Pool;
let aurora: AuroraConnector;

beforeAll(async () => {
  await ensureBucket(SPILL_BUCKET);
  admin = await openFaultsDatabase(SHARED_MARIADB.port);
  await createSequenceTable(admin, 'deadline_rows', 3000);
  // Every row costs the server 2 ms, so the 3000 rows stream for about 6 s.
  await admin.query(
    'CREATE OR REPLACE VIEW deadline_slow_rows AS SELECT id, label FROM deadline_rows WHERE SLEEP(0.002) = 0',
  );
  aurora = createAuroraConnector({ env: auroraEnv(SHARED_MARIADB.port) });
});

afterAll(async () => {
  console.info(formatLedger(ledger));
  await aurora?.close();
  await admin?.query('DROP VIEW IF EXISTS deadline_slow_rows');
  await admin?.query('DROP TABLE IF EXISTS deadline_rows');
  await admin?.end();
});

describe('the Lambda deadline arriving mid-read', () => {
  it('answers a slow MySQL stream with a timeout error, not the rows read so far', async () => {
    const error = await failureOf(
      scanWithReadDeadline(
        aurora,
        { schemaName: FAULTS_DATABASE, tableName: 'deadline_slow_rows' },
        { spillBucket: SPILL_BUCKET },
        deadline,
      ),
    );
    ledger.faults++;
    expectClearError(error, ATHENA_CONNECTOR_EXCEPTION, ...TIMEOUT);
  });

  describe('DynamoDB', () => {
    let dynamo: Dynalite;
    let proxy: FaultProxy;
    let slowS3: FaultProxy;
    let scanDelayMs = 0;

    beforeAll(async () => {
      dynamo = await startDynalite();
      await createReadingsTable(dynamo.client, 'deadline_readings', readingItems(2000));
      proxy = await startFaultProxy(dynamo.endpoint, (request) => {
        if (dynamoDbOperation(request) !== 'Scan') return { kind: 'forward' };
        // Pages of 50 items, the read ones delayed by `scanDelayMs`.
        const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
        body['Limit'] = Math.min(typeof body['Limit'] === 'number' ? body['Limit'] : 50, 50);
        // Read Scans run on the splits' 2 segments; schema sampling uses 3 (see dynamoDbConnector).
        return {
          kind: 'forward',
          delayMs: body['TotalSegments'] === 2 ? scanDelayMs : 0,
          body: Buffer.from(JSON.stringify(body)),
        };
      });
      slowS3 = await startFaultProxy(process.env['AWS_ENDPOINT_URL'] ?? '', (request) =>
        isS3PutObject(request) ? { kind: 'forward', delayMs: 400 } : { kind: 'forward' },
      );
    });

    afterAll(async () => {
      await slowS3?.stop();
      await proxy?.stop();
      await dynamo?.stop();
    });

    it('answers a slow scan with a timeout error, not the pages read so far', async () => {
      scanDelayMs = 300;
      const error = await failureOf(
        scanWithReadDeadline(
          dynamoDbConnector({ endpoint: proxy.endpoint }),
          { schemaName: 'default', tableName: 'deadline_readings' },
          { spillBucket: SPILL_BUCKET },
          deadline,
        ),
      );
      ledger.faults++;
      expectClearError(error, ATHENA_CONNECTOR_EXCEPTION, ...TIMEOUT);
    });

    it('answers a scan with every row once or a timeout error when the deadline comes while its blocks upload slowly', async () => {
      scanDelayMs = 0;
      const outcome = await expectRowsOnceOrClearError(
        ledger,
        scanWithReadDeadline(
          dynamoDbConnector({ endpoint: proxy.endpoint }),
          { schemaName: 'default', tableName: 'deadline_readings' },
          { spillBucket: SPILL_BUCKET, s3Endpoint: slowS3.endpoint, spillEverything: true, maxBlockSize: 2048 },
          deadline,
        ),
        { column: 'id', keys: await dynamoSourceIds(dynamo.client, 'deadline_readings') },
        { errorType: ATHENA_CONNECTOR_EXCEPTION, patterns: [...TIMEOUT] },
      );
      ledger.faults++;
      // 2 KiB blocks (~20 per split) at 400 ms per upload, two uploads per split at a time: ~4 s.
      expect(outcome).toBe('error');
    });
  });

  describe('slow spill uploads', () => {
    let proxy: FaultProxy;

    beforeAll(async () => {
      await createSequenceTable(admin, 'deadline_spill_rows', 8000);
      proxy = await startFaultProxy(process.env['AWS_ENDPOINT_URL'] ?? '', (request) =>
        isS3PutObject(request) ? { kind: 'forward', delayMs: 500 } : { kind: 'forward' },
      );
    });

    afterAll(async () => {
      await proxy?.stop();
      await admin.query('DROP TABLE IF EXISTS deadline_spill_rows');
    });

    it('answers with every row once or a timeout error when the deadline comes while blocks are uploading', async () => {
      const outcome = await expectRowsOnceOrClearError(
        ledger,
        scanWithReadDeadline(
          aurora,
          { schemaName: FAULTS_DATABASE, tableName: 'deadline_spill_rows' },
          { spillBucket: SPILL_BUCKET, s3Endpoint: proxy.endpoint, spillEverything: true },
          deadline,
        ),
        { column: 'id', keys: await sourceIds(admin, 'deadline_spill_rows') },
        { errorType: ATHENA_CONNECTOR_EXCEPTION, patterns: [...TIMEOUT] },
      );
      ledger.faults++;
      // 8000 rows in 8 or more blocks at 500 ms per upload, two at a time: 2 s or more, past the deadline (1 s).
      expect(outcome).toBe('error');
    });

    it('answers by the Lambda deadline with a timeout error when a spill upload never completes', async () => {
      const hung = await startFaultProxy(process.env['AWS_ENDPOINT_URL'] ?? '', (request) =>
        isS3PutObject(request) ? { kind: 'hang' } : { kind: 'forward' },
      );
      try {
        const started = Date.now();
        const answer = scanWithReadDeadline(
          aurora,
          { schemaName: FAULTS_DATABASE, tableName: 'deadline_spill_rows' },
          { spillBucket: SPILL_BUCKET, s3Endpoint: hung.endpoint, spillEverything: true },
          deadline,
        );
        // The invocation has 2 s; Lambda ends it then, so an answer after that is no answer at all.
        const late = new Promise<'late'>((resolve) =>
          setTimeout(() => resolve('late'), deadline.remainingTimeMs + 500),
        );
        const outcome = await Promise.race([failureOf(answer), late]);
        ledger.faults++;
        expect(outcome).not.toBe('late');
        if (outcome !== 'late') expectClearError(outcome, ATHENA_CONNECTOR_EXCEPTION, ...TIMEOUT);
        expect(Date.now() - started).toBeLessThan(deadline.remainingTimeMs + 500);
      } finally {
        await hung.stop();
      }
    });
  });
});
