/**
 * Differential pushdown test against the real MariaDB: a small table holding every column type of
 * the type matrix is read unfiltered once through the Lambda handler; then thousands of random
 * queries (summaries of SortedRangeSet / EquatableValueSet / AllOrNone sets, V4 expressions over
 * every advertised function, LIMIT, ORDER BY … LIMIT) go through warm handlers as Athena sends
 * them (GetSplits, ReadRecords per split; four in five read the table as one split, the rest as two
 * key ranges, each applying LIMIT and top-N itself), and their answer — after Athena's
 * own filter, LIMIT and top-N over what the splits return — must equal the oracle's: the unfiltered
 * rows filtered and ordered here with Athena's semantics (support/value-set-oracle.ts,
 * support/expression-oracle.ts). Besides, core must have dropped every row the summary excludes,
 * and a set of expressions the connector translated whole must have selected exactly its rows.
 *
 * FUZZ_SEED picks the run (printed), FUZZ_RUNS the number of cases (default 10,000), FUZZ_CASE one
 * case of a run to replay: `FUZZ_SEED=… FUZZ_RUNS=100000 pnpm vitest run packages/connector-aurora/test/pushdown-differential.test.ts`.
 */
import { readValue } from '@athena-federation/connector-core';
import type { Block, FederationExpression, GetTableResponse } from '@athena-federation/connector-core';
import { type EngineDriver, makeConstraints } from '@athena-federation/connector-core/testing';
import { type DataType, Schema } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateExpressions } from '../src/aurora-expression.js';
import { columnLookup } from '../src/aurora-sql.js';
import { type MappedColumn, mapColumn } from '../src/aurora-types.js';
import { type AuroraConnector, createAuroraConnector } from '../src/index.js';
import {
  type CaseColumn,
  type CaseRecipe,
  caseArbitrary,
  expressionOf,
  orderByOf,
  valueSetOf,
} from './support/differential-cases.js';
import { DIFFERENTIAL_COLUMNS, createDifferentialTable } from './support/differential-table.js';
import { ensureSpillBucket, engineFor } from './support/engine.js';
import { AthenaQueryFailure, evaluate } from './support/expression-oracle.js';
import { type TestDatabase, createTestDatabase } from './support/mariadb.js';
import { type Scalar, compareScalars, rowOrder, setContains } from './support/value-set-oracle.js';
import { edgeConstants } from './support/edge-constants.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261207);
const ONLY = process.env['FUZZ_CASE'] === undefined ? undefined : Number(process.env['FUZZ_CASE']);
/** Cases in flight at once on the one warm handler (the server's round trips overlap). */
const CONCURRENCY = 6;
/** Rows of the table: one split, or two key ranges of 24 through the second handler. */
const ROWS = 48;
const TABLE = 'matrix';

type Row = Readonly<Record<string, Scalar>>;

let db: TestDatabase;
/** The handlers: the table read as one split, and as two key-range splits. */
let connectors: AuroraConnector[] = [];
let drivers: EngineDriver[] = [];
let table: GetTableResponse;
let types: Map<string, DataType>;
let truth: Map<number, Row>;
let mapped: MappedColumn[];
let layout: Block;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureSpillBucket();
  await createDifferentialTable(db.pool, TABLE, ROWS, SEED);
  const env = { ...db.env, decimal_precision_overflow: 'varchar', pool_connection_limit: String(CONCURRENCY + 2) };
  connectors = [
    createAuroraConnector({ env }),
    createAuroraConnector({ env: { ...env, target_rows_per_split: String(ROWS / 2) } }),
  ];
  drivers = connectors.map((c) => engineFor(c));
  for (const d of drivers) await d.ping();
  const driver = drivers[0] as EngineDriver;
  table = await driver.getTable({ schemaName: db.name, tableName: TABLE });
  types = new Map(table.schema.fields.map((f) => [f.name, f.type]));
  layout = await driver.getTableLayout(table, makeConstraints());
  expect((await (drivers[1] as EngineDriver).scan(table.tableName)).splits).toBe(2);
  const scan = await driver.scan(table.tableName);
  expect(scan.splits).toBe(1);
  truth = new Map();
  for (const batch of scan.table.batches) {
    for (let r = 0; r < batch.numRows; r++) {
      const row = Object.fromEntries(
        batch.schema.fields.map((f, c) => [
          f.name,
          readValue(batch.getChildAt(c) ?? (undefined as never), r) as Scalar,
        ]),
      );
      truth.set(Number(row['id']), row);
    }
  }
  expect(truth.size).toBe(ROWS);
  // The columns as the connector maps them, to tell which expression sets it translates whole.
  const [info] = await db.pool.query(
    'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, NUMERIC_PRECISION AS p, NUMERIC_SCALE AS s, CHARACTER_SET_NAME AS cs, CHARACTER_MAXIMUM_LENGTH AS chars, CHARACTER_OCTET_LENGTH AS bytes FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [db.name, TABLE],
  );
  mapped = (info as Record<string, string | null>[]).map((c) =>
    mapColumn(
      {
        name: String(c['name']),
        dataType: String(c['dataType']),
        columnType: String(c['columnType']),
        numericPrecision: c['p'] === null ? null : Number(c['p']),
        numericScale: c['s'] === null ? null : Number(c['s']),
        nullable: true,
        text: {
          characterSet: c['cs'] ?? null,
          maxChars: c['chars'] === null ? null : Number(c['chars']),
          maxBytes: c['bytes'] === null ? null : Number(c['bytes']),
        },
      },
      { decimalOverflow: 'varchar' },
      TABLE,
    ),
  );
}, 120_000);

afterAll(async () => {
  for (const c of connectors) await c.close();
  await db?.drop();
});

/** Reads one case as Athena would: splits, every split with the case's projection. */
async function run(recipe: CaseRecipe, expression: readonly FederationExpression[]): Promise<Row[]> {
  const driver = drivers[recipe.twoSplits ? 1 : 0] as EngineDriver;
  const summary = Object.fromEntries(
    recipe.summary.map((s) => [s.column, valueSetOf(s.set, types.get(s.column) as DataType)]),
  );
  const constraints = makeConstraints({
    summary,
    expression: [...expression],
    orderByClause: orderByOf(recipe.order),
    limit: recipe.limit,
  });
  // Athena projects what it filters and sorts on, besides what the query selects.
  const wanted = new Set([
    'id',
    ...recipe.summary.map((s) => s.column),
    ...recipe.order.map((o) => o.columnName),
    ...recipe.extra,
    ...recipe.expressions.flatMap(columnsOf),
  ]);
  const schema = new Schema(table.schema.fields.filter((f) => wanted.has(f.name)));
  // GetTableLayout of a table without partition columns is core's one-row block, whatever the constraints: asked once.
  const splits = await driver.getSplits(table, layout, constraints);
  const rows: Row[] = [];
  for (const split of splits) {
    for (const batch of (await driver.readSplit(table.tableName, schema, split, constraints)).batches) {
      for (let r = 0; r < batch.numRows; r++)
        rows.push(
          Object.fromEntries(
            batch.schema.fields.map((f, c) => [
              f.name,
              readValue(batch.getChildAt(c) ?? (undefined as never), r) as Scalar,
            ]),
          ),
        );
    }
  }
  driver.trace.length = 0;
  return rows;
}

function columnsOf(recipe: CaseRecipe['expressions'][number]): string[] {
  if (recipe.t === 'column') return [recipe.name];
  return recipe.t === 'call' ? recipe.args.flatMap(columnsOf) : [];
}

/** A recipe or value as readable ASCII: bigints as `12n`, bytes as hex, every other character escaped. */
const show = (v: unknown) =>
  JSON.stringify(v, (_, x) =>
    typeof x === 'bigint'
      ? `${x}n`
      : x instanceof Uint8Array
        ? `0x${Buffer.from(x).toString('hex')}`
        : typeof x === 'number' && !Number.isFinite(x)
          ? String(x)
          : x,
  ).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const same = (type: DataType, a: Scalar | undefined, b: Scalar | undefined) =>
  a === null || a === undefined || b === null || b === undefined
    ? a === b
    : typeof a === typeof b && compareScalars(type, a, b) === 0;

/** Athena's rows for a case over the unfiltered read, or 'fails' when Athena would fail the query. */
function athenaKeeps(
  recipe: CaseRecipe,
  expressions: readonly FederationExpression[],
): ((row: Row) => boolean) | 'fails' {
  const matches = new Map<number, boolean>();
  try {
    // Every conjunct on every row: Athena, like MySQL, may evaluate them in any order, so an
    // overflow in any of them may fail the query (the oracle's $and and $or are eager too).
    for (const [id, row] of truth)
      matches.set(
        id,
        expressions.map((e) => evaluate(e, row)).every((v) => v === true),
      );
  } catch (error) {
    if (error instanceof AthenaQueryFailure) return 'fails';
    throw error;
  }
  return (row) =>
    matches.get(Number(row['id'])) === true &&
    recipe.summary.every((s) => setContains(s.set, types.get(s.column) as DataType, row[s.column] ?? null));
}

/** What is wrong with the rows a case returned; empty when nothing is. */
function problems(
  recipe: CaseRecipe,
  expressions: readonly FederationExpression[],
  translated: boolean,
  got: readonly Row[],
): string[] {
  const found: string[] = [];
  const keeps = athenaKeeps(recipe, expressions);
  if (keeps === 'fails') return found;
  const seen = new Set<number>();
  for (const row of got) {
    const id = Number(row['id']);
    const held = truth.get(id);
    if (held === undefined || seen.has(id)) {
      found.push(`row id ${id} ${held === undefined ? 'is not in the table' : 'was returned twice'}`);
      continue;
    }
    seen.add(id);
    for (const [name, value] of Object.entries(row))
      if (!same(types.get(name) as DataType, value, held[name]))
        found.push(`row ${id} column ${name} reads ${show(value)}, the table holds ${show(held[name])}`);
  }
  const rows = [...truth.values()];
  const expected = rows.filter(keeps);
  const kept = got.filter((row) => truth.has(Number(row['id'])) && keeps(truth.get(Number(row['id'])) as Row));
  const ids = (list: readonly Row[]) => list.map((r) => Number(r['id'])).sort((a, b) => a - b);
  if (recipe.limit < 0n) {
    if (show(ids(kept)) !== show(ids(expected)))
      found.push(`Athena's answer has ids ${show(ids(kept))}, the oracle's ${show(ids(expected))}`);
  } else if (recipe.order.length === 0) {
    const want = Math.min(Number(recipe.limit), expected.length);
    if (kept.length < want) found.push(`LIMIT ${recipe.limit}: ${kept.length} right rows returned, ${want} needed`);
  } else {
    const sort = rowOrder(recipe.order, types);
    const keys = (list: readonly Row[]) =>
      show(
        [...list]
          .sort(sort)
          .slice(0, Number(recipe.limit))
          .map((r) => recipe.order.map((o) => r[o.columnName] ?? null)),
      );
    if (keys(kept) !== keys(expected)) found.push(`top ${recipe.limit}: ${keys(kept)}, the oracle's ${keys(expected)}`);
  }
  // Core re-checks the summary on every row, so none it excludes may come back.
  for (const row of got) {
    const broken = recipe.summary.find(
      (s) => !setContains(s.set, types.get(s.column) as DataType, row[s.column] ?? null),
    );
    if (broken !== undefined) found.push(`row ${show(row['id'])} is outside the summary on ${broken.column}`);
  }
  // Expressions the connector translated whole were MySQL's to apply exactly (core does not evaluate them).
  if (translated) {
    for (const row of got)
      if (!expressions.every((e) => evaluate(e, truth.get(Number(row['id'])) as Row) === true))
        found.push(`row ${show(row['id'])} fails a translated expression`);
  }
  return found;
}

describe('pushdown differential', () => {
  it(`answers ${RUNS} random queries over every column type as Athena would (seed ${SEED})`, {
    timeout: Math.max(600_000, RUNS * 60),
  }, async () => {
    const columns: CaseColumn[] = table.schema.fields.map((field) => {
      const own = [...truth.values()]
        .map((r) => r[field.name] ?? null)
        .filter((v): v is Exclude<Scalar, null> => v !== null);
      const constants: Scalar[] = [];
      for (const value of [...own, ...edgeConstants(field.type, field.name)])
        if (
          !constants.some((c) => c !== null && typeof c === typeof value && compareScalars(field.type, c, value) === 0)
        )
          constants.push(value);
      return { name: field.name, type: field.type, constants };
    });
    expect(columns.map((c) => c.name)).toEqual(['id', ...DIFFERENTIAL_COLUMNS.map((c) => c.name)]);
    const recipes = fc.sample(caseArbitrary(columns), { seed: SEED, numRuns: RUNS });
    const started = performance.now();
    const counts = {
      cases: 0,
      twoSplits: 0,
      athenaFails: 0,
      rowsCompared: 0,
      limited: 0,
      ordered: 0,
      withExpressions: 0,
      translatedWhole: 0,
    };
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < recipes.length) {
        const index = next++;
        if (ONLY !== undefined && index !== ONLY) continue;
        const recipe = recipes[index] as CaseRecipe;
        const label = `seed ${SEED} case ${index} (FUZZ_SEED=${SEED} FUZZ_CASE=${index}): ${show(recipe).slice(0, 1500)}`;
        const expressions = recipe.expressions.map(expressionOf);
        const translated = expressions.length > 0 && translateExpressions(expressions, columnLookup(mapped)).complete;
        // Athena fails a query whose expression overflows or divides by zero on some row; an error, or
        // any answer, from the connector is then no wrong answer (its conjuncts may be evaluated lazily).
        const athenaFails = athenaKeeps(recipe, expressions) === 'fails';
        counts.cases++;
        if (recipe.twoSplits) counts.twoSplits++;
        if (recipe.limit >= 0n) counts[recipe.order.length > 0 ? 'ordered' : 'limited']++;
        if (expressions.length > 0) counts.withExpressions++;
        if (translated) counts.translatedWhole++;
        if (athenaFails) counts.athenaFails++;
        let got: Row[];
        try {
          got = await run(recipe, expressions);
        } catch (error) {
          if (!athenaFails)
            failures.push(`${label}\n  failed: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        counts.rowsCompared += got.length;
        if (athenaFails) continue;
        const found = problems(recipe, expressions, translated, got);
        if (found.length > 0) failures.push(`${label}\n  ${found.slice(0, 5).join('\n  ')}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    console.info(
      `[differential] aurora pushdown: ${JSON.stringify({ seed: SEED, runs: RUNS, ...counts, failures: failures.length, seconds })}`,
    );
    expect(failures.slice(0, 5), `${failures.length} cases answered differently from Athena`).toEqual([]);
    if (ONLY === undefined) expect(counts.cases).toBe(RUNS);
  });
});
