/**
 * MySQL's (and MariaDB's) hooks for core's SQL pushdown kit. Identifiers are backtick-quoted with
 * backticks doubled; every value from a request is a bound `?` with an explicit CAST, so MySQL
 * compares numbers as numbers. The hooks carry the MySQL quirks the kit must not push wrongly:
 * zero dates (NULL to Athena, not to MySQL), DATETIME(6) seen cut to milliseconds, YEAR's domain,
 * BIT(64), TINYINT(1) truth, collations and charsets, MariaDB's decimal `-0`, and MySQL 8's JSON.
 */
import { DataType, DateUnit } from 'apache-arrow';
import { ConnectorError } from '@athena-federation/connector-core';
import { PARAMETER } from '@athena-federation/connector-core/sql';
import type { SqlDialect, SqlParam, SqlValueClass, SummaryTraits } from '@athena-federation/connector-core/sql';
import { stringList } from './aurora-strings.js';
import { type ColumnKind, type MappedColumn, formatDay, formatMillis } from './aurora-types.js';
import { yearPredicate } from './aurora-year.js';

/**
 * `` `name` `` with embedded backticks doubled, MySQL's only escape inside quoted identifiers.
 *
 * @throws {ConnectorError} `InvalidInput` for NUL, which no MySQL identifier may contain.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new ConnectorError('InvalidInput', 'Identifiers cannot contain NUL characters');
  return `\`${name.replaceAll('`', '``')}\``;
}

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(?:\.(\d+))?$/;
/** MySQL's largest DECIMAL scale (MariaDB allows 38, MySQL 30). */
const MAX_SCALE = 30;
/** The largest BIT(64) (and BIGINT UNSIGNED) value. */
const MAX_UNSIGNED_64 = 2n ** 64n - 1n;

/** A literal's decimal text, when it is an integer or a string (decimals arrive as strings). */
function numberText(value: unknown): string | undefined {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))
    ? String(value)
    : typeof value === 'string'
      ? value
      : undefined;
}

/** A summary literal bound for comparison with a column of `kind`, or undefined when MySQL cannot compare it exactly. */
function bindLiteral(kind: ColumnKind, type: DataType, value: unknown): { sql: string; param: SqlParam } | undefined {
  switch (kind) {
    case 'bits': {
      // Bit values are unsigned (BIT(64) reaches 2^64-1); CAST(? AS UNSIGNED) would wrap a negative
      // literal to the largest value and clamp one above 2^64-1 to it, so neither is bound at all.
      const text = numberText(value);
      return text !== undefined && /^\d{1,20}$/.test(text) && BigInt(text) <= MAX_UNSIGNED_64
        ? { sql: `CAST(${PARAMETER} AS UNSIGNED)`, param: text }
        : undefined;
    }
    case 'integer': {
      const text = numberText(value);
      return text !== undefined && INTEGER_TEXT.test(text)
        ? { sql: `CAST(${PARAMETER} AS SIGNED)`, param: text }
        : undefined;
    }
    case 'unsigned-bigint':
    case 'decimal': {
      const text = numberText(value);
      const match = text === undefined ? null : DECIMAL_TEXT.exec(text);
      if (text === undefined || match === null) return undefined;
      const scale = match[1]?.length ?? 0;
      if (scale > MAX_SCALE) return undefined;
      // The scale is a count we computed from digits, not request text.
      return { sql: `CAST(${PARAMETER} AS DECIMAL(65,${scale}))`, param: text };
    }
    case 'date': {
      if (!(DataType.isDate(type) && type.unit === DateUnit.DAY && typeof value === 'number')) return undefined;
      const day = formatDay(value);
      return day === undefined ? undefined : { sql: `CAST(${PARAMETER} AS DATE)`, param: day };
    }
    case 'datetime': {
      if (!(DataType.isDate(type) && type.unit === DateUnit.MILLISECOND && typeof value === 'number')) return undefined;
      const text = formatMillis(value);
      return text === undefined ? undefined : { sql: `CAST(${PARAMETER} AS DATETIME(3))`, param: text };
    }
    default:
      return undefined;
  }
}

/** Kinds whose pushed predicates select exactly Athena's rows (no collation, rounding or zero-date effects). */
const EXACT_KINDS: ReadonlySet<ColumnKind> = new Set([
  'integer',
  'year',
  'unsigned-bigint',
  'decimal',
  'bit-bool',
  'int-bool',
]);
/** Kinds where a NULL in Athena may be a non-NULL value in MySQL (zero dates), so `IS NULL` would drop rows. */
const ZERO_DATE_KINDS: ReadonlySet<ColumnKind> = new Set(['date', 'datetime', 'datetime-text']);

function summaryTraits(column: MappedColumn): SummaryTraits {
  const exact = EXACT_KINDS.has(column.kind);
  const nullIsExact = !ZERO_DATE_KINDS.has(column.kind);
  switch (column.kind) {
    case 'bit-bool':
    case 'int-bool':
      return { form: 'boolean', exact, nullIsExact };
    case 'string':
      // Case-insensitive or PAD SPACE collations match more than Athena does; core drops the extras.
      return { form: 'string', exact, nullIsExact };
    case 'datetime':
      return { form: 'millisecond-floor', exact, nullIsExact };
    case 'year':
      // Every YEAR summary goes through yearPredicate; one it cannot read falls back to NULL checks.
      return { form: 'none', exact, nullIsExact };
    default:
      return { form: 'ordered', exact, nullIsExact };
  }
}

/** Zero dates (`0000-00-00`, `2024-00-05`) are NULL to Athena, so expressions and sort keys see NULL too. */
const zeroDateAsNull = (quoted: string) => `IF(MONTH(${quoted}) = 0 OR DAYOFMONTH(${quoted}) = 0, NULL, ${quoted})`;

/**
 * The key MySQL sorts a column by so that its order is Athena's, or undefined when none is exact:
 * strings by their UTF-8 bytes (code point order, no collation), booleans by truth, dates with zero
 * dates as NULL (as Athena reads them). Strings longer than MySQL's default `max_sort_length` (1024
 * bytes) would be sorted by a prefix only, so only CHAR/VARCHAR of at most 256 characters qualify.
 */
function sortKey(column: MappedColumn, quoted: string): string | undefined {
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
      return zeroDateAsNull(quoted);
    case 'string': {
      const length = /^(?:var)?char\((\d+)\)/.exec(column.mysql.columnType.toLowerCase());
      if (length === null || Number(length[1]) > 256) return undefined;
      return `CAST(CONVERT(${quoted} USING utf8mb4) AS BINARY)`;
    }
    default:
      return undefined;
  }
}

/**
 * The select-list expression: TIME and types the mapping does not know as the server's own text,
 * which is the value Athena gets (the wire decoder copies it as UTF-8 bytes, where a binary TIME
 * would be formatted per value). Every other column is selected as it is: the wire decoder reads
 * its binary form exactly (dates and datetimes as fixed-width fields, geometries as their stored
 * bytes with the SRID), which wire-oracle.test.ts checks against the server's own text.
 */
function selectExpression(column: MappedColumn, quoted: string): string {
  return column.kind === 'time' || column.kind === 'text-fallback' ? `CAST(${quoted} AS CHAR)` : quoted;
}

/** A column as an expression operand, valid only when its MySQL kind reads as the wire type's class. */
function expressionOperand(
  column: MappedColumn,
  quoted: string,
  cls: SqlValueClass,
  scale: number,
): string | undefined {
  const unsigned = column.mysql.columnType.toLowerCase().includes('unsigned');
  switch (column.kind) {
    case 'integer':
    case 'year':
      // Unsigned operands would make MySQL compute `a - b` unsigned (an error below zero); Athena's are signed.
      return cls === 'int' ? (unsigned || column.kind === 'year' ? `CAST(${quoted} AS SIGNED)` : quoted) : undefined;
    case 'unsigned-bigint':
      return cls === 'decimal' && scale === 0 ? `CAST(${quoted} AS DECIMAL(20,0))` : undefined;
    case 'decimal':
      if (cls !== 'decimal' || (column.mysql.numericScale ?? 0) !== scale) return undefined;
      // As for integers: a DECIMAL UNSIGNED operand is made signed before any arithmetic.
      return unsigned ? `CAST(${quoted} AS DECIMAL(65,${scale}))` : quoted;
    case 'double':
      return cls === 'double' ? quoted : undefined;
    case 'float':
      return cls === 'real' ? quoted : undefined;
    case 'bit-bool':
    case 'int-bool':
      // TINYINT(1) holding 5 is true in Athena (getBoolean), so truth is `<> 0`, never `= 1`.
      return cls === 'bool' ? `(${quoted} <> 0)` : undefined;
    case 'string':
      // Converted so every column compares in one character set; collations are bypassed per operator.
      return cls === 'string' ? `CONVERT(${quoted} USING utf8mb4)` : undefined;
    case 'date':
    case 'datetime':
      return cls === (column.kind === 'date' ? 'date' : 'timestamp') ? zeroDateAsNull(quoted) : undefined;
    default:
      // DATETIME(p > 3) and TIME text, binaries, bits, fallbacks: not pushed.
      return undefined;
  }
}

const CONSTANT_DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

/** One bound expression constant of class `cls`, or undefined when its value cannot be bound exactly. */
function bindConstant(value: unknown, cls: SqlValueClass, scale: number): { sql: string; param: SqlParam } | undefined {
  if (value === null) {
    // DOUBLE as a CAST target needs MySQL 8.0.17+/MariaDB 10.4.5+; a NULL double is rare enough to need neither.
    if (cls === 'double' || cls === 'real') return undefined;
    const cast =
      cls === 'int' || cls === 'bool'
        ? 'SIGNED'
        : cls === 'decimal'
          ? `DECIMAL(65,${scale})`
          : cls === 'string'
            ? 'CHAR'
            : cls === 'date'
              ? 'DATE'
              : 'DATETIME(3)';
    return { sql: `CAST(${PARAMETER} AS ${cast})`, param: null };
  }
  switch (cls) {
    case 'int': {
      const text =
        typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))
          ? String(value)
          : undefined;
      return text !== undefined && INTEGER_TEXT.test(text)
        ? { sql: `CAST(${PARAMETER} AS SIGNED)`, param: text }
        : undefined;
    }
    case 'decimal':
      // The scale is a number from the wire type, checked against MAX_SCALE; never request text.
      return typeof value === 'string' && CONSTANT_DECIMAL_TEXT.test(value)
        ? { sql: `CAST(${PARAMETER} AS DECIMAL(65,${scale}))`, param: value }
        : undefined;
    case 'double':
    case 'real':
      // mysql2 sends a JS number as a binary DOUBLE, exact; Infinity and NaN cannot be sent.
      return typeof value === 'number' && Number.isFinite(value) ? { sql: PARAMETER, param: value } : undefined;
    case 'bool':
      return typeof value === 'boolean' ? { sql: `CAST(${PARAMETER} AS SIGNED)`, param: value ? '1' : '0' } : undefined;
    case 'string':
      return typeof value === 'string' ? { sql: `CONVERT(${PARAMETER} USING utf8mb4)`, param: value } : undefined;
    case 'date': {
      const text = typeof value === 'number' && Number.isSafeInteger(value) ? formatDay(value) : undefined;
      return text === undefined ? undefined : { sql: `CAST(${PARAMETER} AS DATE)`, param: text };
    }
    case 'timestamp': {
      const text = typeof value === 'number' && Number.isSafeInteger(value) ? formatMillis(value) : undefined;
      return text === undefined ? undefined : { sql: `CAST(${PARAMETER} AS DATETIME(3))`, param: text };
    }
  }
}

/**
 * Most placeholders, and bytes of SQL text plus bound values, one statement carries. MySQL refuses a
 * prepared statement with more than 65,535 placeholders (ER_PS_MANY_PARAM) and a packet larger than
 * `max_allowed_packet` (4 MiB by default in MySQL 5.7 and Aurora MySQL 2); a dynamic filter from
 * a large table carries more than either.
 */
const MAX_PLACEHOLDERS = 65_000;
const MAX_STATEMENT_BYTES = 2 * 1024 * 1024;

/** Aurora MySQL's and MariaDB's dialect for the pushdown kit. */
export const mysqlDialect: SqlDialect<MappedColumn> = {
  quoteIdentifier,
  placeholder: () => '?',
  summaryTraits,
  bindLiteral: (column, type, value) => bindLiteral(column.kind, type, value),
  // TINYINT(1) holding 5 is true in Athena (getBoolean); `<> 0` keeps it, `= 1` would not.
  booleanTest: (_column, quoted, value) => (value ? `${quoted} <> 0` : `${quoted} = 0`),
  stringList,
  customSummary: (column, quoted, set) => (column.kind === 'year' ? yearPredicate(quoted, set) : undefined),
  selectExpression,
  sortKey,
  // MySQL puts NULLs first ascending and last descending; ISNULL(key) = 1 for NULL fixes either way.
  orderTerms: (key, descending, nullsFirst) => [
    `ISNULL(${key}) ${nullsFirst ? 'DESC' : 'ASC'}`,
    `${key} ${descending ? 'DESC' : 'ASC'}`,
  ],
  limitClause: (placeholder) => `LIMIT ${placeholder}`,
  partitionClause: (quotedPartition) => `PARTITION (${quotedPartition})`,
  maxParameters: MAX_PLACEHOLDERS,
  maxStatementBytes: MAX_STATEMENT_BYTES,
  maxDecimalScale: MAX_SCALE,
  expressionOperand: (column, quoted, request) => expressionOperand(column, quoted, request.cls, request.scale),
  bindConstant,
  // Byte order of UTF-8 is code point order, which is how Athena compares varchar; PAD SPACE and case rules are bypassed.
  comparable: (sql, cls) => (cls === 'string' ? `CAST(${sql} AS BINARY)` : sql),
  // MySQL spells IS DISTINCT FROM as NOT (a <=> b), its NULL-safe equality.
  isDistinctFrom: (a, b) => `(NOT (${a} <=> ${b}))`,
  // utf8mb4_bin: case-sensitive, `_` is one code point, and LIKE never pads spaces.
  like: (value, pattern) =>
    `(${value} COLLATE utf8mb4_bin LIKE CONVERT(${pattern} USING utf8mb4) COLLATE utf8mb4_bin ESCAPE '!')`,
  // MySQL's `/` on integers is decimal division; DIV truncates as Athena does.
  integerDivide: (a, b) => `(${a} DIV ${b})`,
  // MariaDB's decimal MOD of a negative multiple is a "-0" that sorts below 0 and is unequal to it
  // (MOD(-5.0, 5) < 0 holds); adding 0 makes it 0 (found by pushdown-differential.test.ts).
  modulus: (a, b, cls) => (cls === 'decimal' ? `(MOD(${a}, ${b}) + 0)` : `MOD(${a}, ${b})`),
};
