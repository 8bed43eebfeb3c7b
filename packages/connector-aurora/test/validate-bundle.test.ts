// `athena-connector validate` against the Aurora MySQL Lambda bundle, as a user validates a build
// before deploying it: the bundle built by bundle.mjs, loaded by the built validator CLI in its own
// process, reading a small MariaDB database `deploy_validate` through a user that sees only that
// database (as a deployed connector's database user should), spilling to the moto S3 of the test run.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureBucket } from '@athena-federation/connector-core/testing';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARIADB } from './support/mariadb.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = join(packageRoot, '..', '..');
const DATABASE = 'deploy_validate';
const USER = 'deploy_validate';
const PASSWORD = 'deploy-validate-password';
const SPILL_BUCKET = 'deploy-validate-aurora-spill';
let dir: string;

async function adminQuery(statements: readonly string[]): Promise<void> {
  const admin = await createConnection({ ...MARIADB, connectTimeout: 3000 }).catch((error: unknown) => {
    throw new Error(
      `MariaDB is not reachable at ${MARIADB.host}:${MARIADB.port} as root (${(error as { code?: string }).code ?? String(error)}); fix: start it with \`service mariadb start\``,
    );
  });
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-validate-aurora-'));
  await promisify(execFile)(process.execPath, [join(packageRoot, 'bundle.mjs'), join(dir, 'index.mjs')]);
  // The CLI exactly as `pnpm build` bundles it (connector-core's bin athena-connector).
  await promisify(execFile)(process.execPath, [
    join(repositoryRoot, 'packages', 'connector-core', 'build.mjs'),
    join(dir, 'athena-connector.mjs'),
  ]);
  const orders = Array.from(
    { length: 60 },
    (_, i) =>
      `(${i + 1}, 'customer ${i % 7}', ${(i * 13.37).toFixed(2)}, '2026-01-${String((i % 28) + 1).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00.125', ${i % 5 === 0 ? 'NULL' : `'note ${i}'`})`,
  );
  await adminQuery([
    `DROP DATABASE IF EXISTS ${DATABASE}`,
    `CREATE DATABASE ${DATABASE} CHARACTER SET utf8mb4`,
    `CREATE TABLE ${DATABASE}.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, amount DECIMAL(12,2) NOT NULL, placed_at DATETIME(3) NOT NULL, note TEXT NULL)`,
    `INSERT INTO ${DATABASE}.orders VALUES ${orders.join(', ')}`,
    `CREATE TABLE ${DATABASE}.customers (name VARCHAR(40) PRIMARY KEY, tier TINYINT NOT NULL, active BIT(1) NOT NULL)`,
    `INSERT INTO ${DATABASE}.customers VALUES ${Array.from({ length: 7 }, (_, i) => `('customer ${i}', ${i % 3}, ${i % 2})`).join(', ')}`,
    `DROP USER IF EXISTS '${USER}'@'%'`,
    `CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`,
    `GRANT SELECT, SHOW VIEW ON ${DATABASE}.* TO '${USER}'@'%'`,
  ]);
  await ensureBucket(SPILL_BUCKET);
}, 60_000);

afterAll(async () => {
  await adminQuery([`DROP USER IF EXISTS '${USER}'@'%'`, `DROP DATABASE IF EXISTS ${DATABASE}`]);
  await rm(dir, { recursive: true, force: true });
});

describe('athena-connector validate, Aurora MySQL bundle', () => {
  it('passes every check, reading every key-range split inline and with spill forced', async () => {
    // Prepare
    const { NODE_OPTIONS: _loader, ...inherited } = process.env;
    const env = {
      ...inherited,
      default: `mysql://jdbc:mysql://${MARIADB.host}:${MARIADB.port}/${DATABASE}?user=${USER}&password=${PASSWORD}`,
      // 60 orders in splits of about 20 rows.
      target_rows_per_split: '20',
      spill_bucket: SPILL_BUCKET,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    // Act
    const result = await promisify(execFile)(
      process.execPath,
      [join(dir, 'athena-connector.mjs'), 'validate', join(dir, 'index.mjs'), '--splits', 'all'],
      { cwd: dir, env },
    ).catch((error: unknown) => error as { code: number; stdout: string; stderr: string });
    // Assess
    const stdout = result.stdout;
    expect('code' in result ? result.code : 0, stdout + result.stderr).toBe(0);
    expect(stdout).toMatch(/^PASS {2}ping and serde version .*sourceType mysql/m);
    expect(stdout).toMatch(/^PASS {2}schemas and tables \(all pages, lower-case\) .* 1 schemas, 2 tables$/m);
    expect(stdout).toMatch(
      /^PASS {2}deploy_validate\.orders: read [3-9] splits inline and with spill forced .* 60 rows, [1-9]\d* spilled objects/m,
    );
    expect(stdout).toMatch(
      /^PASS {2}deploy_validate\.customers: read \d+ splits? inline and with spill forced .* 7 rows/m,
    );
    // Each advertised pushdown is checked against the unpushed reads.
    expect(stdout).toMatch(
      /^PASS {2}capabilities .* LIMIT; ORDER BY … LIMIT; expressions \(.*\$like_pattern.*\); passthrough system\.query/m,
    );
    expect(stdout).toMatch(/^PASS {2}deploy_validate\.orders: top-N honoured .* 4 orderings on id, LIMIT 3$/m);
    expect(stdout).toMatch(
      /^PASS {2}deploy_validate\.orders: expressions applied .* 18 expressions over .*\$like_pattern/m,
    );
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  }, 60_000);
});
