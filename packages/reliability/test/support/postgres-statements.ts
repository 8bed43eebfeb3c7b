/**
 * Passthrough statements an attacker may send to a PostgreSQL catalog, built on one target's names:
 * writes of every kind (DML, DDL, data-modifying CTEs, `COPY … TO PROGRAM`, locking reads, sequence
 * steps, a DBA's SECURITY DEFINER function that writes, `dblink_exec`, large-object import,
 * superuser-only functions, stacked statements) and session side effects (settings, advisory locks)
 * that must die with the read. Shared by the injection and forged-split suites, with the checks
 * that nothing a session statement did reaches the next caller.
 */
import type { EngineDriver } from '@athena-federation/connector-core/testing';
import type pg from 'pg';
import { expect } from 'vitest';
import { legitimatePassthrough } from './forged-split-reads.js';

/** The names the statements aim at, all of one PostgreSQL target's database. */
export interface StatementTargets {
  /** Quoted schema-qualified tables: the fixture's, and another one. */
  readonly patients: string;
  readonly other: string;
  /** A quoted schema-qualified sequence. */
  readonly sequence: string;
  /** A quoted schema-qualified SECURITY DEFINER function that inserts a row into `other`. */
  readonly sideEffects: string;
  readonly database: string;
  readonly role: string;
  /** A path `COPY … TO PROGRAM` would create. */
  readonly copyTarget: string;
}

/** The advisory lock key and setting name the session statements take. */
export const FORGED_LOCK = 4242;
export const FORGED_SETTING = 'forged.var';

/** Statements that change the database or the server, or ask for more than a read: each must be refused or fail. */
export function writingStatements(t: StatementTargets): string[] {
  const dblink = `host=127.0.0.1 dbname=${t.database} user=${t.role}`;
  return [
    `INSERT INTO ${t.patients} (id, mrn, pulse, steps) VALUES (100000, 'forged', 1, 1)`,
    `UPDATE ${t.patients} SET mrn = 'forged'`,
    `DELETE FROM ${t.patients}`,
    `TRUNCATE ${t.other}`,
    `DROP TABLE ${t.other}`,
    'CREATE TABLE "Reliability"."Forged_New" AS SELECT 1 AS x',
    `ALTER TABLE ${t.patients} ADD COLUMN forged int`,
    `WITH gone AS (DELETE FROM ${t.patients} RETURNING id) SELECT id FROM gone`,
    `WITH changed AS (UPDATE ${t.patients} SET steps = 0 RETURNING id) SELECT id FROM changed`,
    `WITH added AS (INSERT INTO ${t.other} (id, mrn, pulse, steps) VALUES (100001, 'forged', 1, 1) RETURNING id) SELECT id FROM added`,
    `COPY (SELECT 1) TO PROGRAM 'touch ${t.copyTarget}'`,
    `SELECT 1 AS x) AS y; COPY (SELECT 1) TO PROGRAM 'touch ${t.copyTarget}'; --`,
    `SELECT id FROM ${t.patients} FOR UPDATE`,
    `SELECT id FROM ${t.patients} FOR NO KEY UPDATE`,
    `SELECT id FROM ${t.patients} FOR SHARE`,
    `SELECT nextval('${t.sequence}') AS n`,
    `SELECT setval('${t.sequence}', 99) AS n`,
    `SELECT ${t.sideEffects}() AS f`,
    `SELECT dblink_exec('${dblink}', 'DELETE FROM ${t.patients.replaceAll("'", "''")}') AS d`,
    `SELECT * FROM dblink('${dblink}', 'WITH g AS (DELETE FROM ${t.patients.replaceAll("'", "''")} RETURNING id) SELECT id FROM g') AS d(id int)`,
    "SELECT lo_import('/etc/hostname') AS o",
    "SELECT pg_read_file('/etc/hostname') AS f",
    'SELECT pg_reload_conf() AS r',
    "SELECT set_config('transaction_read_only', 'off', true) AS v",
    `SELECT 1; DELETE FROM ${t.patients}`,
    `SELECT 1 AS x) AS y; DELETE FROM ${t.patients}; --`,
    `SELECT 1 AS x) AS y; COMMIT; BEGIN; DELETE FROM ${t.patients}; --`,
    `SELECT 1 AS x) AS y; ROLLBACK; DELETE FROM ${t.patients}; SELECT (1`,
    `EXPLAIN ANALYZE DELETE FROM ${t.patients}`,
    `CALL ${t.sideEffects}()`,
    `DO $$ BEGIN DELETE FROM ${t.patients}; END $$`,
    `PREPARE forged AS DELETE FROM ${t.patients}`,
    `LOCK TABLE ${t.patients} IN ACCESS EXCLUSIVE MODE`,
    'VACUUM',
    `NOTIFY forged, 'x'`,
  ];
}

/**
 * Writes PostgreSQL 15 lets through a READ ONLY transaction: the large-object functions create,
 * overwrite and delete large objects without the read-only check (`lo_open(INV_WRITE)` has one;
 * these do not). `largeObject` is the OID of a large object the connector's role owns.
 * KNOWN BUG of the PostgreSQL passthrough: the connector does not refuse them, so they commit.
 */
export function readOnlyBypasses(largeObject: string): string[] {
  return [
    "SELECT lo_from_bytea(0, '\\x00') AS o",
    'SELECT lo_create(0) AS o',
    `SELECT lo_put(${largeObject}, 0, '\\x66') AS o`,
    `SELECT lo_unlink(${largeObject}) AS o`,
  ];
}

/** Statements that only touch their own session: they may run, but nothing they set may reach the next caller. */
export function sessionStatements(): string[] {
  return [
    `SELECT set_config('${FORGED_SETTING}', 'leaked', false) AS v`,
    "SELECT set_config('search_path', 'pg_temp, \"Reliability\"', false) AS v",
    `SELECT pg_try_advisory_lock(${FORGED_LOCK}) AS l`,
    `SELECT pg_advisory_lock(${FORGED_LOCK}) AS l`,
  ];
}

/** Plain reads: through the legitimate flow they return rows, and a forged split may return no more. */
export function readingStatements(t: StatementTargets): string[] {
  return [`SELECT id, mrn FROM ${t.patients} WHERE id <= 3`, `SELECT id, mrn, steps FROM ${t.other}`];
}

/**
 * Whether the advisory lock {@link sessionStatements} take is free again: the session holding it
 * ends a moment after the connector closes its connection, so this polls for up to 2 s.
 */
export async function advisoryLockFree(admin: pg.Client): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const { rows } = await admin.query(
      `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = ${FORGED_LOCK}`,
    );
    if ((rows[0] as { n: string }).n === '0') return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * Asserts no advisory lock is held and no setting made by {@link sessionStatements} is seen by
 * the next callers (several at once, so pooled connections other than the first are asked too).
 */
export async function expectSessionsClean(driver: EngineDriver, admin: pg.Client): Promise<void> {
  expect(await advisoryLockFree(admin), 'an advisory lock taken by a passthrough read is still held').toBe(true);
  const query = `SELECT current_setting('${FORGED_SETTING}', true) AS v, current_setting('search_path') AS p`;
  const seen = await Promise.all(Array.from({ length: 8 }, () => legitimatePassthrough(driver, query)));
  for (const outcome of seen) expect(outcome).toEqual({ rows: [[null, '"$user", public']] });
}
