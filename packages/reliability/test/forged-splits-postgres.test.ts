// Forged splits through the Aurora connector's Lambda handler on PostgreSQL. Every split property is
// attacker input at ReadRecords: a corpus (other kinds, keys, bounds, leaf partitions of other
// tables and schemas, names with SQL, a passthrough statement smuggled into a table split) and
// seeded random property maps (FUZZ_SEED, FUZZ_RUNS). Each must be refused with a clear error, or
// read no more than the legitimate request: that table's rows only, as the source holds them; a
// passthrough split no more than the same statement through the legitimate flow. Afterwards every
// table's digest and the relations are unchanged, and no setting or advisory lock outlives a read.
import type { StringMap } from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport } from '@athena-federation/connector-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlannedTable,
  QUERY_FUNCTION,
  forgeRandomSplits,
  forgedSplitChecker,
  legitimatePassthrough,
} from './support/forged-split-reads.js';
import { planReads } from './support/read-all.js';
import {
  advisoryLockFree,
  expectSessionsClean,
  readingStatements,
  sessionStatements,
  type StatementTargets,
  writingStatements,
} from './support/postgres-statements.js';
import { HOSTILE_STRINGS } from './support/request-corpus.js';
import { POSTGRES_SCHEMA, type PostgresTarget, patientRow, startPostgresTarget } from './support/targets.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1500);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261207);
const ROWS = 300;
/** Athena's lower-cased names of the tables (PostgreSQL's are mixed case). */
const PATIENTS = 'forged_patients';
const PARTS = 'forged_parts';
/** Rows of every other relation carry this: it must never come back from a read of the request's table. */
const OTHER_MARK = 'OTHER-ROW';
const S = `"${POSTGRES_SCHEMA}"`;

let target: PostgresTarget;
let disabled: PostgresTarget;
let driver: EngineDriver;
let plans: Map<string, PlannedTable>;
let names: StatementTargets;

/** Every relation of the database with its rows' digest: what a forged write would change. */
async function databaseState(): Promise<string> {
  const { rows } = await target.admin.query(
    "SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1",
  );
  const digests: unknown[] = [];
  for (const { name, kind } of rows as { name: string; kind: string }[])
    if (kind === 'r')
      digests.push(
        (await target.admin.query(`SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS d FROM ${name} t`)).rows[0],
      );
  const { rows: sequence } = await target.admin.query(`SELECT last_value FROM ${names.sequence}`);
  return JSON.stringify([rows, digests, sequence]);
}

beforeAll(async () => {
  target = await startPostgresTarget({ table: 'Forged_Patients', rows: ROWS, env: { target_rows_per_split: '100' } });
  disabled = await startPostgresTarget({
    table: 'Forged_Patients',
    rows: 20,
    config: { enableQueryPassthrough: false },
  });
  names = {
    patients: target.quotedTable,
    other: `${S}."Forged_Other"`,
    sequence: `${S}."Forged_Counter"`,
    sideEffects: `${S}."forged_side_effects"`,
    database: target.database,
    role: target.role,
    copyTarget: `/tmp/${target.database}-copy-to-program`,
  };
  const columns = 'id int, mrn text NOT NULL, "Full_Name" text, pulse numeric(9,4) NOT NULL, steps bigint NOT NULL';
  const other = `SELECT g, '${OTHER_MARK}-' || g, '${OTHER_MARK}', 1, 1 FROM generate_series(1, 50) g`;
  for (const sql of [
    // A partitioned table holding the fixture, one leaf in another schema; an unrelated partitioned
    // table; another table, and a table of the same name in another schema, both of other rows.
    `CREATE SCHEMA "Secret" AUTHORIZATION ${target.role}`,
    `CREATE TABLE ${S}."Forged_Parts" (${columns}) PARTITION BY RANGE (id)`,
    `CREATE TABLE ${S}."Parts_Low" PARTITION OF ${S}."Forged_Parts" FOR VALUES FROM (MINVALUE) TO (100)`,
    `CREATE TABLE ${S}."Parts_Mid" PARTITION OF ${S}."Forged_Parts" FOR VALUES FROM (100) TO (200)`,
    `CREATE TABLE "Secret"."Parts_High" PARTITION OF ${S}."Forged_Parts" FOR VALUES FROM (200) TO (MAXVALUE)`,
    `INSERT INTO ${S}."Forged_Parts" SELECT id, mrn, "Full_Name", pulse, steps FROM ${target.quotedTable}`,
    `CREATE TABLE ${S}."Unrelated" (${columns}) PARTITION BY RANGE (id)`,
    `CREATE TABLE ${S}."Unrelated_All" PARTITION OF ${S}."Unrelated" FOR VALUES FROM (MINVALUE) TO (MAXVALUE)`,
    `INSERT INTO ${S}."Unrelated" ${other}`,
    `CREATE TABLE ${names.other} (${columns}, PRIMARY KEY (id))`,
    `INSERT INTO ${names.other} ${other}`,
    `CREATE TABLE "Secret"."Forged_Patients" (${columns}, PRIMARY KEY (id))`,
    `INSERT INTO "Secret"."Forged_Patients" ${other}`,
    `CREATE SEQUENCE ${names.sequence}`,
    `CREATE FUNCTION ${names.sideEffects}() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ INSERT INTO ${names.other} VALUES (100002, 'forged', NULL, 1, 1) RETURNING id $$`,
    `GRANT EXECUTE ON FUNCTION ${names.sideEffects}() TO ${target.role}`,
  ])
    await target.admin.query(sql);
  for (const table of [
    `${S}."Forged_Parts"`,
    `${S}."Parts_Low"`,
    `${S}."Parts_Mid"`,
    `"Secret"."Parts_High"`,
    `${S}."Unrelated"`,
    `${S}."Unrelated_All"`,
    names.other,
    '"Secret"."Forged_Patients"',
    names.sequence,
  ])
    await target.admin.query(`ALTER TABLE ${table} OWNER TO ${target.role}`);
  driver = new EngineDriver({ transport: inProcessTransport(target.handler), catalogName: 'reliability' });
  plans = new Map();
  for (const table of [PATIENTS, PARTS])
    plans.set(
      table,
      await planReads(driver, { ...target, table: { schemaName: target.table.schemaName, tableName: table } }),
    );
}, 60_000);

afterAll(async () => {
  await target?.stop();
  await disabled?.stop();
});

describe('forged splits through the Aurora handler on PostgreSQL', () => {
  it(`refuse or read no more than the legitimate request: corpus and ${RUNS} random property maps (seed ${SEED})`, {
    timeout: 300_000,
  }, async () => {
    const before = await databaseState();
    await driver.ping();
    const patients = plans.get(PATIENTS)?.splits.map((s) => s.properties) ?? [];
    const parts = plans.get(PARTS)?.splits.map((s) => s.properties) ?? [];
    expect(patients.length).toBeGreaterThan(1);
    expect(parts.map((p) => `${p['partition_schema']}.${p['partition']}`).sort()).toEqual([
      'Reliability.Parts_Low',
      'Reliability.Parts_Mid',
      'Secret.Parts_High',
    ]);

    const checker = forgedSplitChecker({
      planner: driver,
      schemaName: target.table.schemaName,
      plans,
      allowedIds: new Set(Array.from({ length: ROWS }, (_, i) => Number(patientRow(i).id))),
      otherMark: OTHER_MARK,
      async sessionReleased(label) {
        expect(await advisoryLockFree(target.admin), `${label}: left an advisory lock held`).toBe(true);
      },
    });
    const { check, counts } = checker;

    const first = patients[0] ?? {};
    const leaf = parts[0] ?? {};
    const own = { schema: first['schema'] ?? '', table: first['table'] ?? '' };
    const partsOwn = { schema: leaf['schema'] ?? '', table: leaf['table'] ?? '' };
    const corpus: [string, string, StringMap, boolean][] = [
      [PATIENTS, 'no properties', {}, true],
      [PATIENTS, 'unknown kind', { ...first, kind: 'everything' }, true],
      [PATIENTS, "MySQL's partition kind", { kind: 'partition', ...own, partition: 'Parts_Low' }, true],
      [PATIENTS, 'passthrough kind without passthrough arguments', { kind: 'passthrough' }, true],
      [PATIENTS, 'a range on a column that is not the split key', { ...first, key: 'steps' }, true],
      [PATIENTS, 'a range on a mixed-case text column', { ...first, key: 'Full_Name' }, true],
      [PATIENTS, 'a range on a missing column', { ...first, key: 'nope' }, true],
      [PATIENTS, 'a bound beyond int8', { ...first, low: '9223372036854775808' }, true],
      [PATIENTS, 'a bound that is not an integer', { ...first, low: '1e3' }, true],
      [PATIENTS, 'a bound with SQL', { ...first, low: '1) OR (1=1' }, true],
      [PATIENTS, 'a bound with a cast', { ...first, low: "1'::int8 OR true --" }, true],
      [PATIENTS, 'bounds in the wrong order', { ...first, low: '200', high: '100' }, true],
      [PATIENTS, 'a NULL split on a key that holds no NULL', { kind: 'null', ...own, key: 'id' }, true],
      [PATIENTS, 'an unknown property', { ...first, where: '1=1' }, true],
      [PATIENTS, 'a prototype property', { ...first, ['__proto__']: 'x' }, true],
      [PATIENTS, 'another table named in the split', { ...first, table: 'Forged_Other' }, true],
      [PATIENTS, 'the same table name in another schema', { ...first, schema: 'Secret' }, true],
      [PATIENTS, 'a catalog table', { ...first, schema: 'pg_catalog', table: 'pg_authid' }, true],
      [PATIENTS, 'another database as the schema', { ...first, schema: 'postgres' }, true],
      [PATIENTS, 'a leaf partition split on an unpartitioned table', { ...leaf, ...own }, true],
      [PARTS, 'a leaf of another partitioned table', { ...leaf, partition: 'Unrelated_All' }, true],
      [PARTS, 'a plain table as the leaf', { ...leaf, partition: 'Forged_Other' }, true],
      [
        PARTS,
        'a table of another schema as the leaf',
        { ...leaf, partition_schema: 'Secret', partition: 'Forged_Patients' },
        true,
      ],
      [
        PARTS,
        "a leaf under another schema's name",
        { ...leaf, partition_schema: 'Secret', partition: 'Parts_Low' },
        true,
      ],
      [PARTS, 'the partitioned table itself as the leaf', { ...leaf, partition: 'Forged_Parts' }, true],
      [
        PARTS,
        'a leaf name with SQL',
        { ...leaf, partition: 'Parts_Low" UNION SELECT * FROM "Secret"."Forged_Patients" --' },
        true,
      ],
      [PARTS, 'a leaf split naming another table', { ...leaf, table: 'Unrelated' }, true],
      [PARTS, 'a leaf split with a bound', { ...leaf, low: '250' }, true],
      [PARTS, 'a range split on a partitioned table', { ...first, ...partsOwn }, true],
      [PARTS, 'a whole-table split on a partitioned table', { kind: 'all', ...partsOwn }, true],
      [PARTS, 'a leaf split of another leaf of the same table (Athena pruned it)', parts[1] ?? {}, false],
    ];
    for (const [table, label, properties, mustRefuse] of corpus)
      await check(driver, table, properties, {}, `${table}: ${label}`, mustRefuse);

    // Passthrough: the split must be the passthrough split, the function this connector's, the statement one read.
    const statements = [
      ...readingStatements(names),
      ...writingStatements(names),
      ...sessionStatements(),
      ...HOSTILE_STRINGS,
    ];
    for (const query of statements) {
      const args = { schemaFunctionName: QUERY_FUNCTION, QUERY: query };
      const short = JSON.stringify(query.slice(0, 60));
      const legit = await legitimatePassthrough(driver, query);
      await check(
        driver,
        PATIENTS,
        { kind: 'passthrough' },
        args,
        `passthrough ${short}`,
        'refused' in legit,
        'refused' in legit ? legit.refused : undefined,
      );
      await check(driver, PATIENTS, first, args, `a table split carrying passthrough ${short}`, true);
      await check(driver, PARTS, leaf, args, `a leaf split carrying passthrough ${short}`, true);
      await check(
        driver,
        PATIENTS,
        { kind: 'passthrough' },
        { ...args, schemaFunctionName: 'SYSTEM.OTHER' },
        `another function's arguments ${short}`,
        true,
      );
      await check(driver, PATIENTS, { kind: 'passthrough' }, { QUERY: query }, `no function name ${short}`, true);
    }
    const disabledDriver = new EngineDriver({
      transport: inProcessTransport(disabled.handler),
      catalogName: 'reliability',
    });
    await disabledDriver.ping();
    await check(
      disabledDriver,
      PATIENTS,
      { kind: 'passthrough' },
      { schemaFunctionName: QUERY_FUNCTION, QUERY: readingStatements(names)[0] ?? '' },
      'passthrough while enable_query_passthrough=false',
      true,
    );

    // Random property maps: legitimate values, other relations' names and hostile ones, under legitimate and made-up names.
    const propertyNames = [
      'kind',
      'key',
      'low',
      'high',
      'schema',
      'table',
      'partition_schema',
      'partition',
      'query',
      'where',
      'constructor',
    ];
    const runs = await forgeRandomSplits({
      seed: SEED,
      runs: RUNS,
      tables: [PATIENTS, PARTS],
      issued: [...patients, ...parts],
      names: propertyNames,
      values: [
        'all',
        'range',
        'null',
        'partition',
        'pg_partition',
        'passthrough',
        'id',
        'steps',
        'Full_Name',
        'Secret',
        'pg_catalog',
        'Forged_Other',
        'Forged_Patients',
        'Forged_Parts',
        'Unrelated',
        'Unrelated_All',
        'Parts_Low',
        'Parts_High',
        '0',
        '-1',
        '99',
        '9223372036854775807',
        '-9223372036854775808',
      ],
      check: (table, properties, label) => check(driver, table, properties, {}, label, false),
    });

    // Nothing outlives a read: the database, advisory locks, and settings on pooled connections.
    expect(await databaseState()).toBe(before);
    await expectSessionsClean(driver, target.admin);
    console.info(
      `[reliability] forged splits postgres: ${JSON.stringify({ seed: SEED, randomRuns: runs, corpus: corpus.length + 5 * statements.length + 1, counts: Object.fromEntries([...counts].sort()) })}`,
    );
  });
});
