/**
 * Builds the SELECT of a split. Identifiers are backtick-quoted with backticks doubled; every value
 * from a request (constraint literals, split bounds) is a bound `?` with an explicit CAST, so MySQL
 * compares numbers as numbers and nothing from a request is ever SQL text. A predicate is only
 * pushed when MySQL keeps at least every row Athena's semantics keep (core re-checks each row).
 */
import { DataType, DateUnit, type Vector } from 'apache-arrow';
import { ConnectorError, normalizeRanges, readValue } from '@athena-federation/connector-core';
import type { Block, Constraints, Marker, OrderByField, SortedRangeSet, ValueSet } from '@athena-federation/connector-core';
import { translateExpressions } from './aurora-expression.js';
import { stringList } from './aurora-strings.js';
import { yearPredicate } from './aurora-year.js';
import type { SqlParam, Statement } from './aurora-client.js';
import { type ColumnKind, type MappedColumn, formatDay, formatMillis } from './aurora-types.js';

/**
 * `` `name` `` with embedded backticks doubled, MySQL's only escape inside quoted identifiers.
 *
 * @throws {ConnectorError} `InvalidInput` for NUL, which no MySQL identifier may contain.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new ConnectorError('InvalidInput', 'Identifiers cannot contain NUL characters');
  return `\`${name.replaceAll('`', '``')}\``;
}

/** One column's WHERE fragment. `exact`: MySQL keeps exactly Athena's rows, so a LIMIT may follow. */
export interface Predicate {
  readonly sql: string;
  readonly params: readonly SqlParam[];
  readonly exact: boolean;
}

/** A bound literal: `sql` is the placeholder with its cast. */
interface Literal {
  readonly sql: string;
  readonly param: SqlParam;
}

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(?:\.(\d+))?$/;
/** MySQL's largest DECIMAL scale (MariaDB allows 38, MySQL 30). */
const MAX_CAST_SCALE = 30;
/** The largest BIT(64) (and BIGINT UNSIGNED) value. */
const MAX_UNSIGNED_64 = 2n ** 64n - 1n;

/** Reads the single value of a marker or the values of a list block (column `col1`). */
function blockVector(block: Block): Vector | null {
  return block.records.getChild('col1');
}

/**
 * Binds `value` (read from a vector of type `type`) for comparison with a column of `kind`, or
 * undefined when it cannot be compared exactly in MySQL (the column then gets a weaker predicate).
 */
function bindLiteral(kind: ColumnKind, type: DataType, value: unknown): Literal | undefined {
  switch (kind) {
    case 'bits': {
      // Bit values are unsigned (BIT(64) reaches 2^64-1); CAST(? AS UNSIGNED) would wrap a negative
      // literal to the largest value and clamp one above 2^64-1 to it, so neither is bound at all.
      const text = typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : typeof value === 'string' ? value : undefined;
      return text !== undefined && /^\d{1,20}$/.test(text) && BigInt(text) <= MAX_UNSIGNED_64 ? { sql: 'CAST(? AS UNSIGNED)', param: text } : undefined;
    }
    case 'integer': {
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return { sql: 'CAST(? AS SIGNED)', param: String(value) };
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) return { sql: 'CAST(? AS SIGNED)', param: value };
      return undefined;
    }
    case 'unsigned-bigint':
    case 'decimal': {
      const text = typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : typeof value === 'string' ? value : undefined;
      const match = text === undefined ? null : DECIMAL_TEXT.exec(text);
      if (text === undefined || match === null) return undefined;
      const scale = match[1]?.length ?? 0;
      if (scale > MAX_CAST_SCALE) return undefined;
      // The scale is a count we computed from digits, not request text.
      return { sql: `CAST(? AS DECIMAL(65,${scale}))`, param: text };
    }
    case 'date': {
      if (!(DataType.isDate(type) && type.unit === DateUnit.DAY && typeof value === 'number')) return undefined;
      const day = formatDay(value);
      return day === undefined ? undefined : { sql: 'CAST(? AS DATE)', param: day };
    }
    case 'datetime': {
      if (!(DataType.isDate(type) && type.unit === DateUnit.MILLISECOND && typeof value === 'number')) return undefined;
      const text = formatMillis(value);
      return text === undefined ? undefined : { sql: 'CAST(? AS DATETIME(3))', param: text };
    }
    default:
      return undefined;
  }
}

/** Kinds whose pushed predicates select exactly Athena's rows (no collation, rounding or zero-date effects). */
const EXACT_KINDS: ReadonlySet<ColumnKind> = new Set(['integer', 'year', 'unsigned-bigint', 'decimal', 'bit-bool', 'int-bool']);
/** Kinds where a NULL in Athena may be a non-NULL value in MySQL (zero dates), so `IS NULL` would drop rows. */
const ZERO_DATE_KINDS: ReadonlySet<ColumnKind> = new Set(['date', 'datetime', 'datetime-text']);

function notNull(column: string): Predicate {
  return { sql: `${column} IS NOT NULL`, params: [], exact: false };
}

/** The weakest safe filter for a set we cannot express: only "not NULL" when NULLs are excluded. */
function fallback(column: string, nullAllowed: boolean): Predicate | undefined {
  return nullAllowed ? undefined : notNull(column);
}

function markerValue(marker: Marker): { type: DataType; value: unknown } | undefined {
  const vector = blockVector(marker.valueBlock);
  if (vector === null || vector.length === 0) return undefined;
  return { type: vector.type, value: readValue(vector, 0) };
}

function withNulls(column: string, kind: ColumnKind, body: Predicate, nullAllowed: boolean): Predicate | undefined {
  if (!nullAllowed) return body;
  if (ZERO_DATE_KINDS.has(kind)) return undefined;
  return { sql: `(${column} IS NULL OR ${body.sql})`, params: body.params, exact: body.exact };
}

function booleanPoints(column: string, values: readonly unknown[], exact: boolean): Predicate | undefined {
  const wanted = new Set(values.map((v) => v === true));
  if (values.some((v) => typeof v !== 'boolean')) return undefined;
  // TINYINT(1) holding 5 is true in Athena (getBoolean); `<> 0` keeps it, `= 1` would not.
  const parts = [...wanted].map((v) => (v ? `${column} <> 0` : `${column} = 0`));
  return { sql: parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' OR ')})`, params: [], exact };
}

function pointList(mapped: MappedColumn, column: string, kind: ColumnKind, typed: readonly { type: DataType; value: unknown }[]): Predicate | undefined {
  if (kind === 'bit-bool' || kind === 'int-bool') return booleanPoints(column, typed.map((t) => t.value), true);
  if (kind === 'string') {
    if (typed.some((t) => typeof t.value !== 'string')) return undefined;
    const list = stringList(mapped, column, typed.map((t) => t.value as string));
    if (list.values.length === 0) return { sql: '1 = 0', params: [], exact: true };
    // Case-insensitive or PAD SPACE collations match more than Athena does; core drops the extras.
    return { sql: `${list.operand} IN (${list.values.map(() => '?').join(', ')})`, params: list.values, exact: false };
  }
  if (kind === 'datetime') {
    const parts: Predicate[] = [];
    for (const t of typed) {
      const range = datetimeRange(column, t, 'EXACTLY', t, 'EXACTLY');
      if (range === undefined) return undefined;
      parts.push(range);
    }
    return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params), exact: false };
  }
  const literals: Literal[] = [];
  for (const t of typed) {
    const literal = bindLiteral(kind, t.type, t.value);
    if (literal === undefined) return undefined;
    literals.push(literal);
  }
  return { sql: `${column} IN (${literals.map((l) => l.sql).join(', ')})`, params: literals.map((l) => l.param), exact: EXACT_KINDS.has(kind) };
}

/**
 * Athena sees a DATETIME(6) value truncated to milliseconds, so `= L` must keep `L ≤ v < L + 1 ms`:
 * bounds are rewritten into half-open millisecond intervals.
 */
function datetimeRange(column: string, low: { type: DataType; value: unknown } | undefined, lowBound: Marker['bound'], high: { type: DataType; value: unknown } | undefined, highBound: Marker['bound']): Predicate | undefined {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  const add = (v: { type: DataType; value: unknown }, plusOne: boolean, op: string): boolean => {
    if (typeof v.value !== 'number') return false;
    const literal = bindLiteral('datetime', v.type, plusOne ? v.value + 1 : v.value);
    if (literal === undefined) return false;
    parts.push(`${column} ${op} ${literal.sql}`);
    params.push(literal.param);
    return true;
  };
  if (low !== undefined && !add(low, lowBound === 'ABOVE', '>=')) return undefined;
  if (high !== undefined && !add(high, highBound === 'EXACTLY', '<')) return undefined;
  if (parts.length === 0) return notNull(column);
  return { sql: `(${parts.join(' AND ')})`, params, exact: false };
}

function rangeSet(mapped: MappedColumn, column: string, kind: ColumnKind, set: SortedRangeSet): Predicate | undefined {
  const normalized = normalizeRanges(set);
  if (normalized.ranges.length === 0) return set.nullAllowed ? (ZERO_DATE_KINDS.has(kind) ? undefined : { sql: `${column} IS NULL`, params: [], exact: EXACT_KINDS.has(kind) }) : { sql: '1 = 0', params: [], exact: true };
  const points: { type: DataType; value: unknown }[] = [];
  const ranges: Predicate[] = [];
  for (const range of normalized.ranges) {
    const low = range.low.nullValue ? undefined : markerValue(range.low);
    const high = range.high.nullValue ? undefined : markerValue(range.high);
    if ((!range.low.nullValue && low === undefined) || (!range.high.nullValue && high === undefined)) return fallback(column, set.nullAllowed);
    if (low !== undefined && high !== undefined && range.low.bound === 'EXACTLY' && range.high.bound === 'EXACTLY' && sameValue(low.value, high.value)) {
      points.push(low);
      continue;
    }
    if (low === undefined && high === undefined) {
      // Not exact for dates: a zero date is NULL to Athena but not to MySQL (a LIMIT would count it).
      ranges.push({ sql: `${column} IS NOT NULL`, params: [], exact: !ZERO_DATE_KINDS.has(kind) });
      continue;
    }
    if (kind === 'datetime') {
      const p = datetimeRange(column, low, range.low.bound, high, range.high.bound);
      if (p === undefined) return fallback(column, set.nullAllowed);
      ranges.push(p);
      continue;
    }
    const parts: string[] = [];
    const params: SqlParam[] = [];
    for (const [end, op] of [
      [low, range.low.bound === 'EXACTLY' ? '>=' : '>'],
      [high, range.high.bound === 'EXACTLY' ? '<=' : '<'],
    ] as const) {
      if (end === undefined) continue;
      const literal = bindLiteral(kind, end.type, end.value);
      if (literal === undefined) return fallback(column, set.nullAllowed);
      parts.push(`${column} ${op} ${literal.sql}`);
      params.push(literal.param);
    }
    ranges.push({ sql: `(${parts.join(' AND ')})`, params, exact: EXACT_KINDS.has(kind) });
  }
  if (points.length > 0) {
    const list = pointList(mapped, column, kind, points);
    if (list === undefined) return fallback(column, set.nullAllowed);
    ranges.push(list);
  }
  const body: Predicate = ranges.length === 1 && ranges[0] !== undefined ? ranges[0] : { sql: `(${ranges.map((r) => r.sql).join(' OR ')})`, params: ranges.flatMap((r) => r.params), exact: ranges.every((r) => r.exact) };
  return withNulls(column, kind, body, set.nullAllowed) ?? undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'bigint' && typeof b === 'bigint' && a === b);
}

/**
 * The WHERE fragment for one column's value set, or undefined when nothing safe can be pushed.
 * Never narrower than Athena's semantics: unexpressible parts fall back to a looser filter.
 */
export function valueSetPredicate(column: MappedColumn, set: ValueSet): Predicate | undefined {
  const quoted = quoteIdentifier(column.name);
  const kind = column.kind;
  if (kind === 'year' && set['@type'] !== 'AllOrNoneValueSet') return yearPredicate(quoted, set) ?? fallback(quoted, set.nullAllowed);
  switch (set['@type']) {
    case 'AllOrNoneValueSet':
      if (set.all) return set.nullAllowed ? undefined : notNull(quoted);
      if (set.nullAllowed) return ZERO_DATE_KINDS.has(kind) ? undefined : { sql: `${quoted} IS NULL`, params: [], exact: true };
      return { sql: '1 = 0', params: [], exact: true };
    case 'EquatableValueSet': {
      if (!set.whiteList) return fallback(quoted, set.nullAllowed);
      const vector = blockVector(set.valueBlock);
      if (vector === null) return fallback(quoted, set.nullAllowed);
      const typed: { type: DataType; value: unknown }[] = [];
      for (let i = 0; i < vector.length; i++) {
        const value = readValue(vector, i);
        // A listed NULL never matches a row (Java compares it as "not equal").
        if (value !== null) typed.push({ type: vector.type, value });
      }
      if (typed.length === 0) return set.nullAllowed ? (ZERO_DATE_KINDS.has(kind) ? undefined : { sql: `${quoted} IS NULL`, params: [], exact: true }) : { sql: '1 = 0', params: [], exact: true };
      const list = pointList(column, quoted, kind, typed);
      if (list === undefined) return fallback(quoted, set.nullAllowed);
      return withNulls(quoted, kind, list, set.nullAllowed);
    }
    case 'SortedRangeSet':
      return rangeSet(column, quoted, kind, set);
  }
}

/**
 * The column expression in the select list: TIME and unknown types as the server's own text, and
 * DATE / DATETIME(≤ 3) too: the server formats them in C, where mysql2 would assemble each one from
 * its binary fields with string padding (a quarter of a whole read's time); both are the
 * `YYYY-MM-DD[ HH:MM:SS[.fff]]` that is read as epoch days or milliseconds, zero dates included.
 * DATETIME(> 3) stays as mysql2 writes it, since its text is the value Athena sees. Geometries are
 * cast to bytes: mysql2 would parse them into objects and drop the SRID.
 */
export function selectExpression(column: MappedColumn): string {
  const quoted = quoteIdentifier(column.name);
  if (column.kind === 'geometry') return `CAST(${quoted} AS BINARY)`;
  return column.kind === 'time' || column.kind === 'text-fallback' || column.kind === 'date' || column.kind === 'datetime' ? `CAST(${quoted} AS CHAR)` : quoted;
}

/**
 * The key MySQL sorts a column by so that its order is Athena's, or undefined when none is exact:
 * strings by their UTF-8 bytes (code point order, no collation), booleans by truth, dates with zero
 * dates as NULL (as Athena reads them). Strings longer than MySQL's default `max_sort_length` (1024
 * bytes) would be sorted by a prefix only, so only CHAR/VARCHAR of at most 256 characters qualify.
 */
export function sortKey(column: MappedColumn): string | undefined {
  const quoted = quoteIdentifier(column.name);
  switch (column.kind) {
    case 'integer':
    case 'year':
    case 'unsigned-bigint':
    case 'decimal':
    case 'float':
    case 'double':
    case 'bit-bool':
    case 'bits':
      return quoted;
    case 'int-bool':
      // TINYINT(1) holding -1 is true to Athena but sorts below false in MySQL.
      return `(${quoted} <> 0)`;
    case 'date':
    case 'datetime':
    case 'datetime-text':
      return `IF(MONTH(${quoted}) = 0 OR DAYOFMONTH(${quoted}) = 0, NULL, ${quoted})`;
    case 'string': {
      const length = /^(?:var)?char\((\d+)\)/.exec(column.mysql.columnType.toLowerCase());
      if (length === null || Number(length[1]) > 256) return undefined;
      return `CAST(CONVERT(${quoted} USING utf8mb4) AS BINARY)`;
    }
    default:
      return undefined;
  }
}

/** `ORDER BY` terms for Athena's order, with NULLS FIRST/LAST spelled as `ISNULL(key)` sort keys. */
export function orderByTerms(fields: readonly OrderByField[], lookup: (name: string) => MappedColumn | undefined): string[] | undefined {
  const terms: string[] = [];
  for (const field of fields) {
    const column = lookup(field.columnName);
    const key = column === undefined ? undefined : sortKey(column);
    if (key === undefined) return undefined;
    const descending = field.direction.startsWith('DESC');
    const nullsFirst = field.direction.endsWith('NULLS_FIRST');
    // MySQL puts NULLs first ascending and last descending; ISNULL(key) = 1 for NULL fixes either way.
    terms.push(`ISNULL(${key}) ${nullsFirst ? 'DESC' : 'ASC'}`, `${key} ${descending ? 'DESC' : 'ASC'}`);
  }
  return terms;
}

/** The table column Athena means by `name`: the exact name, else the one case-insensitive match. */
export function columnLookup(columns: readonly MappedColumn[]): (name: string) => MappedColumn | undefined {
  return (name) => {
    const exact = columns.find((c) => c.name === name);
    if (exact !== undefined) return exact;
    const matches = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
    return matches.length === 1 ? matches[0] : undefined;
  };
}

/**
 * Most placeholders, and bytes of SQL text plus bound values, one statement carries. MySQL refuses a
 * prepared statement with more than 65,535 placeholders (ER_PS_MANY_PARAM) and a packet larger than
 * `max_allowed_packet` (4 MiB by default in MySQL 5.7 and Aurora MySQL 2); a dynamic filter from
 * a large table carries more than either. A predicate that would cross a limit is not pushed, and
 * Athena (and core's re-check) filter instead.
 */
const MAX_PLACEHOLDERS = 65_000;
const MAX_STATEMENT_BYTES = 2 * 1024 * 1024;

function statementBudget() {
  let placeholders = 0;
  let bytes = 0;
  const cost = (p: { sql: string; params: readonly SqlParam[] }) => Buffer.byteLength(p.sql) + p.params.reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.byteLength : 8), 0);
  const take = (p: { sql: string; params: readonly SqlParam[] }) => {
    placeholders += p.params.length;
    bytes += cost(p);
  };
  return {
    take,
    /** Takes `p` into the statement if it fits. */
    admits(p: { sql: string; params: readonly SqlParam[] }): boolean {
      if (placeholders + p.params.length > MAX_PLACEHOLDERS || bytes + cost(p) > MAX_STATEMENT_BYTES) return false;
      take(p);
      return true;
    },
  };
}

/** What one split reads. */
export interface SelectSpec {
  readonly schemaName: string;
  readonly tableName: string;
  /** Projected columns, in the order rows are yielded. */
  readonly columns: readonly MappedColumn[];
  /** Every column of the table, to find constrained columns that are not projected. */
  readonly tableColumns: readonly MappedColumn[];
  readonly constraints: Constraints;
  /** Extra WHERE conjuncts from the split (key ranges). */
  readonly splitPredicates: readonly Predicate[];
  /** A named MySQL partition to read (`PARTITION (p)`), from a partition split. */
  readonly partition?: string;
}

/** A split's statement, and whether MySQL applies every expression and the order exactly. */
export interface SelectStatement extends Statement {
  /**
   * Every expression translated, and the ORDER BY too when there is one: then the rows MySQL returns
   * are the ones Athena keeps, in Athena's order, and core may stop at the limit
   * (`confirmExactPushdown`). Otherwise the split is read whole and Athena filters and sorts.
   */
  readonly exactPushdown: boolean;
}

/**
 * The statement for a split: projected columns, pushed summary predicates and expressions ANDed
 * with the split's own, `ORDER BY` for a top-N, and `LIMIT` when MySQL's rows are exactly Athena's.
 * LIMIT and top-N apply to this split only; Athena applies its own LIMIT / top-N to all splits.
 * An expression or sort key MySQL cannot evaluate as Athena does is left to Athena: no LIMIT then,
 * and `exactPushdown` false, so core reads on instead of stopping at rows Athena would drop.
 */
export function buildSelect(spec: SelectSpec): SelectStatement {
  const lookup = columnLookup(spec.tableColumns);
  const byName = new Map(spec.tableColumns.map((c) => [c.name, c]));
  const where: { sql: string; params: readonly SqlParam[] }[] = [...spec.splitPredicates];
  const budget = statementBudget();
  for (const predicate of spec.splitPredicates) budget.take(predicate);
  const limit = spec.constraints.limit;
  const pushed = translateExpressions(spec.constraints.expression, lookup, quoteIdentifier);
  let exactPushdown = pushed.complete;
  for (const conjunct of pushed.conjuncts) {
    if (budget.admits(conjunct)) where.push(conjunct);
    else exactPushdown = false;
  }
  let exact = true;
  for (const [name, set] of Object.entries(spec.constraints.summary)) {
    const column = byName.get(name);
    if (column === undefined) {
      exact = false;
      continue;
    }
    const predicate = valueSetPredicate(column, set);
    if (predicate === undefined || !budget.admits(predicate)) {
      if (!(set['@type'] === 'AllOrNoneValueSet' && set.all && set.nullAllowed)) exact = false;
      continue;
    }
    where.push(predicate);
    exact &&= predicate.exact;
  }
  const select = spec.columns.length === 0 ? 'NULL' : spec.columns.map(selectExpression).join(', ');
  let sql = `SELECT ${select} FROM ${quoteIdentifier(spec.schemaName)}.${quoteIdentifier(spec.tableName)}`;
  if (spec.partition !== undefined) sql += ` PARTITION (${quoteIdentifier(spec.partition)})`;
  if (where.length > 0) sql += ` WHERE ${where.map((p) => p.sql).join(' AND ')}`;
  const params = where.flatMap((p) => p.params);
  if (limit >= 0n && spec.constraints.orderByClause.length > 0) {
    const terms = orderByTerms(spec.constraints.orderByClause, lookup);
    // Even when LIMIT stays out of the SQL (a loosened summary filter), the order lets core's own
    // limit keep the right rows: it drops the extras and stops at the limit in this order.
    if (terms !== undefined) sql += ` ORDER BY ${terms.join(', ')}`;
    else exactPushdown = false;
  } else if (spec.constraints.orderByClause.length > 0) {
    // An ordering without a limit needs no sort here; Athena sorts, and core has no limit to apply.
    exactPushdown = false;
  }
  if (exact && exactPushdown && limit >= 0n) {
    // A string, as for every parameter: MySQL 8.0.22+ refuses a DOUBLE (mysql2's number type) for LIMIT.
    sql += ' LIMIT ?';
    params.push(String(limit));
  }
  return { sql, params, exactPushdown };
}
