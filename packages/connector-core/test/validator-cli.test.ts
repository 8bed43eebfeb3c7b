// `athena-connector validate` as a user runs it, against a connector bundle built like a Lambda bundle.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bundle = join(mkdtempSync(join(tmpdir(), 'validate-cli-')), 'reference.mjs');

beforeAll(async () => {
  const s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'validate-cli-spill' }));
  s3.destroy();
  await build({
    entryPoints: [join(root, 'test/fixtures/lambda/reference-lambda.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // The CLI exactly as `pnpm build` bundles it.
  execFileSync(process.execPath, [join(root, 'build.mjs')], { cwd: root });
}, 120_000);

describe('athena-connector validate', () => {
  it('prints a pass/fail table and exits 0 for a good bundle', () => {
    const out = spawnSync(
      process.execPath,
      [join(root, 'dist/athena-connector.mjs'), 'validate', bundle, '--splits', 'all'],
      { encoding: 'utf8', env: { ...process.env, spill_bucket: 'validate-cli-spill' } },
    );
    expect(out.status, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^PASS {2}ping and serde version/m);
    expect(out.stdout).toMatch(/PASS {2}ehr\.patients: read 3 splits inline and with spill forced/);
    expect(out.stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('exits non-zero when a check fails (no spill bucket configured)', () => {
    const out = spawnSync(process.execPath, [join(root, 'dist/athena-connector.mjs'), 'validate', bundle], {
      encoding: 'utf8',
      env: { ...process.env, spill_bucket: '' },
    });
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/FAIL {2}ehr\.patients: layout and splits.*No spill bucket is configured/);
  });

  /** The environment of a user's shell: no log level set, no SDK warning switched off. */
  const userEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, spill_bucket: 'validate-cli-spill' };
    delete env['POWERTOOLS_LOG_LEVEL'];
    delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    return env;
  };

  it('keeps stdout to the table, shows progress on stderr, and prints no connector log or SDK warning', () => {
    const out = spawnSync(process.execPath, [join(root, 'dist/athena-connector.mjs'), 'validate', bundle], {
      encoding: 'utf8',
      env: userEnv(),
    });
    expect(out.status, out.stdout + out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines.filter((l) => !/^(PASS|FAIL) {2}/.test(l))).toEqual([lines.at(-1)]);
    expect(out.stderr).toMatch(/^validating: check 1, ping and serde version…$/m);
    expect(out.stderr).toMatch(/^validating: check \d+, ehr\.patients: read 3 splits inline and with spill forced…$/m);
    expect(out.stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(out.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('validating: '))).toEqual([]);
  });

  it('prints connector logs when the user sets a log level', () => {
    const out = spawnSync(
      process.execPath,
      [join(root, 'dist/athena-connector.mjs'), 'validate', bundle, '--splits', 'one'],
      { encoding: 'utf8', env: { ...userEnv(), POWERTOOLS_LOG_LEVEL: 'INFO' } },
    );
    expect(out.status, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/"message":"request done"/);
  });

  it.each(['ten', '0', '1e3', '0x10', '-2', '2.5', ''])('refuses --max-tables=%s, naming the option', (value) => {
    const out = spawnSync(
      process.execPath,
      [join(root, 'dist/athena-connector.mjs'), 'validate', bundle, `--max-tables=${value}`],
      { encoding: 'utf8', env: userEnv() },
    );
    expect(out.status).toBe(1);
    expect(out.stderr.trim()).toBe(
      `athena-connector: --max-tables must be a whole number of at least 1, got ${JSON.stringify(value)}`,
    );
    expect(out.stdout).toBe('');
  });
});
