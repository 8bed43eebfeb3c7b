/**
 * Probes of what a connector advertises, shared by the conformance suite and the validator: which
 * pushdowns GetDataSourceCapabilities promises, the LIMIT, ORDER BY … LIMIT and V4 expression
 * requests to send for a column, and the verdict on each answer against the unpushed answer
 * limited, ordered or filtered here as Athena would. No vitest here: the validator uses it.
 */
import { DataType, type Field, type Schema } from 'apache-arrow';
import { arrowTypeToJson } from '../arrow/arrow-type-json.js';
import { makeValueBlock } from '../arrow/value-block.js';
import type { QueryPassthroughSignature } from '../connector.js';
import { createValueComparator } from '../constraints/value-compare.js';
import { DataSourceOptimizations, OptimizationSubTypes, StandardFunctionNames } from '../protocol/types.js';
import type {
  DataSourceCapabilities,
  FederationExpression,
  OrderByDirection,
  OrderByField,
} from '../protocol/types.js';
import { compareByCodePoint } from './code-point-order.js';
import { evaluateExpression } from './expression-oracle.js';

/** One row as read back (`readValue` conventions), in schema order. */
export type ProbeRow = readonly unknown[];

/** What a GetDataSourceCapabilities answer promises. */
export interface AdvertisedPushdowns {
  readonly limit: boolean;
  readonly topN: boolean;
  /** The functions of `supports_complex_expression_pushdown` (empty when not advertised). */
  readonly functions: ReadonlySet<string>;
  /** The query-passthrough function, when one is advertised. */
  readonly passthrough: QueryPassthroughSignature | undefined;
}

/** Reads a capabilities map: a capability is advertised when its name is a key. */
export function advertisedPushdowns(capabilities: DataSourceCapabilities): AdvertisedPushdowns {
  const complex = capabilities[DataSourceOptimizations.complexExpressionPushdown] ?? [];
  let passthrough: QueryPassthroughSignature | undefined;
  for (const subtypes of Object.values(capabilities)) {
    const property = (subType: string) => subtypes.find((s) => s.subType === subType)?.properties;
    const schema = property(OptimizationSubTypes.queryPassthroughSchema)?.[0];
    const name = property(OptimizationSubTypes.queryPassthroughName)?.[0];
    if (schema !== undefined && name !== undefined)
      passthrough = {
        schema: schema.toLowerCase(),
        name: name.toLowerCase(),
        arguments: (property(OptimizationSubTypes.queryPassthroughArguments) ?? []).map((a) => a.toLowerCase()),
      };
  }
  return {
    limit: Object.hasOwn(capabilities, DataSourceOptimizations.limitPushdown),
    topN: Object.hasOwn(capabilities, DataSourceOptimizations.topNPushdown),
    functions: new Set(
      complex
        .filter((s) => s.subType === OptimizationSubTypes.supportedFunctionExpressionTypes)
        .flatMap((s) => s.properties),
    ),
    passthrough,
  };
}

/** The column types a probe filters and orders on, as Athena names them. */
export const PROBE_COLUMN_TYPES =
  'tinyint, smallint, integer, bigint, real, double, decimal, varchar, varbinary, boolean, date (day or millisecond unit), timestamp (millisecond with zone, or microsecond)';

/** Why `field` cannot be probed (filtered and ordered on), or undefined when it can. */
export function probeColumnProblem(field: Field): string | undefined {
  try {
    if (!createValueComparator(field.type).ordered) return `${String(field.type)} values have no order`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Athena's order of two non-null values of `type`: by code point for varchar (plain reference, not
 * core's fast comparator), otherwise core's comparator (exact decimals, instants for timestamps,
 * unsigned bytes, `Double.compare` for floats, whose NaN sorts last as in Trino's ORDER BY).
 */
export function athenaOrder(type: DataType): (a: unknown, b: unknown) => number {
  if (DataType.isUtf8(type)) return (a, b) => compareByCodePoint(a as string, b as string);
  return createValueComparator(type).compare;
}

/** A row as text that is equal exactly when the rows are (bigints, maps and bytes spelled out). */
export function rowKey(row: ProbeRow): string {
  return JSON.stringify(row, (_k, v: unknown) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v instanceof Map
        ? [...v.entries()]
        : v instanceof Uint8Array
          ? Buffer.from(v).toString('base64')
          : v,
  );
}

/** How `actual` differs from `expected` as multisets of rows. */
export function rowDifference(
  expected: readonly ProbeRow[],
  actual: readonly ProbeRow[],
): { readonly missing: number; readonly extra: number } {
  const counts = new Map<string, number>();
  for (const row of expected) counts.set(rowKey(row), (counts.get(rowKey(row)) ?? 0) + 1);
  let extra = 0;
  for (const row of actual) {
    const key = rowKey(row);
    const left = counts.get(key) ?? 0;
    if (left === 0) extra++;
    else counts.set(key, left - 1);
  }
  let missing = 0;
  for (const left of counts.values()) missing += left;
  return { missing, extra };
}

/** The middle of a column's distinct non-null values in Athena's order (NaN never chosen), or undefined. */
export function middleValue(field: Field, values: readonly unknown[]): unknown {
  const order = athenaOrder(field.type);
  const sorted = values.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v))).sort(order);
  const distinct = sorted.filter((v, i) => i === 0 || order(sorted[i - 1], v) !== 0);
  return distinct[Math.floor(distinct.length / 2)];
}

/** The verdict on a LIMIT read of one split: exactly the rows wanted, all of them the split's. */
export function limitVerdict(
  limit: number,
  unpushed: readonly ProbeRow[],
  pushed: readonly ProbeRow[],
): string | undefined {
  const wanted = Math.min(limit, unpushed.length);
  if (pushed.length !== wanted)
    return `LIMIT ${limit} returned ${pushed.length} rows from a split of ${unpushed.length} (Athena needs ${wanted})`;
  const { extra } = rowDifference(unpushed, pushed);
  return extra === 0 ? undefined : `LIMIT ${limit} returned ${extra} rows the split's unpushed read does not hold`;
}

/** One ORDER BY … LIMIT request. */
export interface TopNProbe {
  readonly description: string;
  readonly orderByClause: readonly OrderByField[];
  readonly limit: number;
}

const directions: readonly OrderByDirection[] = [
  'ASC_NULLS_LAST',
  'DESC_NULLS_FIRST',
  'ASC_NULLS_FIRST',
  'DESC_NULLS_LAST',
];

/** ORDER BY `field` in each direction and null placement, LIMIT `limit`. */
export function topNProbes(field: Field, limit = 3): TopNProbe[] {
  return directions.map((direction) => ({
    description: `ORDER BY ${field.name} ${direction.replace('_NULLS_', ' NULLS ')} LIMIT ${limit}`,
    orderByClause: [{ columnName: field.name, direction }],
    limit,
  }));
}

/** Athena's order of a column's values (nulls included) for one ORDER BY direction. */
export function directedOrder(type: DataType, direction: OrderByDirection): (a: unknown, b: unknown) => number {
  const order = athenaOrder(type);
  const descending = direction.startsWith('DESC');
  const nullsFirst = direction.endsWith('NULLS_FIRST');
  return (a, b) => {
    if (a === null || b === null) return a === b ? 0 : (a === null) === nullsFirst ? -1 : 1;
    return descending ? order(b, a) : order(a, b);
  };
}

/**
 * The verdict on an ORDER BY … LIMIT read of one split: as many rows as Athena needs, all of them
 * the split's, and their sort keys Athena's top N (rows tied on the key may be any of the tied ones).
 */
export function topNVerdict(
  probe: TopNProbe,
  schema: Schema,
  unpushed: readonly ProbeRow[],
  pushed: readonly ProbeRow[],
): string | undefined {
  const [term] = probe.orderByClause;
  const column = schema.fields.findIndex((f) => f.name === term?.columnName);
  const field = schema.fields[column];
  if (term === undefined || field === undefined)
    return `${probe.description}: the schema has no column ${term?.columnName ?? ''}`;
  const wanted = Math.min(probe.limit, unpushed.length);
  if (pushed.length !== wanted)
    return `${probe.description} returned ${pushed.length} rows from a split of ${unpushed.length} (Athena needs ${wanted})${pushed.length > wanted ? ': the advertised top-N pushdown was not applied' : ''}`;
  const { extra } = rowDifference(unpushed, pushed);
  if (extra > 0) return `${probe.description} returned ${extra} rows the split's unpushed read does not hold`;
  const order = directedOrder(field.type, term.direction);
  const expected = unpushed
    .map((r) => r[column])
    .sort(order)
    .slice(0, wanted);
  const actual = pushed.map((r) => r[column]).sort(order);
  const wrong = expected.findIndex((v, i) => order(v, actual[i]) !== 0);
  return wrong === -1
    ? undefined
    : `${probe.description}: row ${wrong + 1} of the answer is not row ${wrong + 1} of Athena's top ${wanted} (wrong order, or the top-N was not applied)`;
}

/** One V4 expression to push, described without the table's values (they may be personal data). */
export interface ExpressionProbe {
  readonly description: string;
  readonly expression: FederationExpression;
  /** Every function the expression calls. */
  readonly functions: readonly string[];
}

const bool = { '@type': 'Bool' } as const;
const variable = (field: Field): FederationExpression => ({
  '@type': 'VariableExpression',
  columnName: field.name,
  type: arrowTypeToJson(field.type),
});
const constant = (field: Field, value: unknown): FederationExpression => ({
  '@type': 'ConstantExpression',
  valueBlock: makeValueBlock(field, [value]),
  type: arrowTypeToJson(field.type),
});
const call = (name: string, ...args: FederationExpression[]): FederationExpression => ({
  '@type': 'FunctionCallExpression',
  type: bool,
  functionName: { functionName: name },
  arguments: args,
});

/** The comparisons the probes use, with how each reads in a description. */
const comparisons: readonly [string, string][] = [
  [StandardFunctionNames.equal, '='],
  [StandardFunctionNames.notEqual, '<>'],
  [StandardFunctionNames.lessThan, '<'],
  [StandardFunctionNames.lessThanOrEqual, '<='],
  [StandardFunctionNames.greaterThan, '>'],
  [StandardFunctionNames.greaterThanOrEqual, '>='],
  [StandardFunctionNames.isDistinctFrom, 'IS DISTINCT FROM'],
];

/** The functions {@link expressionProbes} can generate; an advertised function outside it goes unprobed. */
export const PROBED_FUNCTIONS: readonly string[] = [
  ...comparisons.map(([name]) => name),
  StandardFunctionNames.and,
  StandardFunctionNames.or,
  StandardFunctionNames.not,
  StandardFunctionNames.isNull,
  StandardFunctionNames.likePattern,
];

/** What the expression probes are built on: an orderable column and its middle value, a varchar column and one of its values. */
export interface ProbeColumns {
  readonly ordered?: { readonly field: Field; readonly pick: unknown } | undefined;
  readonly text?: { readonly field: Field; readonly sample: string } | undefined;
}

/**
 * The columns probes use: `preferred` (or else the first probe-able column with two distinct values,
 * floats last) with its middle value, and a varchar column with a non-empty value — `preferred` when
 * it is one — for LIKE.
 */
export function probeColumns(fields: readonly Field[], rows: readonly ProbeRow[], preferred?: Field): ProbeColumns {
  const valuesOf = (field: Field) => rows.map((r) => r[fields.indexOf(field)]);
  const distinct = (field: Field) =>
    new Set(
      valuesOf(field)
        .filter((v) => v !== null)
        .map((v) => rowKey([v])),
    ).size;
  const candidates = [
    ...fields.filter((f) => !DataType.isFloat(f.type)),
    ...fields.filter((f) => DataType.isFloat(f.type)),
  ];
  const field = preferred ?? candidates.find((f) => probeColumnProblem(f) === undefined && distinct(f) >= 2);
  const pick = field === undefined ? undefined : middleValue(field, valuesOf(field));
  let text: ProbeColumns['text'];
  for (const candidate of [...(preferred === undefined ? [] : [preferred]), ...fields].filter((f) =>
    DataType.isUtf8(f.type),
  )) {
    const sample = middleValue(
      candidate,
      valuesOf(candidate).filter((v) => v !== ''),
    );
    if (typeof sample === 'string') {
      text = { field: candidate, sample };
      break;
    }
  }
  return { ordered: field === undefined || pick === undefined ? undefined : { field, pick }, text };
}

/**
 * A small, exact set of expressions over the advertised functions only: each comparison against the
 * middle value, IS NULL, AND/OR/NOT around them, and LIKE patterns matching everything, nothing, a
 * prefix, a suffix and one character by `_`.
 */
export function expressionProbes(columns: ProbeColumns, functions: ReadonlySet<string>): ExpressionProbe[] {
  const probes: ExpressionProbe[] = [];
  const add = (description: string, expression: FederationExpression, used: readonly string[]) => {
    if (used.every((f) => functions.has(f))) probes.push({ description, expression, functions: used });
  };
  const { and, or, not, isNull, likePattern, equal, lessThan, lessThanOrEqual, greaterThanOrEqual } =
    StandardFunctionNames;
  if (columns.ordered !== undefined) {
    const { field, pick } = columns.ordered;
    const compare = (name: string) => call(name, variable(field), constant(field, pick));
    for (const [name, operator] of comparisons) add(`${field.name} ${operator} ‹middle value›`, compare(name), [name]);
    add(`${field.name} IS NULL`, call(isNull, variable(field)), [isNull]);
    add(`${field.name} IS NOT NULL`, call(not, call(isNull, variable(field))), [not, isNull]);
    add(`NOT (${field.name} = ‹middle value›)`, call(not, compare(equal)), [not, equal]);
    add(
      `${field.name} >= ‹middle value› AND ${field.name} <= ‹middle value›`,
      call(and, compare(greaterThanOrEqual), compare(lessThanOrEqual)),
      [and, greaterThanOrEqual, lessThanOrEqual],
    );
    add(
      `${field.name} < ‹middle value› OR ${field.name} IS NULL`,
      call(or, compare(lessThan), call(isNull, variable(field))),
      [or, lessThan, isNull],
    );
  }
  if (columns.text !== undefined) {
    const { field, sample } = columns.text;
    const characters = Array.from(sample);
    const like = (pattern: string) => call(likePattern, variable(field), constant(field, pattern));
    add(`${field.name} LIKE '%'`, like('%'), [likePattern]);
    add(`${field.name} LIKE ‹a text no value has›`, like('athena-conformance: no value is this text'), [likePattern]);
    add(`${field.name} LIKE ‹a value's first character›%`, like(`${characters[0] ?? ''}%`), [likePattern]);
    add(`${field.name} LIKE %‹a value's last character›`, like(`%${characters.at(-1) ?? ''}`), [likePattern]);
    add(`${field.name} LIKE _‹the rest of a value›`, like(`_${characters.slice(1).join('')}`), [likePattern]);
    add(`NOT (${field.name} LIKE ‹a value's first character›%)`, call(not, like(`${characters[0] ?? ''}%`)), [
      not,
      likePattern,
    ]);
  }
  return probes;
}

/** The rows of `rows` (in `schema` order) that Athena keeps for `expression`. */
export function rowsKeptBy(expression: FederationExpression, schema: Schema, rows: readonly ProbeRow[]): ProbeRow[] {
  return rows.filter(
    (row) => evaluateExpression(expression, Object.fromEntries(schema.fields.map((f, i) => [f.name, row[i]]))) === true,
  );
}

/** The verdict on an expression read: exactly the rows Athena keeps from the unpushed answer. */
export function expressionVerdict(
  probe: ExpressionProbe,
  schema: Schema,
  unpushed: readonly ProbeRow[],
  pushed: readonly ProbeRow[],
): string | undefined {
  const expected = rowsKeptBy(probe.expression, schema, unpushed);
  const { missing, extra } = rowDifference(expected, pushed);
  if (missing === 0 && extra === 0) return undefined;
  return `${probe.description} returned ${pushed.length} rows where Athena keeps ${expected.length} of ${unpushed.length} (${missing} missing, ${extra} not kept)${pushed.length === unpushed.length && expected.length < unpushed.length ? ': the advertised expression was not applied' : ''}`;
}
