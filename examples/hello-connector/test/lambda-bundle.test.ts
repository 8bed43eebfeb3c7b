// The Lambda bundle: esbuild builds it (scripts/bundle.mjs, which also zips it), it loads in plain
// Node without the workspace, exports `handler`, reads its configuration from the environment and
// answers Ping, ListSchemas, ListTables and GetTable against moto's S3, as the deployed function will.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersObjects, putObjects } from './support/s3-tables.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hello-bundle-'));
  await run(process.execPath, [join(packageRoot, 'bundle.mjs'), join(dir, 'index.mjs'), join(dir, 'lambda.zip')]);
  await putObjects('hello-bundle-data', 'json/sales/orders/', ordersObjects());
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `script` (an ES module body with `handler` and `identity` in scope) in a fresh Node process with `env` added. */
async function inFreshNode(script: string, env: Record<string, string>): Promise<string> {
  const body = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
    const identity = { id: 'x', principal: 'x', account: '123456789012', arn: 'arn:aws:iam::123456789012:user/x', tags: {}, groups: [] };
    ${script}
  `;
  // Without NODE_OPTIONS, which may carry the test runner's loaders: Lambda's node has none.
  const { NODE_OPTIONS: _loaders, ...inherited } = process.env;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', body], { cwd: dir, env: { ...inherited, POWERTOOLS_LOG_LEVEL: 'SILENT', ...env } });
  return stdout.trim().split('\n').pop() ?? '';
}

describe('lambda bundle', () => {
  it('exports handler and serves Ping, ListSchemas, ListTables and GetTable from the environment', async () => {
    const stdout = await inFreshNode(
      `
      const ping = await handler({ '@type': 'PingRequest', identity, catalogName: 'hello', queryId: 'q1' });
      const schemas = await handler({ '@type': 'ListSchemasRequest', identity, catalogName: 'hello', queryId: 'q1' });
      const tables = await handler({ '@type': 'ListTablesRequest', identity, queryId: 'q1', catalogName: 'hello', schemaName: 'sales', nextToken: null, pageSize: -1 });
      const table = await handler({ '@type': 'GetTableRequest', identity, queryId: 'q1', catalogName: 'hello', tableName: { schemaName: 'sales', tableName: 'orders' } });
      console.log(JSON.stringify({ type: typeof handler, ping, schemas, tables, table: table['@type'] }));
    `,
      { data_bucket: 'hello-bundle-data', data_prefix: 'json', spill_bucket: 'hello-spill' },
    );
    const result = JSON.parse(stdout) as { type: string; ping: { serDeVersion: number; sourceType: string }; schemas: { schemas: string[] }; tables: { tables: { tableName: string }[] }; table: string };
    expect(result.type).toBe('function');
    expect(result.ping).toMatchObject({ serDeVersion: 6, sourceType: 'hello' });
    expect(result.schemas.schemas).toEqual(['sales']);
    expect(result.tables.tables.map((t) => t.tableName)).toEqual(['orders']);
    expect(result.table).toBe('GetTableResponse');
  }, 60_000);

  it('fails at load, naming the variable, when data_bucket is missing', async () => {
    const error = await inFreshNode('', { data_bucket: '' }).then(() => undefined, (e: unknown) => e);
    expect(String((error as { stderr?: string }).stderr)).toContain('Invalid connector configuration: data_bucket is required');
  }, 60_000);
});
