#!/usr/bin/env node
/**
 * `local-athena query --catalog NAME=TARGET … "SQL"`: federated SQL from the command line. Exits
 * non-zero with a one-line cause on any error; `--explain` shows per table what was pushed down,
 * splits, rows, bytes, spilled objects and the time in each protocol step; on a terminal a progress
 * bar shows splits, rows, bytes and spills while the connectors are read.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CatalogTarget, UnknownCatalogError, parseCatalogArgument } from './catalog.js';
import { type OutputFormat, OutputFormats, formatRows } from './format.js';
import { LocalAthena } from './local-athena.js';
import { createProgressBar, formatExplain } from './progress.js';

const usage = `usage: local-athena query --catalog NAME=TARGET [--catalog …] [--format table|csv|json] [--explain] ("SQL" | --file query.sql)
  TARGET is a Lambda bundle (path to .mjs, optionally #exportName) or lambda:<function name or ARN>`;

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      catalog: { type: 'string', multiple: true },
      format: { type: 'string', default: 'table' },
      explain: { type: 'boolean', default: false },
      file: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help === true || positionals[0] !== 'query') {
    console.log(usage);
    return values.help === true ? 0 : 2;
  }
  const format = values.format as OutputFormat;
  if (!(OutputFormats as readonly string[]).includes(format))
    throw new Error(`--format must be one of ${OutputFormats.join(', ')}`);
  const sql = values.file === undefined ? positionals.slice(1).join(' ') : readFileSync(values.file, 'utf8');
  if (sql.trim() === '') throw new Error('No SQL given');
  // Connector bundles run in this process and would print their Lambda logs among the results and
  // the one-line error; they stay quiet unless the user asks (POWERTOOLS_LOG_LEVEL=INFO …).
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
  // Their AWS SDK warns when this Node is older than the one it will require; the bundles target
  // Lambda's nodejs22.x, so the warning says nothing about them and would split the one-line error.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // Bundles would ask Athena whether each long read's query still runs; local-athena's queries exist in no Athena.
  process.env['query_status_check_interval_ms'] ??= '0';
  const catalogs: Record<string, CatalogTarget> = {};
  for (const argument of values.catalog ?? []) {
    const { name, target } = parseCatalogArgument(argument);
    catalogs[name] = target;
  }
  // Only a person at a terminal wants the bar; piped or redirected stderr stays clean.
  const bar = process.stderr.isTTY ? createProgressBar(process.stderr) : undefined;
  const athena = await LocalAthena.create({
    catalogs,
    ...(bar === undefined ? {} : { onProgress: (p) => bar.update(p) }),
  });
  try {
    const result = await athena.query(sql).finally(() => bar?.finish());
    if (values.explain === true) console.error(formatExplain(result.scans, result.duckdbMs));
    console.log(formatRows(result.columns, result.rows, format, result.columnZones));
  } finally {
    await athena.close();
  }
  return 0;
}

// Exit explicitly: connector bundles loaded in this process keep pools and sockets open, as they
// should inside a Lambda, which would otherwise keep a finished command alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const hint =
      error instanceof UnknownCatalogError
        ? `; add --catalog ${error.catalog}=TARGET (a Lambda bundle or lambda:<function>)`
        : '';
    console.error(`local-athena: ${error instanceof Error ? error.message : String(error)}${hint}`);
    process.exit(1);
  },
);
