#!/usr/bin/env node
/**
 * `athena-connector validate TARGET`: validates a connector bundle (path to .mjs) or a deployed
 * function (`lambda:<name>`), prints a pass/fail table with timings and exits non-zero on any failure.
 */
import { parseArgs } from 'node:util';
import { parseConnectorTarget, transportFor } from '../engine/transports.js';
import type { TableName } from '../protocol/types.js';
import { formatChecks, validateConnector } from './validate-connector.js';

const usage = 'usage: athena-connector validate TARGET [--catalog NAME] [--table schema.table …] [--max-tables N] [--splits one|several|all]\n  TARGET is a Lambda bundle (path.mjs or path.mjs#export) or lambda:<function name or ARN>';

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { catalog: { type: 'string' }, table: { type: 'string', multiple: true }, 'max-tables': { type: 'string' }, splits: { type: 'string', default: 'several' }, help: { type: 'boolean', default: false } },
  });
  if (values.help === true || positionals[0] !== 'validate' || positionals[1] === undefined) {
    console.log(usage);
    return values.help === true ? 0 : 2;
  }
  const splits = values.splits;
  if (splits !== 'one' && splits !== 'several' && splits !== 'all') throw new Error('--splits must be one, several or all');
  const tables = (values.table ?? []).map((t): TableName => {
    const [schemaName, tableName, ...rest] = t.split('.');
    if (schemaName === undefined || tableName === undefined || rest.length > 0) throw new Error(`--table ${t} must be schema.table`);
    return { schemaName, tableName };
  });
  const checks = await validateConnector({
    transport: await transportFor(parseConnectorTarget(positionals[1])),
    splits,
    ...(values.catalog === undefined ? {} : { catalogName: values.catalog }),
    ...(tables.length === 0 ? {} : { tables }),
    ...(values['max-tables'] === undefined ? {} : { maxTables: Number(values['max-tables']) }),
  });
  console.log(formatChecks(checks));
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

// Exit explicitly: connector bundles loaded in this process keep pools and sockets open, as they
// should inside a Lambda, which would otherwise keep a finished command alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`athena-connector: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
