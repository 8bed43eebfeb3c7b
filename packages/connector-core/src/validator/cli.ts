#!/usr/bin/env node
/**
 * `athena-connector validate TARGET`: validates a connector bundle (path to .mjs) or a deployed
 * function (`lambda:<name>`), prints a pass/fail table with timings and exits non-zero on any failure.
 */
import { parseArgs } from 'node:util';
import { parseConnectorTarget, transportFor } from '../engine/transports.js';
import type { TableName } from '../protocol/types.js';
import { formatChecks, validateConnector } from './validate-connector.js';

const usage =
  'usage: athena-connector validate TARGET [--catalog NAME] [--table schema.table …] [--max-tables N] [--splits one|several|all]\n  TARGET is a Lambda bundle (path.mjs or path.mjs#export) or lambda:<function name or ARN>';

/** A whole number ≥ 1 written in decimal, or a clear error naming the option. */
function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new Error(`--${option} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Progress on stderr, so stdout keeps only the table: on a terminal one line rewritten in place, in a
 * log one line per check.
 */
function progressReporter(stream: NodeJS.WriteStream): { start(name: string): void; done(): void } {
  let count = 0;
  return {
    start(name) {
      count++;
      const line = `validating: check ${count}, ${name}…`;
      if (stream.isTTY) stream.write(`\r\x1b[2K${line.slice(0, Math.max((stream.columns || 80) - 1, 20))}`);
      else stream.write(`${line}\n`);
    },
    done() {
      if (stream.isTTY && count > 0) stream.write('\r\x1b[2K');
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  // Bundles run in this process: their Lambda logs and their AWS SDK's warning about Node versions
  // below the nodejs22.x they are built for would mix into the table; a log level the user sets wins.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      catalog: { type: 'string' },
      table: { type: 'string', multiple: true },
      'max-tables': { type: 'string' },
      splits: { type: 'string', default: 'several' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help === true || positionals[0] !== 'validate' || positionals[1] === undefined) {
    console.log(usage);
    return values.help === true ? 0 : 2;
  }
  const splits = values.splits;
  if (splits !== 'one' && splits !== 'several' && splits !== 'all')
    throw new Error('--splits must be one, several or all');
  const tables = (values.table ?? []).map((t): TableName => {
    const [schemaName, tableName, ...rest] = t.split('.');
    if (schemaName === undefined || tableName === undefined || rest.length > 0)
      throw new Error(`--table ${t} must be schema.table`);
    return { schemaName, tableName };
  });
  const maxTables =
    values['max-tables'] === undefined ? undefined : positiveInteger('max-tables', values['max-tables']);
  const progress = progressReporter(process.stderr);
  const checks = await validateConnector({
    transport: await transportFor(parseConnectorTarget(positionals[1])),
    splits,
    onCheckStart: (name) => progress.start(name),
    ...(values.catalog === undefined ? {} : { catalogName: values.catalog }),
    ...(tables.length === 0 ? {} : { tables }),
    ...(maxTables === undefined ? {} : { maxTables }),
  });
  progress.done();
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
