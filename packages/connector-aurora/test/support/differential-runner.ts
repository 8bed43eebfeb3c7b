/**
 * Test support: the engine of the pushdown differential tests (pushdown-differential.test.ts on
 * MariaDB, postgres-pushdown-differential.test.ts on PostgreSQL). Random cases (summaries of
 * SortedRangeSet / EquatableValueSet / AllOrNone sets, V4 expressions over every advertised
 * function, LIMIT, ORDER BY … LIMIT) go through warm handlers as Athena sends them (GetSplits,
 * ReadRecords per split; some through a handler that cuts the table into two key ranges), and the
 * answer — after Athena's own filter, LIMIT and top-N over what the splits return — must equal the
 * oracle's: the unfiltered rows filtered and ordered with Athena's semantics. Besides, core must
 * have dropped every row the summary excludes, and a set of expressions the connector translated
 * whole must have selected exactly its rows.
 */
import { readValue } from '@athena-federation/connector-core';
import type { Block, FederationExpression, GetTableResponse } from '@athena-federation/connector-core';
import { type EngineDriver, makeConstraints } from '@athena-federation/connector-core/testing';
import { type DataType, Schema } from 'apache-arrow';
import fc from 'fast-check';
import {
  type CaseColumn,
  type CaseRecipe,
  caseArbitrary,
  expressionOf,
  orderByOf,
  valueSetOf,
} from './differential-cases.js';
import { edgeConstants } from './edge-constants.js';
import { AthenaQueryFailure, evaluate } from './expression-oracle.js';
import { type Scalar, compareScalars, rowOrder, setContains } from './value-set-oracle.js';

/** A row as read back from Arrow, by column name. */
export type Row = Readonly<Record<string, Scalar>>;

/** What a differential run reads and how it knows which expressions the connector translates. */
export interface DifferentialSubject {
  readonly seed: number;
  readonly runs: number;
  /** One case of the run to replay (FUZZ_CASE), or undefined for all. */
  readonly only: number | undefined;
  /** Cases in flight at once on the warm handlers (the server's round trips overlap). */
  readonly concurrency: number;
  /** The handlers: the table read as one split, and as two key-range splits. */
  readonly drivers: readonly [EngineDriver, EngineDriver];
  readonly table: GetTableResponse;
  /** GetTableLayout's answer (core's one-row block for an unpartitioned table), asked once. */
  readonly layout: Block;
  /** The table read unfiltered, by id. */
  readonly truth: ReadonlyMap<number, Row>;
  /** Whether the connector's dialect translates every one of `expressions` (then it must apply them exactly). */
  readonly translatesWhole: (expressions: readonly FederationExpression[]) => boolean;
}

/** Reads a whole table (one split) into rows by id, the oracle's truth. */
export async function readTruth(driver: EngineDriver, table: GetTableResponse): Promise<Map<number, Row>> {
  const scan = await driver.scan(table.tableName);
  const truth = new Map<number, Row>();
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
  return truth;
}

/** Reads one case as Athena would: splits, every split with the case's projection. */
async function run(
  subject: DifferentialSubject,
  types: ReadonlyMap<string, DataType>,
  recipe: CaseRecipe,
  expression: readonly FederationExpression[],
): Promise<Row[]> {
  const { table, layout } = subject;
  const driver = subject.drivers[recipe.twoSplits ? 1 : 0];
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
  subject: DifferentialSubject,
  types: ReadonlyMap<string, DataType>,
  recipe: CaseRecipe,
  expressions: readonly FederationExpression[],
): ((row: Row) => boolean) | 'fails' {
  const matches = new Map<number, boolean>();
  try {
    // Every conjunct on every row: Athena, like MySQL, may evaluate them in any order, so an
    // overflow in any of them may fail the query (the oracle's $and and $or are eager too).
    for (const [id, row] of subject.truth)
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
  subject: DifferentialSubject,
  types: ReadonlyMap<string, DataType>,
  recipe: CaseRecipe,
  expressions: readonly FederationExpression[],
  translated: boolean,
  got: readonly Row[],
): string[] {
  const found: string[] = [];
  const { truth } = subject;
  const keeps = athenaKeeps(subject, types, recipe, expressions);
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
  // Expressions the connector translated whole were the database's to apply exactly (core does not evaluate them).
  if (translated) {
    for (const row of got)
      if (!expressions.every((e) => evaluate(e, truth.get(Number(row['id'])) as Row) === true))
        found.push(`row ${show(row['id'])} fails a translated expression`);
  }
  return found;
}

/** What a run found: its tallies, and every case answered differently from Athena (with its replay label). */
export interface DifferentialResult {
  readonly counts: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
  readonly seconds: number;
}

/** Runs `subject.runs` random cases (seeded) and compares each answer with the oracle's. */
export async function runDifferential(subject: DifferentialSubject): Promise<DifferentialResult> {
  const { table, truth, seed: SEED, runs: RUNS, only: ONLY } = subject;
  const types = new Map(table.schema.fields.map((f) => [f.name, f.type]));
  const columns: CaseColumn[] = table.schema.fields.map((field) => {
    const own = [...truth.values()]
      .map((r) => r[field.name] ?? null)
      .filter((v): v is Exclude<Scalar, null> => v !== null);
    const constants: Scalar[] = [];
    for (const value of [...own, ...edgeConstants(field.type, field.name)])
      if (!constants.some((c) => c !== null && typeof c === typeof value && compareScalars(field.type, c, value) === 0))
        constants.push(value);
    return { name: field.name, type: field.type, constants };
  });
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
      const translated = expressions.length > 0 && subject.translatesWhole(expressions);
      // Athena fails a query whose expression overflows or divides by zero on some row; an error, or
      // any answer, from the connector is then no wrong answer (its conjuncts may be evaluated lazily).
      const athenaFails = athenaKeeps(subject, types, recipe, expressions) === 'fails';
      counts.cases++;
      if (recipe.twoSplits) counts.twoSplits++;
      if (recipe.limit >= 0n) counts[recipe.order.length > 0 ? 'ordered' : 'limited']++;
      if (expressions.length > 0) counts.withExpressions++;
      if (translated) counts.translatedWhole++;
      if (athenaFails) counts.athenaFails++;
      let got: Row[];
      try {
        got = await run(subject, types, recipe, expressions);
      } catch (error) {
        if (!athenaFails)
          failures.push(`${label}\n  failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      counts.rowsCompared += got.length;
      if (athenaFails) continue;
      const found = problems(subject, types, recipe, expressions, translated, got);
      if (found.length > 0) failures.push(`${label}\n  ${found.slice(0, 5).join('\n  ')}`);
    }
  };
  await Promise.all(Array.from({ length: subject.concurrency }, worker));
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  return { counts, failures, seconds };
}
