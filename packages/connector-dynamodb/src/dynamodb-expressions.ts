/**
 * Turns Athena's per-column value sets into DynamoDB expressions: a FilterExpression with
 * `#name`/`:value` placeholders for what DynamoDB can decide exactly, and the hash-key values that
 * make a Query possible. Anything doubtful is left out — core re-checks every row anyway, so
 * pushdown only saves reads and must never drop a row Athena would keep.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  ConnectorError,
  StandardFunctionNames,
  readValue,
  type Block,
  type FederationExpression,
  type Marker,
  type ValueSet,
} from '@athena-federation/connector-core';
import type { Field } from 'apache-arrow';
import { ExpressionBuilder, MAX_IN_OPERANDS, fitsExpression } from './dynamodb-expression-builder.js';
import { findAttribute, parseNumber, plainNumber, SOURCE_TYPE_METADATA, textOf, type Item } from './dynamodb-types.js';

export { ExpressionBuilder };

/** The scalar DynamoDB types a key or pushed-down column can have. */
export type ScalarType = 'S' | 'N' | 'B' | 'BOOL';

/** The JS value a marker or list block holds at `row` of its `col1` column. */
function blockValue(block: Block, row: number): unknown {
  const column = block.records.getChildAt(0);
  return column === null || row >= column.length ? undefined : readValue(column, row);
}

/** A constraint literal as a DynamoDB value of `type`, or undefined when it has no exact equivalent. */
export function toAttributeValue(value: unknown, type: ScalarType): AttributeValue | undefined {
  switch (type) {
    case 'S':
      return typeof value === 'string' ? { S: value } : undefined;
    case 'BOOL':
      return typeof value === 'boolean' ? { BOOL: value } : undefined;
    case 'B':
      return value instanceof Uint8Array ? { B: value } : undefined;
    case 'N': {
      let text: string | undefined;
      if (typeof value === 'bigint') text = value.toString();
      else if (
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!Number.isInteger(value) || Number.isSafeInteger(value))
      )
        text = String(value);
      else if (typeof value === 'string') text = value;
      const parsed = text === undefined ? undefined : parseNumber(text);
      return parsed === undefined ? undefined : { N: plainNumber(parsed) };
    }
  }
}

function markerValue(marker: Marker): unknown {
  return marker.nullValue ? undefined : blockValue(marker.valueBlock, 0);
}

/**
 * The values a set allows when it is a finite list of non-null points (`=`, `IN`, or Athena's
 * dynamic-filter EquatableValueSet); undefined otherwise. NULL never matches a key, so `nullAllowed`
 * does not matter here.
 */
export function pointValues(set: ValueSet): unknown[] | undefined {
  if (set['@type'] === 'EquatableValueSet') {
    if (!set.whiteList) return undefined;
    const values: unknown[] = [];
    for (let row = 0; row < set.valueBlock.records.numRows; row++) {
      const value = blockValue(set.valueBlock, row);
      if (value !== null && value !== undefined) values.push(value);
    }
    return values;
  }
  if (set['@type'] === 'SortedRangeSet') {
    const values: unknown[] = [];
    for (const range of set.ranges) {
      if (
        range.low.bound !== 'EXACTLY' ||
        range.high.bound !== 'EXACTLY' ||
        range.low.nullValue ||
        range.high.nullValue
      )
        return undefined;
      const low = markerValue(range.low);
      const high = markerValue(range.high);
      if (low === undefined || low === null || keyOf(low) !== keyOf(high)) return undefined;
      values.push(low);
    }
    return values;
  }
  return set.all ? undefined : [];
}

function keyOf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
  );
}

/** Distinct DynamoDB values for a key of `type`; literals with no exact equivalent match nothing and are dropped. */
export function keyValues(values: readonly unknown[], type: ScalarType): AttributeValue[] {
  const seen = new Map<string, AttributeValue>();
  for (const value of values) {
    const attribute = toAttributeValue(value, type);
    if (attribute !== undefined) seen.set(keyOf(attribute), attribute);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** The DynamoDB type a column was inferred from (field metadata), when it is one pushdown can use. */
export function scalarTypeOf(field: Field): ScalarType | undefined {
  const type = field.metadata.get(SOURCE_TYPE_METADATA);
  return type === 'S' || type === 'N' || type === 'B' || type === 'BOOL' ? type : undefined;
}

/**
 * A range bound DynamoDB orders exactly as Athena does. Strings qualify only below U+D800: there
 * UTF-8 byte order (DynamoDB), code point order (Athena, core) and UTF-16 code unit order all agree.
 * Above it DynamoDB's order is still Athena's, but dynalite, which the tests run against, compares
 * UTF-16 units; such bounds are left to core until a stand-in can prove them.
 */
function orderedValue(value: unknown, type: ScalarType): AttributeValue | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at U+0000 on purpose (every code point below the surrogates)
  if (type === 'S' && !(typeof value === 'string' && /^[\u0000-\ud7ff]*$/.test(value))) return undefined;
  return type === 'N' || type === 'S' || type === 'B' ? toAttributeValue(value, type) : undefined;
}

/** DynamoDB's longest sort key value, in bytes. */
const MAX_SORT_KEY_BYTES = 1024;

/**
 * A bound a sort key can be compared with in a KeyConditionExpression: DynamoDB refuses an empty
 * key value there, and no key is longer than 1,024 bytes (such a bound is left to core's re-check).
 */
function keyBound(value: AttributeValue | undefined): AttributeValue | undefined {
  const bytes =
    value?.S !== undefined ? Buffer.byteLength(value.S, 'utf8') : value?.B !== undefined ? value.B.length : 1;
  return bytes > 0 && bytes <= MAX_SORT_KEY_BYTES ? value : undefined;
}

/**
 * The sort-key part of a KeyConditionExpression for `set`, or undefined. DynamoDB allows one
 * condition on the sort key, so a two-sided range becomes an inclusive BETWEEN — a superset that
 * core's row check narrows to the exact bounds (Java pushes only one side instead).
 */
export function sortKeyCondition(
  builder: ExpressionBuilder,
  attribute: string,
  type: ScalarType,
  set: ValueSet,
): string | undefined {
  if (set['@type'] !== 'SortedRangeSet' || set.nullAllowed || set.ranges.length !== 1) return undefined;
  const [range] = set.ranges;
  if (range === undefined) return undefined;
  const low = range.low.nullValue ? undefined : keyBound(orderedValue(markerValue(range.low), type));
  const high = range.high.nullValue ? undefined : keyBound(orderedValue(markerValue(range.high), type));
  if ((!range.low.nullValue && low === undefined) || (!range.high.nullValue && high === undefined)) return undefined;
  const name = builder.name(attribute);
  if (low !== undefined && high !== undefined) {
    if (range.low.bound === 'EXACTLY' && range.high.bound === 'EXACTLY' && keyOf(low) === keyOf(high))
      return `${name} = ${builder.value(low)}`;
    return `${name} BETWEEN ${builder.value(low)} AND ${builder.value(high)}`;
  }
  if (low !== undefined) return `${name} ${range.low.bound === 'EXACTLY' ? '>=' : '>'} ${builder.value(low)}`;
  if (high !== undefined) return `${name} ${range.high.bound === 'EXACTLY' ? '<=' : '<'} ${builder.value(high)}`;
  return undefined;
}

/** One column's condition, or undefined when it cannot be pushed exactly. */
function columnCondition(
  builder: ExpressionBuilder,
  attribute: string,
  type: ScalarType,
  set: ValueSet,
): string | undefined {
  // Rows with NULL or a missing attribute must survive a nullAllowed set; DynamoDB's comparisons drop them.
  if (set.nullAllowed) return undefined;
  const points = pointValues(set);
  if (points !== undefined) {
    const values = keyValues(points, type);
    if (values.length === 0 || values.length > MAX_IN_OPERANDS || values.length !== points.length) return undefined;
    const name = builder.name(attribute);
    const placeholders = values.map((v) => builder.value(v));
    return placeholders.length === 1 ? `${name} = ${placeholders[0] ?? ''}` : `${name} IN (${placeholders.join(', ')})`;
  }
  if (
    set['@type'] !== 'SortedRangeSet' ||
    (type !== 'N' && type !== 'S') ||
    set.ranges.length === 0 ||
    set.ranges.length > MAX_IN_OPERANDS
  )
    return undefined;
  const name = builder.name(attribute);
  const clauses: string[] = [];
  for (const range of set.ranges) {
    const parts: string[] = [];
    if (!range.low.nullValue) {
      const low = orderedValue(markerValue(range.low), type);
      if (low === undefined) return undefined;
      parts.push(`${name} ${range.low.bound === 'EXACTLY' ? '>=' : '>'} ${builder.value(low)}`);
    }
    if (!range.high.nullValue) {
      const high = orderedValue(markerValue(range.high), type);
      if (high === undefined) return undefined;
      parts.push(`${name} ${range.high.bound === 'EXACTLY' ? '<=' : '<'} ${builder.value(high)}`);
    }
    // An unbounded range means "any non-null value", which DynamoDB cannot say for NULL-typed attributes.
    if (parts.length === 0) return undefined;
    clauses.push(parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' AND ')})`);
  }
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' OR ')})`;
}

/**
 * `clause` for items whose `attribute` holds a string, and true for every other item. The reader
 * shows any DynamoDB value in a varchar column as text (a number as its digits, a list as JSON), so
 * an item whose type drifted from the sampled one still reaches core's re-check, which decides it;
 * DynamoDB, comparing types strictly, would silently drop it.
 */
function onStringsOnly(builder: ExpressionBuilder, attribute: string, clause: string): string {
  return `(${clause} OR NOT attribute_type(${builder.name(attribute)}, ${builder.shared('type S', { S: 'S' })}))`;
}

/**
 * The FilterExpression for the summary constraints DynamoDB can decide exactly, ANDed; columns in
 * `exclude` (Query key attributes, which a filter may not name) are skipped. `typed` names the
 * attributes whose DynamoDB type the table enforces (key attributes of the table and its indexes);
 * on other string columns a clause applies only to items that hold a string (see
 * {@link onStringsOnly}). Clauses are added while the expression stays within DynamoDB's limits;
 * the rest is left to core's re-check. Undefined when nothing can be pushed.
 */
export function buildFilterExpression(
  builder: ExpressionBuilder,
  fields: readonly Field[],
  summary: Readonly<Record<string, ValueSet>>,
  exclude: ReadonlySet<string>,
  likes: readonly LikeCondition[] = [],
  typed: ReadonlySet<string> = new Set(),
): string | undefined {
  const clauses: string[] = [];
  const add = (field: Field, build: () => string | undefined) => {
    const guarded =
      scalarTypeOf(field) === 'S' && !typed.has(field.name)
        ? () => {
            const clause = build();
            return clause === undefined ? undefined : onStringsOnly(builder, field.name, clause);
          }
        : build;
    const clause = builder.attempt(guarded, (c) => fitsExpression([...clauses, c].join(' AND ')));
    if (clause !== undefined) clauses.push(clause);
  };
  const fieldOf = (column: string) =>
    fields.find((f) => f.name === column) ?? fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
  for (const [column, set] of Object.entries(summary)) {
    const field = fieldOf(column);
    if (field === undefined || exclude.has(field.name.toLowerCase())) continue;
    const type = scalarTypeOf(field);
    if (type !== undefined) add(field, () => columnCondition(builder, field.name, type, set));
  }
  for (const like of likes) {
    const field = fieldOf(like.column);
    const prefix = like.prefix;
    if (
      prefix === undefined ||
      prefix === '' ||
      field === undefined ||
      exclude.has(field.name.toLowerCase()) ||
      scalarTypeOf(field) !== 'S'
    )
      continue;
    add(field, () => beginsWith(builder, field.name, prefix));
  }
  return clauses.length === 0 ? undefined : clauses.join(' AND ');
}

/**
 * The ProjectionExpression of `attributes`, or undefined when it would not fit DynamoDB's limits:
 * reading whole items then costs bandwidth, never an answer (the reader picks its columns).
 */
export function projectionExpression(builder: ExpressionBuilder, attributes: readonly string[]): string | undefined {
  return builder.attempt(() => attributes.map((name) => builder.name(name)).join(', '), fitsExpression);
}

// ----------------------------------------------------------------------------------------------
// LIKE (complex-expression pushdown of `$like_pattern`)

/** One `column LIKE pattern` conjunct Athena pushed down. */
export interface LikeCondition {
  /** The column as Athena named it. */
  readonly column: string;
  /** SQL LIKE on a value's text: `%` any run, `_` one character, escapes resolved; NULL never matches. */
  test(item: Item): boolean;
  /**
   * Set when the pattern is a literal prefix followed only by `%`: then LIKE is exactly
   * `begins_with(column, prefix)` on strings (a prefix is a prefix in UTF-8 and UTF-16 alike).
   */
  readonly prefix: string | undefined;
}

/** The escape character of a LIKE, from its optional third argument. */
function escapeOf(expression: FederationExpression | undefined, column: string): string | undefined {
  if (expression === undefined) return undefined;
  const value = expression['@type'] === 'ConstantExpression' ? blockValue(expression.valueBlock, 0) : undefined;
  if (typeof value !== 'string' || [...value].length !== 1)
    throw new ConnectorError('InvalidInput', `The LIKE escape on column ${column} must be a single character`);
  return value;
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

/**
 * Compiles a LIKE pattern: the whole-value regular expression, and the literal prefix when the
 * pattern is `prefix%` (any number of trailing `%`, no other wildcard).
 */
export function compileLikePattern(
  pattern: string,
  escape: string | undefined,
  column: string,
): { readonly regex: RegExp; readonly prefix: string | undefined } {
  let source = '';
  let literal = '';
  /** Whether every character so far was literal (so `literal` is the prefix). */
  let literalSoFar = true;
  let trailingPercentOnly = true;
  let sawPercent = false;
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    let char = chars[i] ?? '';
    let wildcard = char === '%' || char === '_';
    if (escape !== undefined && char === escape) {
      const next = chars[++i];
      if (next !== '%' && next !== '_' && next !== escape)
        throw new ConnectorError(
          'InvalidInput',
          `The LIKE pattern on column ${column} has an escape character not followed by %, _ or itself`,
        );
      char = next;
      wildcard = false;
    }
    if (wildcard) {
      source += char === '%' ? '.*' : '.';
      if (char === '_') trailingPercentOnly = false;
      if (char === '%') sawPercent = true;
      literalSoFar = false;
      continue;
    }
    source += REGEX_SPECIAL.test(char) ? `\\${char}` : char;
    if (literalSoFar) literal += char;
    else trailingPercentOnly = false;
  }
  // `s`: % and _ match line breaks too; `u`: _ is one code point, as in Trino.
  return {
    regex: new RegExp(`^${source}$`, 'su'),
    prefix: !literalSoFar && sawPercent && trailingPercentOnly ? literal : undefined,
  };
}

function likeOf(call: Extract<FederationExpression, { '@type': 'FunctionCallExpression' }>): LikeCondition {
  const [variable, pattern, escape] = call.arguments;
  if (
    variable?.['@type'] !== 'VariableExpression' ||
    pattern?.['@type'] !== 'ConstantExpression' ||
    call.arguments.length > 3
  ) {
    throw new ConnectorError('Unsupported', 'A $like_pattern expression must compare a column with a constant pattern');
  }
  const column = variable.columnName;
  const text = blockValue(pattern.valueBlock, 0);
  if (typeof text !== 'string')
    throw new ConnectorError('InvalidInput', `The LIKE pattern on column ${column} is not a string`);
  const { regex, prefix } = compileLikePattern(text, escapeOf(escape, column), column);
  return {
    column,
    prefix,
    test: (item) => {
      const value = findAttribute(item, column);
      const shown = value === undefined ? null : textOf(value);
      return shown !== null && regex.test(shown);
    },
  };
}

/**
 * The LIKE conditions of Athena's pushed-down expressions (a conjunction; `$and` is flattened).
 * Only `$like_pattern` is advertised, so anything else was not meant for this connector: it fails
 * as Unsupported rather than being ignored, because nothing else would apply it.
 */
export function likeConditions(expressions: readonly FederationExpression[]): LikeCondition[] {
  const conditions: LikeCondition[] = [];
  const visit = (expression: FederationExpression) => {
    const name =
      expression['@type'] === 'FunctionCallExpression' ? expression.functionName.functionName : expression['@type'];
    if (expression['@type'] === 'FunctionCallExpression' && name === StandardFunctionNames.and)
      expression.arguments.forEach(visit);
    else if (expression['@type'] === 'FunctionCallExpression' && name === StandardFunctionNames.likePattern)
      conditions.push(likeOf(expression));
    else
      throw new ConnectorError(
        'Unsupported',
        `Pushed-down expression ${name} is not one this connector advertises (only ${StandardFunctionNames.likePattern})`,
      );
  };
  expressions.forEach(visit);
  return conditions;
}

/** Whether `prefix` can be a sort-key `begins_with` condition (not empty, no longer than a key). */
export function isKeyPrefix(prefix: string): boolean {
  return keyBound({ S: prefix }) !== undefined;
}

/** `begins_with(attribute, prefix)` for a KeyConditionExpression or FilterExpression. */
export function beginsWith(builder: ExpressionBuilder, attribute: string, prefix: string): string {
  return `begins_with(${builder.name(attribute)}, ${builder.value({ S: prefix })})`;
}
