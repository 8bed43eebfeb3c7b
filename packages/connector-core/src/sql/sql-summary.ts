/**
 * Summary (value set) predicates. A predicate is never narrower than Athena's semantics: a part the
 * dialect cannot bind exactly falls back to a looser filter (`IS NOT NULL`, or nothing), and core's
 * re-check of the summary on every row drops what the looser filter lets through.
 */
import type { DataType } from 'apache-arrow';
import { readValue } from '../arrow/block-reader.js';
import { normalizeRanges } from '../constraints/evaluator.js';
import type { Block, Marker, SortedRangeSet, ValueSet } from '../protocol/types.js';
import {
  PARAMETER,
  quoteName,
  type SqlColumn,
  type SqlDialect,
  type SqlParam,
  type SqlPredicate,
  type SummaryTraits,
} from './sql-dialect.js';

interface Typed {
  readonly type: DataType;
  readonly value: unknown;
}

/** What one column's translation works with. */
interface Target<Column extends SqlColumn> {
  readonly dialect: SqlDialect<Column>;
  readonly column: Column;
  readonly quoted: string;
  readonly traits: SummaryTraits;
}

const NOTHING: SqlPredicate = { sql: '1 = 0', params: [], exact: true };

function blockVector(block: Block) {
  return block.records.getChild('col1');
}

function notNull(quoted: string): SqlPredicate {
  return { sql: `${quoted} IS NOT NULL`, params: [], exact: false };
}

/** The weakest safe filter for a set that cannot be expressed: only "not NULL" when NULLs are excluded. */
function fallback(quoted: string, nullAllowed: boolean): SqlPredicate | undefined {
  return nullAllowed ? undefined : notNull(quoted);
}

/** Only NULLs pass: `IS NULL` where the engine's NULL is Athena's, else nothing can be pushed. */
function onlyNull<Column extends SqlColumn>(target: Target<Column>, exact: boolean): SqlPredicate | undefined {
  return target.traits.nullIsExact ? { sql: `${target.quoted} IS NULL`, params: [], exact } : undefined;
}

function markerValue(marker: Marker): Typed | undefined {
  const vector = blockVector(marker.valueBlock);
  if (vector === null || vector.length === 0) return undefined;
  return { type: vector.type, value: readValue(vector, 0) };
}

function withNulls<Column extends SqlColumn>(
  target: Target<Column>,
  body: SqlPredicate,
  nullAllowed: boolean,
): SqlPredicate | undefined {
  if (!nullAllowed) return body;
  if (!target.traits.nullIsExact) return undefined;
  return { sql: `(${target.quoted} IS NULL OR ${body.sql})`, params: body.params, exact: body.exact };
}

function booleanPoints<Column extends SqlColumn>(
  target: Target<Column>,
  values: readonly unknown[],
): SqlPredicate | undefined {
  if (values.some((v) => typeof v !== 'boolean')) return undefined;
  const parts = [...new Set(values as readonly boolean[])].map((v) =>
    target.dialect.booleanTest(target.column, target.quoted, v),
  );
  return {
    sql: parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' OR ')})`,
    params: [],
    exact: target.traits.exact,
  };
}

function stringPoints<Column extends SqlColumn>(
  target: Target<Column>,
  values: readonly unknown[],
): SqlPredicate | undefined {
  if (values.some((v) => typeof v !== 'string')) return undefined;
  const list = target.dialect.stringList(target.column, target.quoted, values as readonly string[]);
  if (list.values.length === 0) return NOTHING;
  return {
    sql: `${list.operand} IN (${list.values.map(() => PARAMETER).join(', ')})`,
    params: list.values,
    exact: target.traits.exact,
  };
}

function pointList<Column extends SqlColumn>(
  target: Target<Column>,
  typed: readonly Typed[],
): SqlPredicate | undefined {
  const { dialect, column, quoted, traits } = target;
  switch (traits.form) {
    case 'boolean':
      return booleanPoints(
        target,
        typed.map((t) => t.value),
      );
    case 'string':
      return stringPoints(
        target,
        typed.map((t) => t.value),
      );
    case 'millisecond-floor': {
      const parts: SqlPredicate[] = [];
      for (const t of typed) {
        const range = millisecondRange(target, t, 'EXACTLY', t, 'EXACTLY');
        if (range === undefined) return undefined;
        parts.push(range);
      }
      return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params), exact: false };
    }
    case 'ordered': {
      const literals: { sql: string; param: SqlParam }[] = [];
      for (const t of typed) {
        const literal = dialect.bindLiteral(column, t.type, t.value);
        if (literal === undefined) return undefined;
        literals.push(literal);
      }
      return {
        sql: `${quoted} IN (${literals.map((l) => l.sql).join(', ')})`,
        params: literals.map((l) => l.param),
        exact: traits.exact,
      };
    }
    case 'none':
      return undefined;
  }
}

/**
 * Athena sees the value cut to milliseconds, so `= L` must keep `L ≤ v < L + 1 ms`: bounds are
 * rewritten into half-open millisecond intervals.
 */
function millisecondRange<Column extends SqlColumn>(
  target: Target<Column>,
  low: Typed | undefined,
  lowBound: Marker['bound'],
  high: Typed | undefined,
  highBound: Marker['bound'],
): SqlPredicate | undefined {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  const add = (end: Typed, plusOne: boolean, op: string): boolean => {
    if (typeof end.value !== 'number') return false;
    const literal = target.dialect.bindLiteral(target.column, end.type, plusOne ? end.value + 1 : end.value);
    if (literal === undefined) return false;
    parts.push(`${target.quoted} ${op} ${literal.sql}`);
    params.push(literal.param);
    return true;
  };
  if (low !== undefined && !add(low, lowBound === 'ABOVE', '>=')) return undefined;
  if (high !== undefined && !add(high, highBound === 'EXACTLY', '<')) return undefined;
  if (parts.length === 0) return notNull(target.quoted);
  return { sql: `(${parts.join(' AND ')})`, params, exact: false };
}

/** One bounded range of an `ordered` or `string` column, or undefined when a bound cannot be bound. */
function boundedRange<Column extends SqlColumn>(
  target: Target<Column>,
  low: Typed | undefined,
  lowBound: Marker['bound'],
  high: Typed | undefined,
  highBound: Marker['bound'],
): SqlPredicate | undefined {
  if (target.traits.form === 'millisecond-floor') return millisecondRange(target, low, lowBound, high, highBound);
  if (target.traits.form === 'boolean' || target.traits.form === 'none') return undefined;
  const parts: string[] = [];
  const params: SqlParam[] = [];
  for (const [end, op] of [
    [low, lowBound === 'EXACTLY' ? '>=' : '>'],
    [high, highBound === 'EXACTLY' ? '<=' : '<'],
  ] as const) {
    if (end === undefined) continue;
    const literal = target.dialect.bindLiteral(target.column, end.type, end.value);
    if (literal === undefined) return undefined;
    parts.push(`${target.quoted} ${op} ${literal.sql}`);
    params.push(literal.param);
  }
  return { sql: `(${parts.join(' AND ')})`, params, exact: target.traits.exact };
}

function rangeSet<Column extends SqlColumn>(target: Target<Column>, set: SortedRangeSet): SqlPredicate | undefined {
  const { quoted, traits } = target;
  const normalized = normalizeRanges(set);
  if (normalized.ranges.length === 0) return set.nullAllowed ? onlyNull(target, traits.exact) : NOTHING;
  const points: Typed[] = [];
  const ranges: SqlPredicate[] = [];
  for (const range of normalized.ranges) {
    const low = range.low.nullValue ? undefined : markerValue(range.low);
    const high = range.high.nullValue ? undefined : markerValue(range.high);
    if ((!range.low.nullValue && low === undefined) || (!range.high.nullValue && high === undefined))
      return fallback(quoted, set.nullAllowed);
    if (
      low !== undefined &&
      high !== undefined &&
      range.low.bound === 'EXACTLY' &&
      range.high.bound === 'EXACTLY' &&
      low.value === high.value
    ) {
      points.push(low);
      continue;
    }
    if (low === undefined && high === undefined) {
      // Not exact where the engine's NULL differs from Athena's: a LIMIT would count those rows.
      ranges.push({ sql: `${quoted} IS NOT NULL`, params: [], exact: traits.nullIsExact });
      continue;
    }
    const bounded = boundedRange(target, low, range.low.bound, high, range.high.bound);
    if (bounded === undefined) return fallback(quoted, set.nullAllowed);
    ranges.push(bounded);
  }
  if (points.length > 0) {
    const list = pointList(target, points);
    if (list === undefined) return fallback(quoted, set.nullAllowed);
    ranges.push(list);
  }
  const body: SqlPredicate =
    ranges.length === 1 && ranges[0] !== undefined
      ? ranges[0]
      : {
          sql: `(${ranges.map((r) => r.sql).join(' OR ')})`,
          params: ranges.flatMap((r) => r.params),
          exact: ranges.every((r) => r.exact),
        };
  return withNulls(target, body, set.nullAllowed);
}

/**
 * The WHERE fragment for one column's value set, or undefined when nothing safe can be pushed.
 * Never narrower than Athena's semantics. Bound values are {@link PARAMETER} marks.
 */
export function valueSetPredicate<Column extends SqlColumn>(
  dialect: SqlDialect<Column>,
  column: Column,
  set: ValueSet,
): SqlPredicate | undefined {
  const quoted = quoteName(dialect, column.name);
  const traits = dialect.summaryTraits(column);
  const target: Target<Column> = { dialect, column, quoted, traits };
  if (set['@type'] !== 'AllOrNoneValueSet' && dialect.customSummary !== undefined) {
    const custom = dialect.customSummary(column, quoted, set);
    if (custom !== undefined) return custom;
  }
  switch (set['@type']) {
    case 'AllOrNoneValueSet':
      if (set.all) return set.nullAllowed ? undefined : notNull(quoted);
      if (set.nullAllowed) return onlyNull(target, true);
      return NOTHING;
    case 'EquatableValueSet': {
      if (!set.whiteList) return fallback(quoted, set.nullAllowed);
      const vector = blockVector(set.valueBlock);
      if (vector === null) return fallback(quoted, set.nullAllowed);
      const typed: Typed[] = [];
      for (let i = 0; i < vector.length; i++) {
        const value = readValue(vector, i);
        // A listed NULL never matches a row (Java compares it as "not equal").
        if (value !== null) typed.push({ type: vector.type, value });
      }
      if (typed.length === 0) return set.nullAllowed ? onlyNull(target, true) : NOTHING;
      const list = pointList(target, typed);
      if (list === undefined) return fallback(quoted, set.nullAllowed);
      return withNulls(target, list, set.nullAllowed);
    }
    case 'SortedRangeSet':
      return rangeSet(target, set);
  }
}
