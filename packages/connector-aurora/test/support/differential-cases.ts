/**
 * Test support: the cases of the pushdown differential test, drawn by fast-check as plain recipes
 * (a summary of SortedRangeSet / EquatableValueSet / AllOrNone sets, V4 expressions over every
 * function the connector advertises, LIMIT, ORDER BY … LIMIT, a projection) and turned into wire
 * constraints only when run. Constants come from each column's pool: its own values and its type's
 * edges.
 */
import { StandardFunctionNames as F, arrowTypeToJson, buildRecordBatch } from '@athena-federation/connector-core';
import type { Block, FederationExpression, Marker, OrderByField, ValueSet } from '@athena-federation/connector-core';
import { Bool, DataType, Decimal, Field, Schema } from 'apache-arrow';
import fc from 'fast-check';
import { call, column, constant } from './expressions.js';
import { type OrderTerm, type Scalar, type SetRecipe, compareScalars } from './value-set-oracle.js';

/** A column as the cases use it: its Athena type and the constants drawn for it. */
export interface CaseColumn {
  readonly name: string;
  readonly type: DataType;
  readonly constants: readonly Scalar[];
}

/** A V4 expression recipe; constants are typed by `type`. */
export type ExpressionRecipe =
  | { readonly t: 'column'; readonly name: string; readonly type: DataType }
  | { readonly t: 'constant'; readonly type: DataType; readonly value: Scalar }
  | { readonly t: 'list'; readonly type: DataType; readonly values: readonly Scalar[]; readonly array: boolean }
  | { readonly t: 'call'; readonly fn: string; readonly type: DataType; readonly args: readonly ExpressionRecipe[] };

/** One case: what Athena would send for one query on the table. */
export interface CaseRecipe {
  readonly summary: readonly { readonly column: string; readonly set: SetRecipe }[];
  readonly expressions: readonly ExpressionRecipe[];
  readonly limit: bigint;
  readonly order: readonly OrderTerm[];
  readonly extra: readonly string[];
  /** Read through the handler that cuts the table into two key ranges (else one split). */
  readonly twoSplits: boolean;
}

const BOOL = new Bool();
const COMPARISONS = [
  F.equal,
  F.notEqual,
  F.lessThan,
  F.lessThanOrEqual,
  F.greaterThan,
  F.greaterThanOrEqual,
  F.isDistinctFrom,
];
const DIRECTIONS = ['ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const;
const PATTERNS = [
  '%',
  'a%',
  '%c',
  'a_c',
  '_',
  '__',
  '%😀',
  'A%',
  'a!%',
  '%é%',
  'abc',
  '',
  '%\u0000%',
  '\ue000%',
  '%\ufffd',
  '_😀',
  'x%',
  '%\\%',
  'é',
  '中%',
];
const ESCAPED_PATTERNS = ['a#%c', 'a#_c', '%##%', '#%%', '%#_'];

const isNumeric = (type: DataType) => DataType.isInt(type) || DataType.isDecimal(type) || DataType.isFloat(type);
const isNaNScalar = (v: Scalar) => typeof v === 'number' && Number.isNaN(v);
const sameType = (a: DataType, b: DataType) => String(a) === String(b);

/** A decimal constant at another scale (digits appended), for results typed with a larger scale. */
function rescaled(value: Scalar, scale: number): Scalar {
  if (typeof value !== 'string') return value;
  const [whole = '0', fraction = ''] = value.split('.');
  return scale === 0 ? whole : `${whole}.${fraction.padEnd(scale, '0')}`;
}

/** Athena's result type of `a op a` for a column of `type`, or undefined when not generated (decimal division). */
function resultType(fn: string, type: DataType): DataType | undefined {
  if (!DataType.isDecimal(type)) return type;
  const { precision: p, scale: s } = type;
  switch (fn) {
    case F.add:
    case F.subtract:
      return new Decimal(s, Math.min(38, p + 1), 128);
    case F.multiply:
      return new Decimal(2 * s, Math.min(38, 2 * p), 128);
    case F.modulus:
      return new Decimal(s, p, 128);
    default:
      return undefined;
  }
}

/** The arbitrary of one case over `columns` (the table's, `id` included). */
export function caseArbitrary(columns: readonly CaseColumn[]): fc.Arbitrary<CaseRecipe> {
  const anyColumn = fc.constantFrom(...columns);
  const ordered = (c: CaseColumn) => c.constants.filter((v) => !isNaNScalar(v));

  const bound = (c: CaseColumn) => fc.record({ value: fc.constantFrom(...ordered(c)), inclusive: fc.boolean() });
  const range = (c: CaseColumn) =>
    fc.oneof(
      fc
        .constantFrom(...ordered(c))
        .map((value) => ({ low: { value, inclusive: true }, high: { value, inclusive: true } })),
      fc
        .record({ low: fc.option(bound(c), { nil: undefined }), high: fc.option(bound(c), { nil: undefined }) })
        .map(({ low, high }) => {
          if (low === undefined || high === undefined)
            return { ...(low === undefined ? {} : { low }), ...(high === undefined ? {} : { high }) };
          const c0 = compareScalars(c.type, low.value, high.value);
          // Athena sends low ≤ high, and an empty range as nothing at all.
          if (c0 > 0) return { low: { ...high }, high: { ...low } };
          return c0 === 0
            ? { low: { value: low.value, inclusive: true }, high: { value: low.value, inclusive: true } }
            : { low, high };
        }),
    );
  const set = (c: CaseColumn): fc.Arbitrary<SetRecipe> =>
    fc.oneof(
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('all-or-none' as const),
          all: fc.boolean(),
          nullAllowed: fc.boolean(),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('equatable' as const),
          whiteList: fc.oneof(
            { weight: 4, arbitrary: fc.constant(true) },
            { weight: 1, arbitrary: fc.constant(false) },
          ),
          values: fc.array(fc.constantFrom(...c.constants), { minLength: 1, maxLength: 5 }),
          nullAllowed: fc.boolean(),
        }),
      },
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('ranges' as const),
          ranges: fc.array(range(c), { minLength: 1, maxLength: 3 }),
          nullAllowed: fc.boolean(),
        }),
      },
    );
  type SummaryRecipe = CaseRecipe['summary'];
  const summary: fc.Arbitrary<SummaryRecipe> = fc
    .uniqueArray(anyColumn, { maxLength: 3, selector: (c) => c.name })
    .chain(
      (chosen): fc.Arbitrary<SummaryRecipe> =>
        chosen.length === 0
          ? fc.constant([])
          : fc.tuple(...chosen.map((c) => set(c).map((s) => ({ column: c.name, set: s })))),
    );

  const col = (c: CaseColumn): ExpressionRecipe => ({ t: 'column', name: c.name, type: c.type });
  // A constant of a result type (a product's decimal has a larger scale) only from the values that type holds.
  const fits = (type: DataType) => (value: Scalar) =>
    !DataType.isDecimal(type) ||
    typeof value !== 'string' ||
    (value.replace(/^-/, '').split('.')[0] ?? '').replace(/^0+/, '').length <= type.precision - type.scale;
  const constantOf = (c: CaseColumn, type = c.type) =>
    fc.constantFrom(...c.constants.filter(fits(type)), ...(DataType.isDecimal(type) ? ['0'] : [])).map(
      (value): ExpressionRecipe => ({
        t: 'constant',
        type,
        value: DataType.isDecimal(type) ? rescaled(value, type.scale) : value,
      }),
    );
  const numericColumns = columns.filter((c) => isNumeric(c.type));
  const textColumns = columns.filter((c) => DataType.isUtf8(c.type));
  const boolColumns = columns.filter((c) => DataType.isBool(c.type));
  const pairs = columns.flatMap((a) =>
    columns.filter((b) => a.name < b.name && sameType(a.type, b.type)).map((b) => [a, b] as const),
  );

  const comparison = anyColumn.chain((c) =>
    fc
      .tuple(fc.constantFrom(...COMPARISONS), constantOf(c), fc.boolean())
      .map(
        ([fn, k, flip]): ExpressionRecipe => ({ t: 'call', fn, type: BOOL, args: flip ? [k, col(c)] : [col(c), k] }),
      ),
  );
  const columnComparison = fc
    .constantFrom(...pairs)
    .chain(([a, b]) =>
      fc
        .constantFrom(...COMPARISONS)
        .map((fn): ExpressionRecipe => ({ t: 'call', fn, type: BOOL, args: [col(a), col(b)] })),
    );
  const arithmetic = fc.constantFrom(...numericColumns).chain((c) =>
    fc.constantFrom(F.add, F.subtract, F.multiply, F.divide, F.modulus, F.negate).chain((fn) => {
      const type = resultType(fn, c.type);
      if (type === undefined)
        return fc.constant<ExpressionRecipe>({ t: 'call', fn: F.isNull, type: BOOL, args: [col(c)] });
      const operand: fc.Arbitrary<ExpressionRecipe> =
        fn === F.negate
          ? fc.constant({ t: 'call', fn, type, args: [col(c)] })
          : constantOf(c).map((k): ExpressionRecipe => ({ t: 'call', fn, type, args: [col(c), k] }));
      return fc
        .tuple(operand, fc.constantFrom(...COMPARISONS), constantOf(c, type))
        .map(([value, cmp, k]): ExpressionRecipe => ({ t: 'call', fn: cmp, type: BOOL, args: [value, k] }));
    }),
  );
  const like = fc.constantFrom(...textColumns).chain((c) =>
    fc.oneof(
      fc.constantFrom(...PATTERNS).map(
        (p): ExpressionRecipe => ({
          t: 'call',
          fn: F.likePattern,
          type: BOOL,
          args: [col(c), { t: 'constant', type: c.type, value: p }],
        }),
      ),
      fc.constantFrom(...ESCAPED_PATTERNS).map(
        (p): ExpressionRecipe => ({
          t: 'call',
          fn: F.likePattern,
          type: BOOL,
          args: [col(c), { t: 'constant', type: c.type, value: p }, { t: 'constant', type: c.type, value: '#' }],
        }),
      ),
    ),
  );
  const inList = anyColumn.chain((c) =>
    fc.tuple(fc.array(fc.constantFrom(...c.constants, null), { minLength: 1, maxLength: 4 }), fc.boolean()).map(
      ([values, array]): ExpressionRecipe => ({
        t: 'call',
        fn: F.in,
        type: BOOL,
        args: [col(c), { t: 'list', type: c.type, values, array }],
      }),
    ),
  );
  const isNull = anyColumn.map((c): ExpressionRecipe => ({ t: 'call', fn: F.isNull, type: BOOL, args: [col(c)] }));
  const nullIf = anyColumn.chain((c) =>
    constantOf(c).map(
      (k): ExpressionRecipe => ({
        t: 'call',
        fn: F.isNull,
        type: BOOL,
        args: [{ t: 'call', fn: F.nullIf, type: c.type, args: [col(c), k] }],
      }),
    ),
  );
  const truth = fc.constantFrom(...boolColumns).map(col);
  const leaf = fc.oneof(
    { weight: 6, arbitrary: comparison },
    { weight: 1, arbitrary: columnComparison },
    { weight: 3, arbitrary: arithmetic },
    { weight: 2, arbitrary: like },
    { weight: 2, arbitrary: inList },
    { weight: 1, arbitrary: isNull },
    { weight: 1, arbitrary: nullIf },
    { weight: 1, arbitrary: truth },
  );
  const node = (depth: number): fc.Arbitrary<ExpressionRecipe> =>
    depth === 0
      ? leaf
      : fc.oneof(
          { weight: 3, arbitrary: leaf },
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.constantFrom(F.and, F.or), fc.array(node(depth - 1), { minLength: 2, maxLength: 3 }))
              .map(([fn, args]): ExpressionRecipe => ({ t: 'call', fn, type: BOOL, args })),
          },
          {
            weight: 1,
            arbitrary: node(depth - 1).map(
              (arg): ExpressionRecipe => ({ t: 'call', fn: F.not, type: BOOL, args: [arg] }),
            ),
          },
        );
  const expressions: fc.Arbitrary<readonly ExpressionRecipe[]> = fc.oneof(
    { weight: 5, arbitrary: fc.constant<readonly ExpressionRecipe[]>([]) },
    { weight: 4, arbitrary: fc.array(node(2), { minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.array(node(1), { minLength: 2, maxLength: 2 }) },
  );

  const term = anyColumn.chain((c) =>
    fc.constantFrom(...DIRECTIONS).map((direction): OrderTerm => ({ columnName: c.name, direction })),
  );
  const order = fc
    .tuple(fc.uniqueArray(term, { minLength: 1, maxLength: 2, selector: (t) => t.columnName }), fc.boolean())
    .map(([terms, tie]) =>
      tie && !terms.some((t) => t.columnName === 'id')
        ? [...terms, { columnName: 'id', direction: 'ASC_NULLS_LAST' as const }]
        : terms,
    );
  const limiting = fc.oneof(
    { weight: 6, arbitrary: fc.constant({ limit: -1n, order: [] as OrderTerm[] }) },
    { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 12n }).map((limit) => ({ limit, order: [] as OrderTerm[] })) },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: 12n }), order).map(([limit, terms]) => ({ limit, order: terms })),
    },
  );
  const extra = fc.subarray(
    columns.map((c) => c.name),
    { maxLength: 3 },
  );
  const twoSplits = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  return fc
    .record({ summary, expressions, limiting, extra, twoSplits })
    .map(({ summary: s, expressions: e, limiting: l, extra: x, twoSplits: t }) => ({
      summary: s,
      expressions: e,
      limit: l.limit,
      order: l.order,
      extra: x,
      twoSplits: t,
    }));
}

function block(type: DataType, values: readonly Scalar[]): Block {
  const schema = new Schema([new Field('col1', type, true)]);
  return {
    aId: 'differential',
    schema,
    records: buildRecordBatch(
      schema,
      values.map((v) => [v]),
    ),
  };
}

function marker(type: DataType, value: Scalar | undefined, bound: Marker['bound']): Marker {
  return value === undefined
    ? { valueBlock: block(type, []), bound, nullValue: true }
    : { valueBlock: block(type, [value]), bound, nullValue: false };
}

/** The wire ValueSet of a recipe for a column of `type`. */
export function valueSetOf(set: SetRecipe, type: DataType): ValueSet {
  switch (set.kind) {
    case 'all-or-none':
      return { '@type': 'AllOrNoneValueSet', type: arrowTypeToJson(type), all: set.all, nullAllowed: set.nullAllowed };
    case 'equatable':
      return {
        '@type': 'EquatableValueSet',
        valueBlock: block(type, set.values),
        whiteList: set.whiteList,
        nullAllowed: set.nullAllowed,
      };
    case 'ranges':
      return {
        '@type': 'SortedRangeSet',
        type: arrowTypeToJson(type),
        ranges: set.ranges.map((r) => ({
          low:
            r.low === undefined
              ? marker(type, undefined, 'ABOVE')
              : marker(type, r.low.value, r.low.inclusive ? 'EXACTLY' : 'ABOVE'),
          high:
            r.high === undefined
              ? marker(type, undefined, 'BELOW')
              : marker(type, r.high.value, r.high.inclusive ? 'EXACTLY' : 'BELOW'),
        })),
        nullAllowed: set.nullAllowed,
      };
  }
}

/** The wire expression of a recipe. */
export function expressionOf(recipe: ExpressionRecipe): FederationExpression {
  switch (recipe.t) {
    case 'column':
      return column(recipe.name, recipe.type);
    case 'constant':
      return constant(recipe.type, recipe.value);
    case 'list':
      return recipe.array
        ? call(F.array, recipe.type, ...recipe.values.map((v) => constant(recipe.type, v)))
        : constant(recipe.type, [...recipe.values]);
    case 'call':
      return call(recipe.fn, recipe.type, ...recipe.args.map(expressionOf));
  }
}

/** The ORDER BY clause of a recipe. */
export function orderByOf(order: readonly OrderTerm[]): OrderByField[] {
  return order.map((t) => ({ columnName: t.columnName, direction: t.direction }));
}
