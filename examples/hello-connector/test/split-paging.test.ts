// A table of more objects than one S3 listing page (1,000 keys): GetSplits hands S3's continuation
// token back and forth through core, and every object becomes exactly one split.
import { createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import {
  EngineDriver,
  ensureBucket,
  inProcessTransport,
  makeConstraints,
} from '@athena-federation/connector-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHelloConnector } from '../src/index.js';
import { putObjects } from './support/s3-tables.js';

const bucket = 'hello-paging-data';
const objectCount = 1001;
const config = { ...loadHandlerConfig({}), spillBucket: 'hello-spill' };

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  const objects: Record<string, string> = { '_schema.json': '{"id": "int"}' };
  for (let i = 0; i < objectCount; i++) objects[`part-${String(i).padStart(4, '0')}.jsonl`] = `{"id": ${i}}\n`;
  await putObjects(bucket, 'many/objects/', objects);
}, 60_000);

describe('split paging', () => {
  it('lists every object of a table that S3 lists in two pages as one split', async () => {
    // Prepare
    const driver = new EngineDriver({
      transport: inProcessTransport(createLambdaHandler(createHelloConnector({ bucket }), { config })),
    });
    await driver.ping();
    const table = await driver.getTable({ schemaName: 'many', tableName: 'objects' });
    const constraints = makeConstraints();
    // Act
    const splits = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
    // Assess
    expect(driver.trace.filter((t) => t.requestType === 'GetSplitsRequest').length).toBeGreaterThan(1);
    const expected = Array.from(
      { length: objectCount },
      (_, i) => `many/objects/part-${String(i).padStart(4, '0')}.jsonl`,
    );
    expect(splits.map((s) => s.properties['key']).sort()).toEqual(expected);
  }, 60_000);
});
