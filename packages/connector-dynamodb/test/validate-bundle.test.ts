// `athena-connector validate` against the DynamoDB Lambda bundle, as a user validates a build before
// deploying it: the bundle built by bundle.mjs, loaded by the built validator CLI in its own process,
// reading dynalite and spilling to the moto S3 of the test run (Glue, also moto, has no databases).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureBucket } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { eventItems, eventsTable, orderItems, ordersTable } from './support/fixtures.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = join(packageRoot, '..', '..');
const SPILL_BUCKET = 'deploy-validate-dynamodb-spill';
let dir: string;
let dynamo: DynaliteServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-validate-ddb-'));
  await promisify(execFile)(process.execPath, [join(packageRoot, 'bundle.mjs'), join(dir, 'index.mjs')]);
  // The CLI exactly as `pnpm build` bundles it (connector-core's bin athena-connector).
  await promisify(execFile)(process.execPath, [
    join(repositoryRoot, 'packages', 'connector-core', 'build.mjs'),
    join(dir, 'athena-connector.mjs'),
  ]);
  dynamo = await startDynalite();
  await createTable(dynamo.client, ordersTable, orderItems);
  await createTable(dynamo.client, eventsTable, eventItems);
  await ensureBucket(SPILL_BUCKET);
}, 60_000);

afterAll(async () => {
  await dynamo.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('athena-connector validate, DynamoDB bundle', () => {
  it('passes every check, reading every split inline and with spill forced', async () => {
    // Prepare
    const { NODE_OPTIONS: _loader, ...inherited } = process.env;
    // Act
    const result = await promisify(execFile)(
      process.execPath,
      [join(dir, 'athena-connector.mjs'), 'validate', join(dir, 'index.mjs'), '--splits', 'all'],
      {
        cwd: dir,
        env: {
          ...inherited,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_REGION: 'us-east-1',
          spill_bucket: SPILL_BUCKET,
          min_scan_segments: '3',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      },
    ).catch((error: unknown) => error as { code: number; stdout: string; stderr: string });
    // Assess
    const stdout = result.stdout;
    expect('code' in result ? result.code : 0, stdout + result.stderr).toBe(0);
    expect(stdout).toMatch(/^PASS {2}ping and serde version .*sourceType dynamodb/m);
    expect(stdout).toMatch(/^PASS {2}schemas and tables \(all pages, lower-case\) .* 2 tables$/m);
    expect(stdout).toMatch(
      /^PASS {2}default\.orders: read 3 splits inline and with spill forced .* [1-9]\d* spilled objects/m,
    );
    expect(stdout).toMatch(/^PASS {2}default\.events: read 3 splits inline and with spill forced/m);
    // The one advertised expression function is checked against the unpushed reads.
    expect(stdout).toMatch(
      /^PASS {2}capabilities .* LIMIT; expressions \(\$like_pattern\); passthrough system\.query/m,
    );
    expect(stdout).toMatch(/^PASS {2}default\.orders: expressions applied .* 5 expressions over \$like_pattern$/m);
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  }, 60_000);
});
