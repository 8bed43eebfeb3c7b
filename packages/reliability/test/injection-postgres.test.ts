// Passthrough injection on PostgreSQL through the Aurora connector's Lambda handler: statements that
// write (DML, DDL, data-modifying CTEs, COPY … TO PROGRAM, locking reads, sequence steps, a DBA's
// SECURITY DEFINER function, dblink, large objects, superuser functions, stacked statements) go
// through system.query as Athena sends it. The connector's role owns the database, so each would
// succeed if it ran: every one must be refused or fail in the READ ONLY transaction, and the
// database is checked afterwards (every table's digest, the relations, the sequence, large
// objects, the file COPY would have made). Session side effects may run but die with the read.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineDriver, inProcessTransport } from '@athena-federation/connector-core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legitimatePassthrough } from './support/forged-split-reads.js';
import {
  expectSessionsClean,
  readOnlyBypasses,
  readingStatements,
  sessionStatements,
  type StatementTargets,
  writingStatements,
} from './support/postgres-statements.js';
import { POSTGRES, POSTGRES_SCHEMA, type PostgresTarget, startPostgresTarget } from './support/targets.js';

let target: PostgresTarget;
let driver: EngineDriver;
let names: StatementTargets;
/** A large object the connector's role owns. */
let largeObject: string;

/** Every relation of the database with its rows' digest, the sequence, and the large objects: what a write would change. */
async function databaseState(): Promise<string> {
  const { rows: relations } = await target.admin.query(
    "SELECT n.nspname || '.' || c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
  );
  const digests: string[] = [];
  for (const { name, kind } of relations as { name: string; kind: string }[]) {
    if (kind !== 'r') continue;
    const [schema, table] = name.split('.');
    const { rows } = await target.admin.query(
      `SELECT count(*) AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest FROM "${schema}"."${table}" t`,
    );
    digests.push(`${name} ${JSON.stringify(rows[0])}`);
  }
  const { rows: sequence } = await target.admin.query(`SELECT last_value, is_called FROM ${names.sequence}`);
  const { rows: objects } = await target.admin.query(
    'SELECT oid::text AS oid, md5(lo_get(oid)) AS digest FROM pg_largeobject_metadata ORDER BY oid',
  );
  return JSON.stringify({ relations, digests, sequence, objects });
}

beforeAll(async () => {
  target = await startPostgresTarget({ table: 'Injection_Patients', rows: 50 });
  driver = new EngineDriver({ transport: inProcessTransport(target.handler), catalogName: 'reliability' });
  names = {
    patients: target.quotedTable,
    other: `"${POSTGRES_SCHEMA}"."Injection_Other"`,
    sequence: `"${POSTGRES_SCHEMA}"."Forged_Counter"`,
    sideEffects: `"${POSTGRES_SCHEMA}"."forged_side_effects"`,
    database: target.database,
    role: target.role,
    copyTarget: join(tmpdir(), `${target.database}-copy-to-program`),
  };
  // As the DBA: a table and a sequence the connector's role owns, dblink installed, and a function
  // running as its superuser owner that writes (it passes any statement check; only READ ONLY stops it).
  for (const sql of [
    `CREATE TABLE ${names.other} (id int PRIMARY KEY, mrn text NOT NULL, pulse numeric NOT NULL, steps bigint NOT NULL)`,
    `INSERT INTO ${names.other} SELECT g, 'OTHER-' || g, g, g FROM generate_series(1, 5) g`,
    `ALTER TABLE ${names.other} OWNER TO ${target.role}`,
    `CREATE SEQUENCE ${names.sequence}`,
    `ALTER SEQUENCE ${names.sequence} OWNER TO ${target.role}`,
    'CREATE EXTENSION dblink',
    `CREATE FUNCTION ${names.sideEffects}() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ INSERT INTO ${names.other} VALUES (100002, 'forged', 1, 1) RETURNING id $$`,
    `GRANT EXECUTE ON FUNCTION ${names.sideEffects}() TO ${target.role}`,
  ])
    await target.admin.query(sql);
  const { rows } = await target.admin.query("SELECT lo_from_bytea(0, '\\x01')::text AS oid");
  largeObject = (rows[0] as { oid: string }).oid;
  await target.admin.query(`ALTER LARGE OBJECT ${largeObject} OWNER TO ${target.role}`);
  await driver.ping();
}, 60_000);

afterAll(async () => {
  await target?.stop();
});

describe('passthrough statements on PostgreSQL', () => {
  it('refuses every writing statement or fails it read-only; the database is unchanged afterwards', async () => {
    const before = await databaseState();
    const codes = new Map<string, number>();
    for (const query of writingStatements(names)) {
      const outcome = await legitimatePassthrough(driver, query);
      expect(outcome, `${query}: ran and returned rows`).not.toHaveProperty('rows');
      const code = 'refused' in outcome ? outcome.refused : '';
      expect(code, query).toMatch(/^[A-Za-z]+Exception$/);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      // Checked after each statement, so a change is pinned on the statement that made it.
      expect(await databaseState(), `${query}: changed the database`).toBe(before);
    }
    expect(existsSync(names.copyTarget), 'COPY … TO PROGRAM ran a program').toBe(false);
    console.info(`[reliability] passthrough injection postgres: ${JSON.stringify(Object.fromEntries(codes))}`);
  });

  it('reads what plain reads ask for, and nothing a session statement sets reaches the next caller', async () => {
    const before = await databaseState();
    for (const query of readingStatements(names))
      expect(await legitimatePassthrough(driver, query), query).toHaveProperty('rows');
    for (const query of sessionStatements()) await legitimatePassthrough(driver, query);
    await expectSessionsClean(driver, target.admin);
    expect(await databaseState()).toBe(before);
  });

  // See readOnlyBypasses: PostgreSQL lets a READ ONLY transaction write large objects. The
  // connector refuses lo_* calls in system.query and ends every read with ROLLBACK.
  for (const index of [0, 1, 2, 3])
    it(`refuses the large-object write #${index} PostgreSQL allows in a READ ONLY transaction`, async () => {
      const query = readOnlyBypasses(largeObject)[index] ?? '';
      const before = await databaseState();
      const outcome = await legitimatePassthrough(driver, query);
      expect(await databaseState(), `${query} (${JSON.stringify(outcome)}) changed the database`).toBe(before);
    });

  // Signalling functions are not writes, so READ ONLY does not stop them: a system.query caller
  // could end every other session of the connector's role (its own pool's, other Lambdas', a
  // DBA's). The connector refuses pg_terminate_backend / pg_cancel_backend calls.
  it('does not let system.query end another session of its role with pg_terminate_backend', async () => {
    const victim = new pg.Client({ ...POSTGRES, user: target.role, database: target.database });
    await victim.connect();
    victim.on('error', () => undefined);
    try {
      const { rows } = await victim.query('SELECT pg_backend_pid() AS pid');
      const pid = (rows[0] as { pid: number }).pid;
      await legitimatePassthrough(driver, `SELECT pg_terminate_backend(${pid}) AS t`);
      const alive = await victim.query('SELECT 1 AS one').then(
        () => true,
        () => false,
      );
      expect(alive, `pg_terminate_backend(${pid}) through system.query ended the session`).toBe(true);
    } finally {
      await victim.end().catch(() => undefined);
    }
  });
});
