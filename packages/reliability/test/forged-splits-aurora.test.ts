// Forged splits through the Aurora connector's Lambda handler on MariaDB. Every split property is
// attacker input at ReadRecords: a hand-written corpus and seeded random property maps (FUZZ_SEED,
// FUZZ_RUNS) — other kinds, keys, bounds, partitions, tables, passthrough statements with side
// effects — go to the real handler. Each must be refused with a clear error (InvalidInput,
// NotFound, OperationNotSupported), or return no more than the legitimate request for the same
// table and constraints returns: rows of that table only, as the source holds them. Afterwards the
// database is unchanged (checksums), no named lock is held, and no session variable set by a
// forged statement is visible to the next caller on a pooled connection.
import type { StringMap } from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport } from '@athena-federation/connector-core/testing';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlannedTable,
  QUERY_FUNCTION,
  forgeRandomSplits,
  forgedSplitChecker,
  legitimatePassthrough as legitimatePassthroughOf,
} from './support/forged-split-reads.js';
import { planReads } from './support/read-all.js';
import { HOSTILE_STRINGS } from './support/request-corpus.js';
import { AURORA_DATABASE, MARIADB, patientRow, startAuroraTarget, type Target } from './support/targets.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1500);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261207);
const ROWS = 300;
const PATIENTS = 'forged_patients';
const PARTS = 'forged_parts';
const OTHER = 'forged_other';
/** Rows of the other table carry this in every text column: it must never come back from a read of another table. */
const OTHER_MARK = 'OTHER-ROW';
const LOCK = 'forged_split_lock';
const qualified = (table: string) => `\`${AURORA_DATABASE}\`.\`${table}\``;

let target: Target;
let disabled: Target;
let driver: EngineDriver;
let plans: Map<string, PlannedTable>;

/** Every table and routine this file creates, with their checksums. */
async function databaseState(): Promise<string> {
  const admin = await createConnection({ ...MARIADB, user: 'root' });
  try {
    const [sums] = await admin.query(
      `CHECKSUM TABLE ${[PATIENTS, PARTS, OTHER, 'forged_disabled'].map(qualified).join(', ')} EXTENDED`,
    );
    const [tables] = await admin.query(
      "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 'forged%' ORDER BY TABLE_NAME",
      [AURORA_DATABASE],
    );
    const [routines] = await admin.query(
      "SELECT ROUTINE_NAME FROM information_schema.routines WHERE ROUTINE_SCHEMA = ? AND ROUTINE_NAME LIKE 'forged%' ORDER BY ROUTINE_NAME",
      [AURORA_DATABASE],
    );
    return JSON.stringify([sums, (tables as { TABLE_NAME: string }[]).map((t) => t.TABLE_NAME), routines]);
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  target = await startAuroraTarget({ table: PATIENTS, rows: ROWS, env: { target_rows_per_split: '100' } });
  disabled = await startAuroraTarget({ table: 'forged_disabled', rows: 20, config: { enableQueryPassthrough: false } });
  const admin = await createConnection({ ...MARIADB, user: 'root' });
  try {
    const columns =
      'id INT PRIMARY KEY, mrn VARCHAR(24) NOT NULL, full_name VARCHAR(80), pulse DECIMAL(9,4) NOT NULL, steps BIGINT NOT NULL';
    await admin.query(`DROP TABLE IF EXISTS ${qualified(PARTS)}, ${qualified(OTHER)}`);
    await admin.query(
      `CREATE TABLE ${qualified(PARTS)} (${columns}) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN (200), PARTITION pmax VALUES LESS THAN MAXVALUE)`,
    );
    const rows = Array.from({ length: ROWS }, (_, i) => patientRow(i)).map((r) => [
      Number(r.id),
      r.mrn,
      r.full_name,
      r.pulse,
      r.steps,
    ]);
    await admin.query(`INSERT INTO ${qualified(PARTS)} VALUES ?`, [rows]);
    await admin.query(`CREATE TABLE ${qualified(OTHER)} (${columns})`);
    await admin.query(`INSERT INTO ${qualified(OTHER)} VALUES ?`, [
      Array.from({ length: 50 }, (_, i) => [i + 1, `${OTHER_MARK}-${i}`, OTHER_MARK, '1.0000', '1']),
    ]);
    await admin.query(`ANALYZE TABLE ${qualified(PATIENTS)}, ${qualified(PARTS)}`);
    // A DBA's function with session side effects: it passes any statement check, so only a connection
    // that ends with the read keeps its variable and its lock from the next caller.
    await admin.query('DROP FUNCTION IF EXISTS `reliability_fuzz`.`forged_side_effects`');
    await admin.query(
      `CREATE FUNCTION \`reliability_fuzz\`.\`forged_side_effects\`() RETURNS INT NO SQL BEGIN SET @forged_by_function := 'leaked'; RETURN GET_LOCK('${LOCK}', 0); END`,
    );
    for (const host of ['%', 'localhost', '127.0.0.1'])
      await admin.query(
        `GRANT EXECUTE ON FUNCTION \`reliability_fuzz\`.\`forged_side_effects\` TO 'reliability_fuzz'@'${host}'`,
      );
  } finally {
    await admin.end();
  }
  driver = new EngineDriver({ transport: inProcessTransport(target.handler), catalogName: 'reliability' });
  plans = new Map();
  for (const table of [PATIENTS, PARTS])
    plans.set(table, await planReads(driver, { ...target, table: { schemaName: AURORA_DATABASE, tableName: table } }));
}, 60_000);

afterAll(async () => {
  await target?.stop();
  await disabled?.stop();
});

/**
 * Whether a named lock taken by a statement is free again. The lock dies with its session, which
 * the server ends a moment after the connector closes the connection: polled for up to 2 s.
 */
async function lockFree(): Promise<boolean> {
  const admin = await createConnection({ ...MARIADB, user: 'root' });
  try {
    for (let attempt = 0; attempt < 40; attempt++) {
      const [rows] = await admin.query('SELECT IS_USED_LOCK(?) AS holder', [LOCK]);
      if ((rows as { holder: unknown }[])[0]?.holder === null) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  } finally {
    await admin.end();
  }
}

const legitimatePassthrough = (query: string) => legitimatePassthroughOf(driver, query);

/** Statements a passthrough split may carry: reads, and statements with effects beyond their own result. */
const STATEMENTS = [
  `SELECT id, mrn FROM ${qualified(PATIENTS)} WHERE id <= 3`,
  "SELECT @forged_var := 'leaked' AS v",
  `SELECT GET_LOCK('${LOCK}', 0) AS l`,
  'SELECT `reliability_fuzz`.`forged_side_effects`() AS f',
  `SELECT id FROM ${qualified(PATIENTS)} FOR UPDATE`,
  `SELECT id FROM ${qualified(PATIENTS)} LOCK IN SHARE MODE`,
  `SELECT id FROM ${qualified(PATIENTS)} FOR SHARE`,
  'SELECT 1 INTO @forged_var',
  "SELECT 1 INTO OUTFILE '/tmp/forged-split'",
  "SELECT 1 INTO DUMPFILE '/tmp/forged-split'",
  `SELECT 1; DROP TABLE ${qualified(OTHER)}`,
  `SELECT 1 AS x) AS y; DELETE FROM ${qualified(PATIENTS)}; -- `,
  `/*!99999 DELETE FROM ${qualified(PATIENTS)} */ SELECT 1`,
  `DELETE FROM ${qualified(PATIENTS)}`,
  `UPDATE ${qualified(PATIENTS)} SET mrn = 'x'`,
  `SELECT LAST_INSERT_ID(42) AS l`,
  `SELECT RELEASE_ALL_LOCKS() AS r`,
  `SELECT id, mrn, full_name, pulse, steps FROM ${qualified(OTHER)}`,
];

describe('forged splits through the Aurora handler', () => {
  it(`refuse or read no more than the legitimate request: corpus and ${RUNS} random property maps (seed ${SEED})`, {
    timeout: 240_000,
  }, async () => {
    const before = await databaseState();
    await driver.ping();
    const patients = plans.get(PATIENTS)?.splits.map((s) => s.properties) ?? [];
    const parts = plans.get(PARTS)?.splits.map((s) => s.properties) ?? [];
    expect(patients.length).toBeGreaterThan(1);
    expect(parts.map((p) => p['partition'])).toEqual(['p0', 'p1', 'pmax']);

    const checker = forgedSplitChecker({
      planner: driver,
      schemaName: AURORA_DATABASE,
      plans,
      allowedIds: new Set(Array.from({ length: ROWS }, (_, i) => i + 1)),
      otherMark: OTHER_MARK,
      async sessionReleased(label) {
        expect(await lockFree(), `${label}: left a named lock held by a pooled connection`).toBe(true);
      },
    });
    const { check, counts } = checker;

    // The corpus: each names what it forges.
    const first = patients[0] ?? {};
    const partitionSplit = parts[0] ?? {};
    const table: [string, StringMap, boolean][] = [
      ['no properties', {}, true],
      ['unknown kind', { ...first, kind: 'everything' }, true],
      ['passthrough kind without passthrough arguments', { kind: 'passthrough' }, true],
      ['a range on a column that is not the split key', { ...first, key: 'steps' }, true],
      ['a range on a text column', { ...first, key: 'mrn' }, true],
      ['a range on a missing column', { ...first, key: 'nope' }, true],
      ['a bound beyond BIGINT', { ...first, low: '18446744073709551615' }, true],
      ['a bound below BIGINT', { ...first, low: '-9223372036854775809' }, true],
      ['a bound that is not an integer', { ...first, low: '1e3' }, true],
      ['a bound with SQL', { ...first, low: '1) OR (1=1' }, true],
      ['bounds in the wrong order', { ...first, low: '200', high: '100' }, true],
      [
        'a NULL split on a key that holds no NULL',
        {
          kind: 'null',
          key: first['key'] ?? 'id',
          ...(first['schema'] === undefined ? {} : { schema: first['schema'], table: first['table'] ?? '' }),
        },
        true,
      ],
      ['an unknown property', { ...first, where: '1=1' }, true],
      ['a prototype property', { ...first, ['__proto__']: 'x' }, true],
      ['another table named in the split', { ...first, table: OTHER }, true],
      ['another schema named in the split', { ...first, schema: 'mysql' }, true],
      [
        'a partition on an unpartitioned table',
        {
          ...partitionSplit,
          ...(first['schema'] === undefined ? {} : { schema: first['schema'], table: first['table'] ?? '' }),
        },
        true,
      ],
    ];
    for (const [label, properties, mustRefuse] of table)
      await check(driver, PATIENTS, properties, {}, `patients: ${label}`, mustRefuse);
    const partitions: [string, StringMap, boolean][] = [
      ['a partition of another table', { ...partitionSplit, partition: 'p_other' }, true],
      ['two partitions in one name', { ...partitionSplit, partition: 'p0,p1' }, true],
      ['a partition name with SQL', { ...partitionSplit, partition: 'p0`) UNION SELECT 1 -- ' }, true],
      [
        'a range split on a partitioned table',
        {
          ...first,
          ...(partitionSplit['schema'] === undefined
            ? {}
            : { schema: partitionSplit['schema'], table: partitionSplit['table'] ?? '' }),
        },
        true,
      ],
      [
        'a whole-table split on a partitioned table',
        {
          kind: 'all',
          ...(partitionSplit['schema'] === undefined
            ? {}
            : { schema: partitionSplit['schema'], table: partitionSplit['table'] ?? '' }),
        },
        true,
      ],
      [
        'the partitions split of a bound it does not hold (pruning data only)',
        { ...partitionSplit, low: '250' },
        false,
      ],
    ];
    for (const [label, properties, mustRefuse] of partitions)
      await check(driver, PARTS, properties, {}, `parts: ${label}`, mustRefuse);

    // Passthrough: the split must be a passthrough split, the function this connector's, the statement one read-only query.
    for (const query of [...STATEMENTS, ...HOSTILE_STRINGS]) {
      const args = { schemaFunctionName: QUERY_FUNCTION, QUERY: query };
      const legit = await legitimatePassthrough(query);
      await check(
        driver,
        PATIENTS,
        { kind: 'passthrough' },
        args,
        `passthrough ${JSON.stringify(query.slice(0, 60))}`,
        'refused' in legit,
      );
      await check(
        driver,
        PATIENTS,
        first,
        args,
        `a table split carrying passthrough ${JSON.stringify(query.slice(0, 60))}`,
        true,
      );
      await check(
        driver,
        PATIENTS,
        { kind: 'passthrough' },
        { ...args, schemaFunctionName: 'SYSTEM.OTHER' },
        `another function's arguments ${JSON.stringify(query.slice(0, 60))}`,
        true,
      );
      await check(
        driver,
        PATIENTS,
        { kind: 'passthrough' },
        { QUERY: query },
        `no function name ${JSON.stringify(query.slice(0, 60))}`,
        true,
      );
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
      { schemaFunctionName: QUERY_FUNCTION, QUERY: STATEMENTS[0] ?? '' },
      'passthrough while enable_query_passthrough=false',
      true,
    );

    // Random property maps: legitimate values, other tables' values and hostile ones, under legitimate and made-up names.
    const names = [
      'kind',
      'key',
      'low',
      'high',
      'partition',
      'values',
      'nulls',
      'schema',
      'table',
      'query',
      'sql',
      'where',
      'constructor',
    ];
    const runs = await forgeRandomSplits({
      seed: SEED,
      runs: RUNS,
      tables: [PATIENTS, PARTS],
      issued: [...patients, ...parts],
      names: names,
      values: [
        'all',
        'range',
        'null',
        'partition',
        'passthrough',
        'id',
        'steps',
        'mrn',
        OTHER,
        PARTS,
        'p0',
        'pmax',
        '0',
        '-1',
        '99',
        '9223372036854775807',
        '9223372036854775808',
        '-9223372036854775808',
      ],
      check: (table, properties, label) => check(driver, table, properties, {}, label, false),
    });

    // Nothing outlives a read: the database, named locks, and session variables on pooled connections.
    expect(await databaseState()).toBe(before);
    const admin = await createConnection({ ...MARIADB, user: 'root' });
    try {
      const [locks] = await admin.query('SELECT IS_USED_LOCK(?) AS holder', [LOCK]);
      expect((locks as { holder: unknown }[])[0]?.holder, 'a forged statement left a named lock held').toBeNull();
    } finally {
      await admin.end();
    }
    const seen = await Promise.all(
      Array.from({ length: 12 }, () => legitimatePassthrough('SELECT @forged_var AS v, @forged_by_function AS f')),
    );
    for (const outcome of seen) expect(outcome).toEqual({ rows: [[null, null]] });
    console.info(
      `[reliability] forged splits aurora: ${JSON.stringify({ seed: SEED, randomRuns: runs, corpus: table.length + partitions.length + 4 * (STATEMENTS.length + HOSTILE_STRINGS.length) + 1, counts: Object.fromEntries([...counts].sort()) })}`,
    );
  });
});
