/**
 * The wire path's batches follow core's block size as it grows: with a tiny maxBlockSize each batch
 * is one row, and past 2,000 spilled blocks core lets each block be a tenth larger than the last so
 * that the answer's list of spill locations stays within Lambda's response limit. A read that kept
 * the size it started with would spill one block per row.
 */
import {
  type GetTableResponse,
  createLambdaHandler,
  loadHandlerConfig,
  readRows,
} from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport, makeConstraints } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { memorySpillServices } from './support/memory-spill.js';

const ROWS = 6000;
let db: TestDatabase;
let connector: AuroraConnector;
const spilledIds: number[] = [];
let spills = 0;

/** Each spilled block's ids, kept in memory instead of written to S3. */
const memorySpill = memorySpillServices((batch) => {
  spills++;
  for (const [id] of readRows(batch)) spilledIds.push(Number(id));
});

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE grow (id INT PRIMARY KEY)');
  await db.pool.query('INSERT INTO grow VALUES ?', [Array.from({ length: ROWS }, (_, id) => [id])]);
  connector = createAuroraConnector({ env: db.env });
});

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

describe('block size growth on the wire path', () => {
  it('cuts one row per block up to 2,000 spilled blocks, then larger ones, every row once', async () => {
    // Prepare
    const config = { ...loadHandlerConfig({}), spillBucket: 'b', queryStatusCheckIntervalMs: 0 };
    const driver = new EngineDriver({
      transport: inProcessTransport(createLambdaHandler(connector, { config, spill: memorySpill })),
      catalogName: 'aurora_test',
    });
    const tableName = { schemaName: db.name, tableName: 'grow' };
    const constraints = makeConstraints();
    const table: GetTableResponse = await driver.getTable(tableName);
    const [split] = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
    if (split === undefined) throw new Error('no split planned');
    // Act
    const response = await driver.send(
      {
        '@type': 'ReadRecordsRequest',
        identity: driver.identity,
        queryId: driver.queryId,
        catalogName: 'aurora_test',
        tableName,
        schema: table.schema,
        split,
        constraints,
        maxBlockSize: 1,
        maxInlineBlockSize: 1,
      },
      'ReadRecordsResponse',
    );
    // Assess
    expect(response['@type']).toBe('RemoteReadRecordsResponse');
    expect(spills).toBeGreaterThan(2000);
    expect(spills).toBeLessThan(2200);
    expect(spilledIds.sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, id) => id));
  }, 60_000);
});
