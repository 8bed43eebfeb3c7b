// Pushdown never changes an answer (issue #14): FUZZ_RUNS random constraint summaries
// (SortedRangeSet, EquatableValueSet, AllOrNone, with and without NULL), `$like_pattern`
// expressions and LIMITs, sent as Athena sends them (V6 GetSplits and ReadRecords through the real
// Lambda handler, one warm handler for the run) over a dynalite table of every inferred column type
// with drifted items, Query splits of the table, an LSI and a GSI as well as Scans, are compared
// with an oracle: the table read unfiltered once, filtered in JavaScript with Athena's semantics
// (support/athena-oracle.ts). Seed FUZZ_SEED (printed); FUZZ_RUNS=100000 for a long run.
import {
  arrowTypeToJson,
  createLambdaHandler,
  loadHandlerConfig,
  makeValueBlock,
  readRows,
  StandardFunctionNames,
  type Block,
  type FederationExpression,
  type GetTableResponse,
  type ValueSet,
} from '@athena-federation/connector-core';
import {
  EngineDriver,
  ensureBucket,
  inProcessTransport,
  makeConstraints,
} from '@athena-federation/connector-core/testing';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Bool, DataType, type Field, Schema } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig } from '../src/index.js';
import {
  canonicalValue,
  compare,
  inSet,
  like,
  type Bound,
  type SetRecipe,
  type ValueKind,
} from './support/athena-oracle.js';
import {
  BYTES,
  CATEGORIES,
  DECIMALS,
  DIFFERENTIAL_TABLE,
  EDGE_STRINGS,
  GNUMS,
  HUGE,
  INTS,
  PARTITIONS,
  cleanItems,
  driftedItems,
} from './support/differential-table.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { likeExpression } from './support/like-expression.js';

/** Cases per run (FUZZ_RUNS overrides: 100000 for a long run). */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
/** The seed; FUZZ_SEED reproduces another run. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);

const config = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-differential-spill' };
const tableName = { schemaName: 'default', tableName: 'differential' };
let dynamo: DynaliteServer;
let driver: EngineDriver;
let table: GetTableResponse;
let partitions: Block;
/** Every row of the table, read once without constraints, in the table schema's column order. */
let everyRow: unknown[][];
const clean = cleanItems();
/** Splits read, by what they read: a Scan segment, a Query of the table, of the LSI or of the GSI. */
const splitKinds = new Map<string, number>();
const drifted = driftedItems();

function kindOf(type: DataType): ValueKind {
  if (DataType.isUtf8(type)) return 'text';
  if (DataType.isInt(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isBinary(type)) return 'bytes';
  return 'other';
}

/** The constants a column is constrained with: the edges, plus values the table holds. */
function constantsOf(field: Field): unknown[] {
  const type = field.type as DataType;
  if (DataType.isUtf8(type))
    return [...new Set<string>([...EDGE_STRINGS, ...PARTITIONS, ...CATEGORIES, 'p', 'p0 ', 'P0', 'c'])];
  if (DataType.isInt(type))
    return [...new Set([...INTS, '-50', '-43', '6', '13', '1000', '-9223372036854775807', '9223372036854775798'])].map(
      (n) => BigInt(n),
    );
  if (DataType.isDecimal(type))
    return type.scale === 0
      ? [...HUGE, '2', '-12345678901234567890123456789012345678']
      : [...DECIMALS, ...GNUMS, '0.5', '-0.000000001', '2'];
  if (DataType.isBool(type)) return [false, true];
  if (DataType.isBinary(type)) return [[], ...BYTES, [0, 1], [254, 255]].map((b) => new Uint8Array(b));
  return [];
}

interface LikeRecipe {
  readonly column: string;
  readonly pattern: string;
  readonly escape: string | undefined;
  /** Whether the read also returns the column (Athena need not ask for a column only a pushed LIKE uses). */
  readonly returned: boolean;
}

interface CaseRecipe {
  /** A point constraint that makes the read a Query of the table or of the GSI (most cases: a Query's filter is the same FilterExpression, for a tenth of the items read). */
  readonly pin: readonly [string, SetRecipe] | undefined;
  readonly extraColumns: readonly string[];
  readonly constraints: readonly (readonly [string, SetRecipe])[];
  readonly likes: readonly LikeRecipe[];
  readonly nestLikes: boolean;
  readonly limit: number;
  /** Names in the schema, summary and expressions sent lower-cased, as an engine that folds identifiers would (types and metadata kept). */
  readonly lowerCaseNames: boolean;
}

const LIKE_PATTERNS: readonly (readonly [string, string | undefined])[] = [
  ['%', undefined],
  ['a%', undefined],
  ['p%', undefined],
  ['p1%', undefined],
  ['5%', undefined],
  ['[%', undefined],
  ['é%', undefined],
  ['\u{1F600}%', undefined],
  ['%a', undefined],
  ['_', undefined],
  ['__', undefined],
  ['a_%', undefined],
  ['%\u0301%', undefined],
  ['A%', undefined],
  [' %', undefined],
  ['', undefined],
  ['true', undefined],
  ['!%%', '!'],
  ['%!_%', '!'],
  ['c_', undefined],
  ['c0%', undefined],
  ['\uE000%', undefined],
  ['\u{10000}%', undefined],
  ['a %', undefined],
  ['x%', undefined],
  ['{%', undefined],
  ['!!%', '!'],
];

function sortedUnique(kind: ValueKind, values: readonly unknown[]): unknown[] {
  const sorted = [...values].sort((a, b) => compare(kind, a, b));
  return sorted.filter((v, i) => i === 0 || compare(kind, sorted[i - 1], v) !== 0);
}

function setArbitrary(field: Field): fc.Arbitrary<SetRecipe> {
  const kind = kindOf(field.type as DataType);
  const allOrNone = fc.record({
    kind: fc.constant('allOrNone' as const),
    all: fc.boolean(),
    nullAllowed: fc.boolean(),
  });
  if (kind === 'other') return allOrNone;
  const pool = constantsOf(field);
  const constant = fc.constantFrom(...pool);
  const points = fc
    .record({ values: fc.array(constant, { minLength: 1, maxLength: 4 }), nullAllowed: fc.boolean() })
    .map(
      ({ values, nullAllowed: n }): SetRecipe => ({
        kind: 'ranges',
        ranges: sortedUnique(kind, values).map((value) => ({
          low: { value, inclusive: true },
          high: { value, inclusive: true },
        })),
        nullAllowed: n,
      }),
    );
  const ranges = fc
    .record({
      values: fc.array(constant, { minLength: 1, maxLength: 6 }),
      openLow: fc.boolean(),
      openHigh: fc.boolean(),
      inclusive: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      nullAllowed: fc.boolean(),
    })
    .map(({ values, openLow, openHigh, inclusive, nullAllowed: n }): SetRecipe => {
      const ends: (Bound | undefined)[] = [
        ...(openLow ? [undefined] : []),
        ...sortedUnique(kind, values).map((value, i) => ({ value, inclusive: inclusive[i] ?? true })),
        ...(openHigh ? [undefined] : []),
      ];
      if (ends.length % 2 === 1) ends.push(undefined);
      const list: { low?: Bound; high?: Bound }[] = [];
      for (let i = 0; i < ends.length; i += 2) {
        let low = ends[i];
        let high = ends[i + 1];
        // (a, a) is no range (Java refuses it): a single point is [a, a].
        if (low !== undefined && high !== undefined && compare(kind, low.value, high.value) === 0)
          low = high = { value: low.value, inclusive: true };
        list.push({ ...(low === undefined ? {} : { low }), ...(high === undefined ? {} : { high }) });
      }
      return { kind: 'ranges', ranges: list, nullAllowed: n };
    });
  const list = fc.record({
    kind: fc.constant('list' as const),
    values: fc.array(constant, { minLength: 1, maxLength: 5 }),
    whiteList: fc.boolean(),
    nullAllowed: fc.boolean(),
  });
  return fc.oneof(
    { weight: 3, arbitrary: points },
    { weight: 3, arbitrary: ranges },
    { weight: 2, arbitrary: list },
    { weight: 1, arbitrary: allOrNone },
  );
}

function caseArbitrary(fields: readonly Field[]): fc.Arbitrary<CaseRecipe> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const field = (name: string) =>
    byName.get(name) ??
    (() => {
      throw new Error(`no column ${name}`);
    })();
  // Keys and index keys often, so Query splits (table, LSI, GSI) are exercised as much as Scans.
  const weighted = [
    ...fields.map((f) => ({ weight: 1, arbitrary: fc.constant(f.name) })),
    { weight: 6, arbitrary: fc.constant('pk') },
    { weight: 3, arbitrary: fc.constant('cat') },
    { weight: 2, arbitrary: fc.constant('lsk') },
    { weight: 1, arbitrary: fc.constant('lbin') },
    { weight: 1, arbitrary: fc.constant('gnum') },
    { weight: 2, arbitrary: fc.constant('sk') },
    { weight: 2, arbitrary: fc.constant('str') },
  ];
  const constraint = fc
    .oneof(...weighted)
    .chain((name) => setArbitrary(field(name)).map((set) => [name, set] as const));
  const textColumns = fields.filter((f) => DataType.isUtf8(f.type)).map((f) => f.name);
  const likeRecipe = fc
    .record({
      column: fc.constantFrom(...textColumns),
      pattern: fc.constantFrom(...LIKE_PATTERNS),
      returned: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    })
    .map(({ column, pattern, returned }) => ({ column, pattern: pattern[0], escape: pattern[1], returned }));
  const pinned = (name: string, values: readonly string[]) =>
    fc
      .uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 2 })
      .map((points): readonly [string, SetRecipe] => [
        name,
        { kind: 'list', values: points, whiteList: true, nullAllowed: false },
      ]);
  return fc.record({
    pin: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 5, arbitrary: pinned('pk', [...PARTITIONS, '', 'P0', 'x']) },
      { weight: 2, arbitrary: pinned('cat', [...CATEGORIES, '', 'c9']) },
    ),
    // Few columns beyond the constrained ones, most of the time (a wide read costs every split its encoding), sometimes all.
    extraColumns: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.subarray(
          fields.map((f) => f.name),
          { maxLength: 3 },
        ),
      },
      { weight: 1, arbitrary: fc.constant(fields.map((f) => f.name)) },
    ),
    constraints: fc.uniqueArray(constraint, { maxLength: 3, selector: ([name]) => name }),
    likes: fc.array(likeRecipe, { maxLength: 2 }),
    nestLikes: fc.boolean(),
    limit: fc.oneof(
      { weight: 4, arbitrary: fc.constant(-1) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }) },
    ),
    lowerCaseNames: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
}

/** The wire form of a recipe, as Athena would send it. */
function valueSetOf(field: Field, set: SetRecipe): ValueSet {
  const type = arrowTypeToJson(field.type);
  if (set.kind === 'allOrNone')
    return { '@type': 'AllOrNoneValueSet', type, all: set.all, nullAllowed: set.nullAllowed };
  if (set.kind === 'list')
    return {
      '@type': 'EquatableValueSet',
      valueBlock: makeValueBlock(field, set.values),
      whiteList: set.whiteList,
      nullAllowed: set.nullAllowed,
    };
  const marker = (bound: Bound | undefined, side: 'low' | 'high') =>
    bound === undefined
      ? {
          valueBlock: makeValueBlock(field, []),
          bound: side === 'low' ? ('ABOVE' as const) : ('BELOW' as const),
          nullValue: true,
        }
      : {
          valueBlock: makeValueBlock(field, [bound.value]),
          bound: bound.inclusive ? ('EXACTLY' as const) : side === 'low' ? ('ABOVE' as const) : ('BELOW' as const),
          nullValue: false,
        };
  return {
    '@type': 'SortedRangeSet',
    type,
    ranges: set.ranges.map((r) => ({ low: marker(r.low, 'low'), high: marker(r.high, 'high') })),
    nullAllowed: set.nullAllowed,
  };
}

/** Every constraint of a case: its own, and the pin unless a constraint of its own names that column. */
function constraintsOf(recipe: CaseRecipe): readonly (readonly [string, SetRecipe])[] {
  const pin = recipe.pin;
  return pin === undefined || recipe.constraints.some(([name]) => name === pin[0])
    ? recipe.constraints
    : [...recipe.constraints, pin];
}

/** The columns a case reads: the ones asked for, every constrained one, and the LIKE columns the read returns. */
function columnsRead(recipe: CaseRecipe): ReadonlySet<string> {
  return new Set([
    ...recipe.extraColumns,
    ...constraintsOf(recipe).map(([name]) => name),
    ...recipe.likes.filter((l) => l.returned).map((l) => l.column),
  ]);
}

/** One case run through the handler: every split GetSplits plans, each read as Athena reads it. */
async function run(recipe: CaseRecipe): Promise<{ rows: string[]; splits: number }> {
  const fields = table.schema.fields;
  const needed = columnsRead(recipe);
  const name = (column: string) => (recipe.lowerCaseNames ? column.toLowerCase() : column);
  const schema = new Schema(fields.filter((f) => needed.has(f.name)).map((f) => f.clone({ name: name(f.name) })));
  const summary = Object.fromEntries(
    constraintsOf(recipe).map(([column, set]) => [
      name(column),
      valueSetOf(fields.find((f) => f.name === column) as Field, set),
    ]),
  );
  const likes = recipe.likes.map((l) => likeExpression(name(l.column), l.pattern, l.escape));
  const expression: FederationExpression[] =
    recipe.nestLikes && likes.length > 1
      ? [
          {
            '@type': 'FunctionCallExpression',
            type: arrowTypeToJson(new Bool()),
            functionName: { functionName: StandardFunctionNames.and },
            arguments: likes,
          },
        ]
      : likes;
  const constraints = makeConstraints({ summary, expression, limit: BigInt(recipe.limit) });
  const splits = await driver.getSplits(table, partitions, constraints);
  const rows: string[] = [];
  for (const split of splits) {
    const index = split.properties['index'];
    const kind =
      split.properties['kind'] === 'scan'
        ? 'scan'
        : index === 'ByLsk' || index === 'ByLbin'
          ? 'lsi'
          : index === 'ByCat'
            ? 'gsi'
            : index === undefined
              ? 'query'
              : `index ${index}`;
    splitKinds.set(kind, (splitKinds.get(kind) ?? 0) + 1);
    const read = await driver.readSplit(table.tableName, schema, split, constraints);
    for (const batch of read.batches) for (const row of readRows(batch)) rows.push(canonicalValue(row));
  }
  return { rows: rows.sort(), splits: splits.length };
}

/** The oracle's rows for a recipe: every row filtered with Athena's semantics, projected like the read. */
function expected(recipe: CaseRecipe): string[] {
  const fields = table.schema.fields;
  const index = (name: string) => fields.findIndex((f) => f.name === name);
  const needed = columnsRead(recipe);
  const kept = fields.map((f, i) => (needed.has(f.name) ? i : -1)).filter((i) => i >= 0);
  return everyRow
    .filter((row) =>
      constraintsOf(recipe).every(([name, set]) =>
        inSet(set, kindOf(fields[index(name)]?.type as DataType), row[index(name)]),
      ),
    )
    .filter((row) => recipe.likes.every((l) => like(row[index(l.column)], l.pattern, l.escape)))
    .map((row) => canonicalValue(kept.map((i) => row[i])))
    .sort();
}

/** Whether `actual` is an answer Athena accepts: all of `want`, or with a LIMIT, at least that many of its rows and nothing else. */
function agrees(actual: readonly string[], want: readonly string[], limit: number): boolean {
  if (limit < 0) return actual.length === want.length && actual.every((row, i) => row === want[i]);
  const left = new Map<string, number>();
  for (const row of want) left.set(row, (left.get(row) ?? 0) + 1);
  for (const row of actual) {
    const n = left.get(row) ?? 0;
    if (n === 0) return false;
    left.set(row, n - 1);
  }
  return actual.length >= Math.min(limit, want.length);
}

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  dynamo = await startDynalite();
  await createTable(dynamo.client, DIFFERENTIAL_TABLE, clean);
  // Lenient: values that drifted to a type their column cannot hold read as NULL, so the unfiltered read answers.
  // The schema cache outlives the run: on a busy machine the run takes longer than the default 300 s,
  // and an expired schema loses the real spellings lower-cased names need (README, "Not yet").
  const connector = createDynamoDbConnector({
    client: dynamo.client,
    config: {
      ...loadDynamoDbConfig({}),
      disableGlue: true,
      lenientValueConversion: true,
      minScanSegments: 1,
      schemaCacheTtlMs: 24 * 3_600_000,
    },
  });
  // Warnings and errors only: DEBUG lines for every request would take most of the run's time.
  const level = process.env['POWERTOOLS_LOG_LEVEL'];
  process.env['POWERTOOLS_LOG_LEVEL'] = 'WARN';
  driver = new EngineDriver({ transport: inProcessTransport(createLambdaHandler(connector, { config })) });
  if (level === undefined) delete process.env['POWERTOOLS_LOG_LEVEL'];
  else process.env['POWERTOOLS_LOG_LEVEL'] = level;
  await driver.ping();
  // Inference sees the clean items only (and the schema stays cached): the drifted ones are what sampling missed.
  table = await driver.getTable(tableName);
  for (const Item of drifted)
    await dynamo.client.send(new PutItemCommand({ TableName: DIFFERENTIAL_TABLE.TableName, Item }));
  partitions = await driver.getTableLayout(table, makeConstraints());
  const all = await driver.scan(tableName);
  everyRow = all.table.batches.flatMap((b) => readRows(b));
}, 60_000);

afterAll(async () => {
  await dynamo.stop();
});

describe('DynamoDB pushdown against an oracle', () => {
  it('reads the whole table unfiltered, every column type inferred', () => {
    expect(everyRow).toHaveLength(clean.length + drifted.length);
    const types = Object.fromEntries(
      table.schema.fields.map((f) => [
        f.name,
        `${String(f.type)}${f.metadata.get('dynamodb.type') === undefined ? '' : `/${f.metadata.get('dynamodb.type') ?? ''}`}`,
      ]),
    );
    expect(types).toMatchObject({
      pk: 'Utf8/S',
      sk: 'Int64/N',
      lsk: 'Utf8/S',
      cat: 'Utf8/S',
      str: 'Utf8/S',
      int: 'Int64/N',
      flag: 'Bool/BOOL',
      bin: 'Binary/B',
      lbin: 'Binary/B',
      mixed: 'Utf8',
      nothing: 'Utf8',
      CamelNum: 'Int64/N',
      CamelStr: 'Utf8/S',
    });
    expect(types['dec']).toMatch(/^Decimal.*\/N$/);
    expect(types['huge']).toMatch(/^Decimal.*\/N$/);
    expect(types['lst']).toMatch(/^List/);
    expect(types['obj']).toMatch(/^Struct/);
  });

  it(`gives the oracle's answer for ${RUNS} random constraints, LIKEs and LIMITs (seed ${SEED})`, {
    timeout: Math.max(240_000, RUNS * 40),
  }, async () => {
    const stats = { cases: 0, rowsCompared: 0, splits: 0, withLimit: 0, withLike: 0 };
    dynamo.resetServed();
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    await fc.assert(
      fc.asyncProperty(caseArbitrary(table.schema.fields), async (recipe) => {
        stats.cases++;
        const want = expected(recipe);
        let actual: { rows: string[]; splits: number };
        try {
          actual = await run(recipe);
        } catch (error) {
          throw new Error(
            `seed ${SEED} case ${stats.cases}: ${canonicalValue(recipe)}\nfailed: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        stats.rowsCompared += actual.rows.length;
        stats.splits += actual.splits;
        if (recipe.limit >= 0) stats.withLimit++;
        if (recipe.likes.length > 0) stats.withLike++;
        if (agrees(actual.rows, want, recipe.limit)) return;
        expect.fail(
          `seed ${SEED} case ${stats.cases}: ${canonicalValue(recipe)}\n${actual.rows.length} rows, the oracle ${want.length} (limit ${recipe.limit})\nmissing: ${want
            .filter((r) => !actual.rows.includes(r))
            .slice(0, 5)
            .join('\n')}\nextra: ${actual.rows
            .filter((r) => !want.includes(r))
            .slice(0, 5)
            .join('\n')}`,
        );
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const served = dynamo.served();
    const cpu = process.cpuUsage(cpuStart);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    console.info(
      `[differential] dynamodb pushdown: ${JSON.stringify({ ...stats, splitKinds: Object.fromEntries(splitKinds), queries: served.operations.get('Query') ?? 0, scans: served.operations.get('Scan') ?? 0, itemsExamined: served.scannedItems, itemsReturned: served.returnedItems, seed: SEED, seconds, cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10 })}`,
    );
    expect(stats.cases).toBe(RUNS);
    // Both kinds of split, and pushdown that narrows reads, or the comparison proves little.
    expect(served.operations.get('Query') ?? 0).toBeGreaterThan(RUNS / 10);
    expect(served.operations.get('Scan') ?? 0).toBeGreaterThan(RUNS / 10);
    expect(served.returnedItems).toBeLessThan(served.scannedItems);
    for (const kind of ['scan', 'query', 'lsi', 'gsi'])
      expect(splitKinds.get(kind) ?? 0, kind).toBeGreaterThan(RUNS / 100);
  });
});
