/**
 * Test support: one `system.query(…)` read as Athena sends it (GetTable, GetTableLayout, GetSplits,
 * ReadRecords), on a fresh connector for `env` whose NODE_EXTRA_CA_CERTS is `extraCa` for the
 * call — how the TLS tests of both engines ask the server about the session it sees.
 */
import { type Connector, readRows } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/testing';
import { createAuroraConnector } from '../../src/index.js';
import { engineFor } from './engine.js';

/** The rows of `query` read through a connector made from `env`, closed afterwards. */
export async function passthroughRowsWith(
  env: Record<string, string>,
  query: string,
  extraCa: string | undefined,
): Promise<unknown[][]> {
  const previous = process.env['NODE_EXTRA_CA_CERTS'];
  if (extraCa === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
  else process.env['NODE_EXTRA_CA_CERTS'] = extraCa;
  const connector = createAuroraConnector({ env });
  try {
    return await passthroughRows(connector, query);
  } finally {
    await connector.close();
    if (previous === undefined) delete process.env['NODE_EXTRA_CA_CERTS'];
    else process.env['NODE_EXTRA_CA_CERTS'] = previous;
  }
}

/** The rows of `query` read through `connector` (left open: tests reuse its pools). */
export async function passthroughRows(connector: Connector, query: string): Promise<unknown[][]> {
  const d = engineFor(connector);
  await d.ping();
  const args = { schemaFunctionName: 'SYSTEM.QUERY', QUERY: query };
  const table = await d.getTable({ schemaName: 'system', tableName: 'query' }, args);
  const constraints = makeConstraints({ queryPassthroughArguments: args });
  const [split] = await d.getSplits(table, await d.getTableLayout(table, constraints), constraints);
  if (split === undefined) throw new Error('no split');
  return (await d.readSplit(table.tableName, table.schema, split, constraints)).batches.flatMap((b) => readRows(b));
}
