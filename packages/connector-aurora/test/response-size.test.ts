// Issue #14 on Aurora (MariaDB): at Athena's block sizes (16,000,000 / 5,242,880) one split of ~4.9 MB
// of Arrow is under maxInlineBlockSize, so Java's raw rule answers it inline — 6.4 MB once base64 and
// the JSON envelope are added, which Lambda refuses to return. The handler's answer must stay within
// Lambda's 6,291,556-byte response limit and the spilled answer must hold every row.
import { createLambdaHandler, loadHandlerConfig } from '@athena-federation/connector-core';
import {
  ATHENA_BLOCK_SIZES,
  EngineDriver,
  expectSpilledWithinLambdaLimit,
  inProcessTransport,
} from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import { SPILL_BUCKET, ensureSpillBucket } from './support/engine.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';

const ROWS = 1000;
const note = (i: number) => `row ${i}: ${'abcdefghijklmnopqrstuvwxyz'.repeat(190)}`.slice(0, 4900);
let db: TestDatabase;
let connector: AuroraConnector | undefined;

beforeAll(async () => {
  await ensureSpillBucket();
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE wide_notes (id INT PRIMARY KEY, note TEXT)');
  for (let start = 0; start < ROWS; start += 250) {
    await db.pool.query('INSERT INTO wide_notes VALUES ?', [
      Array.from({ length: 250 }, (_, k) => [start + k, note(start + k)]),
    ]);
  }
}, 120_000);

afterAll(async () => {
  await connector?.close();
  await db?.drop();
});

it("answers a 4.9 MB split within Lambda's response limit, with every row", async () => {
  connector = createAuroraConnector({
    env: db.env,
    secrets: () => Promise.reject(new Error('no secrets in this test')),
  });
  const handler = createLambdaHandler(connector, { config: { ...loadHandlerConfig({}), spillBucket: SPILL_BUCKET } });
  const driver = new EngineDriver({ transport: inProcessTransport(handler), ...ATHENA_BLOCK_SIZES });

  const result = await driver.scan({ schemaName: db.name, tableName: 'wide_notes' });

  const notes = expectSpilledWithinLambdaLimit(driver, result, 'id', 'note');
  expect(notes).toEqual(new Map(Array.from({ length: ROWS }, (_, i) => [String(i), note(i)])));
}, 120_000);
