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

  it('logs a failure with its stack, naming the TypeScript sources under --enable-source-maps (the template\'s SourceMapStackTraces)', async () => {
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
      const identity = { id: 'x', principal: 'x', account: '123456789012', arn: 'arn:aws:iam::123456789012:user/x', tags: {}, groups: [] };
      await handler({ '@type': 'GetTableRequest', identity, queryId: 'q1', catalogName: 'ddb', tableName: { schemaName: 'default', tableName: 'no_such_table' } }).catch(() => undefined);
    `;
    const run = async (flags: string[]) => {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [...flags, '--input-type=module', '-e', script], {
        env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'fake', AWS_SECRET_ACCESS_KEY: 'fake', POWERTOOLS_LOG_LEVEL: 'ERROR', disable_glue: 'true' },
      });
      const failed = `${stdout}\n${stderr}`.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { message?: string; error?: { name?: string; message?: string; stack?: string; cause?: { name?: string } } }).find((r) => r.message === 'request failed');
      return failed?.error;
    };
    const mapped = await run(['--enable-source-maps']);
    expect(mapped).toMatchObject({ name: 'ConnectorError', reason: 'NotFound' });
    expect(mapped?.message).toMatch(/no_such_table/);
    expect(mapped?.stack).toMatch(/\n\s+at .*src\/dynamodb-[a-z-]+\.ts:\d+/);
    const plain = await run([]);
    expect(plain?.stack).toMatch(/\n\s+at .*index\.mjs:\d+/);
    expect(plain?.stack).not.toMatch(/\.ts:\d+/);
  }, 60_000);
});
