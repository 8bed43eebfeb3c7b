// Logs carry what an operator needs (request type, catalog, queryId, split, rows, bytes, spills,
// duration) and never row values, request payloads or identity tags.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Field, Int64, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaHandler, loadHandlerConfig } from '../../src/index.js';
import { EngineDriver, createReferenceConnector, inProcessTransport } from '../../src/testing/index.js';

const SENTINEL_NAME = 'Zelda Quixote-Sentinel';
const SENTINEL_ID = 987_654_321_012;
const SENTINEL_TAG = 'tag-sentinel-7f3a';
const bucket = 'logging-spill';
const s3 = new S3Client({ forcePathStyle: true });

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => s3.destroy());

describe('structured logs', () => {
  it('say what happened without any row value, payload or identity tag', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const schema = new Schema([new Field('id', new Int64(), false), new Field('name', new Utf8(), true)]);
      const connector = createReferenceConnector({
        tables: [{ tableName: { schemaName: 'ehr', tableName: 'patients' }, schema, rowCount: 3000, splitsPerPartition: 2, row: (i) => ({ id: i === 7 ? SENTINEL_ID : i, name: i === 7 ? SENTINEL_NAME : `p${i}` }) }],
      });
      const logger = new Logger({ serviceName: 'logging-test', logLevel: 'DEBUG' });
      const driver = new EngineDriver({
        transport: inProcessTransport(createLambdaHandler(connector, { logger, config: { ...loadHandlerConfig({}), spillBucket: bucket } })),
        identity: { id: 'UNKNOWN', principal: 'UNKNOWN', account: '123456789012', arn: 'arn:aws:iam::123456789012:user/x', tags: { team: SENTINEL_TAG }, groups: [], configOptions: {} },
        maxBlockSize: 4096,
        maxInlineBlockSize: 1024,
      });
      const result = await driver.scan({ schemaName: 'ehr', tableName: 'patients' });
      expect(result.table.numRows).toBe(3000);
    } finally {
      process.stdout.write = write;
    }
    const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const reads = records.filter((r) => r['requestType'] === 'ReadRecordsRequest');
    expect(reads).toHaveLength(2);
    for (const read of reads) {
      expect(read).toMatchObject({ catalog: 'test_catalog', table: 'ehr.patients', rows: 1500, spills: expect.any(Number) as number, bytes: expect.any(Number) as number, durationMs: expect.any(Number) as number });
      expect(read['split']).toMatch(/^[0-9a-f-]{36}$/);
      expect(read['spills']).toBeGreaterThan(0);
    }
    const all = lines.join('\n');
    expect(all).not.toContain('Zelda');
    expect(all).not.toContain(String(SENTINEL_ID));
    expect(all).not.toContain(SENTINEL_TAG);
  });
});
