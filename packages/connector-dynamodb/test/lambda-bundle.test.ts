// The Lambda bundle: esbuild builds it, it loads in plain Node without the workspace, exports
// `handler`, and answers a Ping and a ListTables against dynalite.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { ordersTable } from './support/fixtures.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let dynamo: DynaliteServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ddb-bundle-'));
  await promisify(execFile)(process.execPath, [join(packageRoot, 'bundle.mjs'), join(dir, 'index.mjs')]);
  dynamo = await startDynalite();
  await createTable(dynamo.client, ordersTable, []);
}, 60_000);

afterAll(async () => {
  await dynamo.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('lambda bundle', () => {
  it('exports handler and serves Ping and ListTables', async () => {
    // Prepare: run the bundle in its own Node process, as Lambda would, pointed at dynalite.
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
      const identity = { id: 'x', principal: 'x', account: '123456789012', arn: 'arn:aws:iam::123456789012:user/x', tags: {}, groups: [] };
      const ping = await handler({ '@type': 'PingRequest', identity, catalogName: 'ddb', queryId: 'q1' });
      const tables = await handler({ '@type': 'ListTablesRequest', identity, queryId: 'q1', catalogName: 'ddb', schemaName: 'default', nextToken: null, pageSize: -1 });
      console.log(JSON.stringify({ type: typeof handler, ping, tables }));
    `;
    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'fake', AWS_SECRET_ACCESS_KEY: 'fake', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    // Assess
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { type: string; ping: { serDeVersion: number; sourceType: string }; tables: { tables: { tableName: string }[] } };
    expect(result.type).toBe('function');
    expect(result.ping).toMatchObject({ serDeVersion: 6, sourceType: 'dynamodb' });
    expect(result.tables.tables.map((t) => t.tableName)).toEqual(['orders']);
  }, 60_000);
});
