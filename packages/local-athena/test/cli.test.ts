// The CLI as a user runs it: a connector bundle built like a Lambda bundle, the SQL on the command line.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { mixedRow } from '../../connector-core/test/support/reference-tables.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'local-athena-cli-'));
const bundle = join(work, 'reference.mjs');

beforeAll(async () => {
  const s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'cli-spill' }));
  s3.destroy();
  const banner = { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" };
  await build({
    entryPoints: [join(root, 'test/fixtures/reference-lambda.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    banner,
    logLevel: 'error',
  });
  // The CLI exactly as `pnpm build` bundles it.
  execFileSync(process.execPath, [join(root, 'build.mjs')], { cwd: root });
}, 120_000);

// The CLI's own default for the connectors' logs, whatever log level this test run uses.
const { POWERTOOLS_LOG_LEVEL: _testLogLevel, ...environment } = process.env;
const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'dist/cli.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...environment, spill_bucket: 'cli-spill' },
  });

describe('local-athena CLI', () => {
  it('runs SQL over a connector bundle and prints CSV, with --explain on stderr', () => {
    const out = run(
      'query',
      '--catalog',
      `ehr=${bundle}`,
      '--format',
      'csv',
      '--explain',
      'SELECT id, region FROM ehr.ehr.patients WHERE region = 3 ORDER BY id LIMIT 3',
    );
    expect(out.status, out.stderr).toBe(0);
    const expected = Array.from({ length: 120 }, (_, i) => mixedRow(i))
      .filter((r) => r['region'] === 3)
      .slice(0, 3);
    expect(out.stdout.trim().split('\n')).toEqual(['id,region', ...expected.map((r) => `${String(r['id'])},3`)]);
    const expectedRows = Array.from({ length: 120 }, (_, i) => mixedRow(i)).filter((r) => r['region'] === 3).length;
    const lines = out.stderr.trim().split('\n');
    const explain = lines.slice(lines.findIndex((l) => l.startsWith('ehr.ehr.patients:')));
    expect(explain[0]).toBe('ehr.ehr.patients: pushed summary region');
    expect(explain[1]).toMatch(
      new RegExp(`^  3 splits, ${expectedRows} rows, [\\d.]+ kB read \\(0 B spilled\\), 0 spilled objects; `),
    );
    expect(explain[2]).toMatch(
      /^ {2}Ping [\d.]+ ms, GetDataSourceCapabilities [\d.]+ ms, GetTable [\d.]+ ms, GetTableLayout [\d.]+ ms, GetSplits [\d.]+ ms, ReadRecords [\d.]+ ms/,
    );
    expect(explain.at(-1)).toMatch(/^duckdb query: [\d.]+ ms$/);
    // Piped stderr is not a terminal: no progress bar, no carriage returns.
    expect(out.stderr).not.toContain('\r');
  });

  it('fails with a one-line cause', () => {
    const out = run('query', '--catalog', `ehr=${bundle}`, 'SELECT * FROM ehr.ehr.nope');
    expect(out.status).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(
      /^local-athena: Catalog ehr, table ehr\.ehr\.nope \(GetTableRequest\): .*EntityNotFoundException/,
    );
  });

  it('names --catalog for a catalog the query uses but the command line did not register', () => {
    const out = run(
      'query',
      '--catalog',
      `ehr=${bundle}`,
      'SELECT * FROM ehr.ehr.patients p JOIN claims.billing.lines l ON p.id = l.id',
    );
    expect(out.status).toBe(1);
    expect(out.stderr.trim()).toBe(
      'local-athena: Catalog claims is not registered (registered: ehr); add --catalog claims=TARGET (a Lambda bundle or lambda:<function>)',
    );
  });

  it('prints a timestamp with time zone in the zone the SQL states (https://trino.io/docs/current/functions/datetime.html#time-zone-conversion)', () => {
    const out = run(
      'query',
      '--catalog',
      `ehr=${bundle}`,
      '--format',
      'csv',
      "SELECT TIMESTAMP '2024-01-01 10:00 Europe/Berlin' AS t, TIMESTAMP '2012-10-31 01:00 UTC' AT TIME ZONE 'America/Los_Angeles' AS la",
    );
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout.trim().split('\n')).toEqual([
      't,la',
      '2024-01-01 10:00:00.000 Europe/Berlin,2012-10-30 18:00:00.000 America/Los_Angeles',
    ]);
  });

  it("refuses a date column compared with a varchar, with Athena's message and spelling", () => {
    const out = run(
      'query',
      '--catalog',
      `ehr=${bundle}`,
      "SELECT count(*) FROM ehr.ehr.patients WHERE day >= '2019-06-30'",
    );
    expect(out.status).toBe(1);
    expect(out.stderr.trim()).toBe(
      "local-athena: line 1:45: Cannot apply operator: date >= varchar(10) (Athena does not convert a varchar implicitly: use DATE '2019-06-30')",
    );
  });

  it("fails on a misspelt column at once with DuckDB's message about the user's SQL", () => {
    const out = run('query', '--catalog', `ehr=${bundle}`, 'SELECT nmae FROM ehr.ehr.patients');
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^local-athena: Binder Error: Referenced column "nmae" not found/);
  });
});
