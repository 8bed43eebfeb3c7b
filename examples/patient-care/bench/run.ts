/**
 * `pnpm bench` for the patient-care example: the whole example end to end at a moderate scale
 * (generate, load MySQL and DynamoDB, the urgent-care query through local-athena over both
 * connectors' Lambda bundles), with the query's time split into protocol, connector and DuckDB
 * time from local-athena's per-table account, and the flagged set checked against the rule.
 *
 * `--patients N --days N` (default 600 × 10, four times the quick start's device readings).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type TableScanReport, describePushdown } from '@athena-federation/local-athena';
import { dropMysqlDatabase } from '../src/load.js';
import { runPatientCare } from '../src/run.js';
import { urgentCareFlags } from '../src/urgent-care.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const { values } = parseArgs({
  options: { patients: { type: 'string', default: '600' }, days: { type: 'string', default: '10' } },
});
const patients = Number(values.patients);
const days = Number(values.days);
if (!Number.isSafeInteger(patients) || patients < 1 || !Number.isSafeInteger(days) || days < 3)
  throw new Error(
    `--patients must be a positive integer and --days an integer of at least 3 (got ${values.patients}, ${values.days})`,
  );

// The run loads the connectors as Lambda would, from their built bundles.
for (const connector of ['connector-aurora', 'connector-dynamodb']) {
  const dir = join(repo, 'packages', connector);
  if (!existsSync(join(dir, 'dist/lambda/index.mjs')))
    execFileSync(process.execPath, [join(dir, 'bundle.mjs')], { cwd: dir });
}
// The connectors' per-request INFO lines would bury the numbers.
process.env['POWERTOOLS_LOG_LEVEL'] = 'WARN';
// As the example's CLI: local-athena's queries exist in no Athena for the bundles to ask about.
process.env['query_status_check_interval_ms'] ??= '0';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const mysql = {
  host: process.env['MYSQL_HOST'] ?? '127.0.0.1',
  port: Number(process.env['MYSQL_PORT'] ?? 3306),
  user: process.env['MYSQL_USER'] ?? 'root',
  password: process.env['MYSQL_PASSWORD'] ?? '',
};
const database = 'patient_care_bench';
const phases: { name: string; at: number }[] = [];
const started = performance.now();
let run: Awaited<ReturnType<typeof runPatientCare>>;
try {
  run = await runPatientCare({
    patients,
    days,
    ehrDatabase: database,
    mysql,
    progress: (message) => phases.push({ name: message, at: performance.now() }),
  });
} finally {
  await dropMysqlDatabase(mysql, database);
}
const totalMs = performance.now() - started;
const { data, result } = run;

const flagged = result.rows.map(
  (row) => `${String(row[result.columns.indexOf('patient_id')])}: ${String(row[result.columns.indexOf('reason')])}`,
);
const expected = urgentCareFlags(data).map((f) => `${f.patient_id}: ${f.reason}`);
if (JSON.stringify(flagged) !== JSON.stringify(expected))
  throw new Error(
    `local-athena flagged ${flagged.length} patients, the rule ${expected.length}: the benchmark's answer is wrong`,
  );

const sum = (scans: readonly TableScanReport[], pick: (s: TableScanReport) => number) =>
  scans.reduce((n, s) => n + pick(s), 0);
const protocolSteps = (s: TableScanReport) =>
  Object.entries(s.timings)
    .filter(([step]) => step.endsWith('Request'))
    .reduce((n, [, ms]) => n + ms, 0);
const connectorMs = sum(result.scans, (s) => s.connectorMs);
// Engine-side protocol work: encoding requests, decoding responses, reading and decrypting spilled blocks.
const protocolMs = sum(result.scans, (s) => protocolSteps(s) - s.connectorMs + (s.timings['readSpilled'] ?? 0));
const duckdbMs =
  sum(result.scans, (s) => (s.timings['loadIntoDuckDB'] ?? 0) + (s.timings['joinKeysFromDuckDB'] ?? 0)) +
  result.duckdbMs;
const queryStarted = phases.find((p) => p.name.startsWith('running'))?.at ?? started;

const ms = (n: number) => `${n.toFixed(0).padStart(7)} ms`;
console.log(
  `patient-care end to end: ${patients} patients × ${days} days — ${data.readings.length.toLocaleString('en-US')} device readings, ${data.claims.length.toLocaleString('en-US')} claim lines; ${flagged.length} flagged (same as the rule)\n`,
);
console.log(`generate + load MySQL and DynamoDB ${ms(queryStarted - started)}`);
console.log(`urgent-care query (wall)           ${ms(result.durationMs)}`);
console.log(`  connector (inside the handlers)  ${ms(connectorMs)}`);
console.log(`  protocol (engine codec, S3)      ${ms(protocolMs)}`);
console.log(`  DuckDB (load, join keys, query)  ${ms(duckdbMs)}`);
console.log(`whole run                          ${ms(totalMs)}`);
console.log(
  '\n(connector and protocol time are summed over split reads that overlap, so the parts may exceed the wall time)\n',
);
for (const scan of result.scans) {
  console.log(
    `${scan.table.padEnd(36)} ${String(scan.splits).padStart(4)} splits ${scan.rows.toLocaleString('en-US').padStart(9)} rows ${String(scan.spilledObjects).padStart(4)} spilled  connector ${ms(scan.connectorMs)}  protocol ${ms(protocolSteps(scan) - scan.connectorMs + (scan.timings['readSpilled'] ?? 0))}  DuckDB load ${ms(scan.timings['loadIntoDuckDB'] ?? 0)}  pushed ${describePushdown(scan.pushed)}`,
  );
}
// The connector bundles keep MySQL pools and sockets open, as inside a Lambda.
process.exit(0);
