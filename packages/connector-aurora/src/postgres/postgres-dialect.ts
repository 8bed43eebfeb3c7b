/**
 * PostgreSQL's hooks for core's SQL pushdown kit (`@athena-federation/connector-core/sql`). Each
 * hook says where PostgreSQL's semantics differ from Athena's and what that makes of a predicate:
 * text is compared in code point order (`COLLATE "C"`, byte order of UTF-8) whatever the column's
 * collation, `char(n)` ignores trailing spaces (a superset), floats are never exact (Athena's NaN
 * compares false), and every value is a bound `$n` with a cast.
 */
import {
  PARAMETER,
  type SqlDialect,
  type SqlParam,
  type SqlValueClass,
  type SummaryTraits,
} from '@athena-federation/connector-core/sql';
import { DataType, DateUnit } from 'apache-arrow';
import type { PostgresColumn, PostgresKind } from './postgres-types.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS` (UTC) of epoch seconds and the day it falls on, or undefined outside years 1–9999. */
function formatSeconds(seconds: number): string | undefined {
  const d = new Date(seconds * 1000);
  if (
    !Number.isSafeInteger(seconds) ||
    Number.isNaN(d.getTime()) ||
    d.getUTCFullYear() < 1 ||
    d.getUTCFullYear() > 9999
  )
    return undefined;
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  return `${day} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

/** `YYYY-MM-DD` of an epoch day, or undefined outside years 1–9999 (PostgreSQL would read other text differently). */
export function formatDay(days: number): string | undefined {
  return Number.isSafeInteger(days) ? formatSeconds(days * 86_400)?.slice(0, 10) : undefined;
}

/** `YYYY-MM-DD HH:MM:SS.fff` (UTC) of epoch milliseconds, or undefined outside years 1–9999. */
export function formatMillis(millis: number): string | undefined {
  if (!Number.isSafeInteger(millis)) return undefined;
  const text = formatSeconds(Math.floor(millis / 1000));
  return text === undefined ? undefined : `${text}.${pad(((millis % 1000) + 1000) % 1000, 3)}`;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) of epoch microseconds, or undefined outside years 1–9999. */
export function formatMicros(micros: bigint): string | undefined {
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const text = formatSeconds(Number(seconds));
  return text === undefined ? undefined : `${text}.${pad(Number(micros - seconds * 1_000_000n), 6)}`;
}

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

function integerText(value: unknown): string | undefined {
  const text =
    typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : undefined;
  return text !== undefined && INTEGER_TEXT.test(text) ? text : undefined;
}

function decimalText(value: unknown): string | undefined {
  return integerText(value) ?? (typeof value === 'string' && DECIMAL_TEXT.test(value) ? value : undefined);
}

/** A lone surrogate or NUL: no stored text (valid UTF-8 without NUL) can equal it, and binding it fails. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters PostgreSQL text cannot store
const UNSTORABLE = /\p{Cs}|\u0000/u;

/** Whether a column's text compares in code point order once written `COLLATE "C"` (a UTF-8 database). */
const codePointText = (column: PostgresColumn) => column.kind === 'text' && column.utf8;

function summaryTraits(column: PostgresColumn): SummaryTraits {
  switch (column.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'numeric':
    case 'date':
    case 'timestamp':
    case 'timestamp-micros':
    case 'timestamptz':
      return { form: 'ordered', exact: true, nullIsExact: true };
    case 'real':
    case 'double':
      // PostgreSQL's NaN equals NaN and sorts above every number, as in core's re-check (Java's
      // Double.compare), but Athena's NaN compares false: pushed, but only as a superset.
      return { form: 'ordered', exact: false, nullIsExact: true };
    case 'boolean':
      return { form: 'boolean', exact: true, nullIsExact: true };
    case 'text':
      // Compared COLLATE "C" (stringList's operand, bindLiteral's literal), so exact in UTF-8.
      return codePointText(column)
        ? { form: 'string', exact: true, nullIsExact: true }
        : { form: 'none', exact: false, nullIsExact: true };
    case 'char':
      // bpchar's `=` ignores trailing spaces, which Athena's varchar keeps: a superset.
      return { form: 'string', exact: false, nullIsExact: true };
    default:
      return { form: 'none', exact: false, nullIsExact: true };
  }
}

function bindLiteral(
  column: PostgresColumn,
  type: DataType,
  value: unknown,
): { sql: string; param: SqlParam } | undefined {
  const cast = (param: string | undefined, to: string) =>
    param === undefined ? undefined : { sql: `${PARAMETER}::${to}`, param };
  switch (column.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return cast(integerText(value), 'int8');
    case 'numeric':
      return cast(decimalText(value), 'numeric');
    case 'real':
    case 'double':
      // −0 and 0 are one value to PostgreSQL, as to Athena and core's re-check. String(number)
      // reads back as the same double (and −0 as 0).
      return typeof value === 'number' && Number.isFinite(value) ? cast(String(value), 'float8') : undefined;
    case 'date':
      return DataType.isDate(type) && type.unit === DateUnit.DAY && typeof value === 'number'
        ? cast(formatDay(value), 'date')
        : undefined;
    case 'timestamp':
      return DataType.isDate(type) && type.unit === DateUnit.MILLISECOND && typeof value === 'number'
        ? cast(formatMillis(value), 'timestamp')
        : undefined;
    case 'timestamp-micros':
    case 'timestamptz': {
      const micros = typeof value === 'bigint' ? value : undefined;
      const text = micros === undefined ? undefined : formatMicros(micros);
      if (text === undefined) return undefined;
      return column.kind === 'timestamptz' ? cast(`${text}+00`, 'timestamptz') : cast(text, 'timestamp');
    }
    case 'text':
      return typeof value === 'string' && codePointText(column) && !UNSTORABLE.test(value)
        ? { sql: `(${PARAMETER}::text COLLATE "C")`, param: value }
        : undefined;
    default:
      return undefined;
  }
}

/** Which class each kind reads as in an expression; floats are left out (NaN compares unlike Athena's). */
const EXPRESSION_CLASS: Readonly<Partial<Record<PostgresKind, SqlValueClass>>> = {
  smallint: 'int',
  integer: 'int',
  bigint: 'int',
  numeric: 'decimal',
  boolean: 'bool',
  text: 'string',
  date: 'date',
  timestamp: 'timestamp',
};

const CASTS: Readonly<Record<SqlValueClass, string>> = {
  int: 'int8',
  decimal: 'numeric',
  double: 'float8',
  real: 'float4',
  bool: 'boolean',
  string: 'text',
  date: 'date',
  timestamp: 'timestamp',
};

function bindConstant(value: unknown, cls: SqlValueClass): { sql: string; param: SqlParam } | undefined {
  const cast = (param: string | null | undefined) =>
    param === undefined ? undefined : { sql: `${PARAMETER}::${CASTS[cls]}`, param };
  if (value === null) return cast(null);
  switch (cls) {
    case 'int':
      return cast(integerText(value));
    case 'decimal':
      return typeof value === 'string' && DECIMAL_TEXT.test(value) ? cast(value) : undefined;
    case 'bool':
      return typeof value === 'boolean' ? cast(String(value)) : undefined;
    case 'string':
      return typeof value === 'string' && !UNSTORABLE.test(value) ? cast(value) : undefined;
    case 'date':
      return typeof value === 'number' ? cast(formatDay(value)) : undefined;
    case 'timestamp':
      return typeof value === 'number' ? cast(formatMillis(value)) : undefined;
    default:
      return undefined;
  }
}

/** Quotes an identifier for PostgreSQL: double quotes, embedded ones doubled. */
export function quotePostgresIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** PostgreSQL 15 (and Aurora PostgreSQL) for the kit. */
export const postgresDialect: SqlDialect<PostgresColumn> = {
  quoteIdentifier: quotePostgresIdentifier,
  placeholder: (index) => `$${index}`,
  summaryTraits,
  bindLiteral,
  booleanTest: (_column, quoted, value) => `${quoted} = ${value ? 'TRUE' : 'FALSE'}`,
  stringList: (column, quoted, literals) => ({
    // A deterministic collation's `=` is byte equality already (and can use the column's index).
    operand: column.kind === 'text' && !column.deterministic ? `(${quoted} COLLATE "C")` : quoted,
    values: literals.filter((literal) => !UNSTORABLE.test(literal)),
  }),
  selectExpression: (_column, quoted) => quoted,
  sortKey: (column, quoted) => {
    if (column.kind === 'text') return codePointText(column) ? `(${quoted} COLLATE "C")` : undefined;
    return EXPRESSION_CLASS[column.kind] !== undefined ||
      column.kind === 'timestamp-micros' ||
      column.kind === 'timestamptz'
      ? quoted
      : undefined;
  },
  orderTerms: (key, descending, nullsFirst) => [
    `${key} ${descending ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'}`,
  ],
  limitClause: (placeholder) => `LIMIT ${placeholder}`,
  maxParameters: 65_535,
  maxStatementBytes: 16 * 1024 * 1024,
  maxDecimalScale: 38,
  expressionOperand: (column, quoted, request) => {
    const cls = EXPRESSION_CLASS[column.kind];
    if (cls !== request.cls || (cls === 'string' && !codePointText(column))) return undefined;
    if (DataType.isDecimal(column.field.type) && column.field.type.scale !== request.scale) return undefined;
    return quoted;
  },
  bindConstant: (value, cls) => bindConstant(value, cls),
  // The "C" collation orders UTF-8 text by bytes, which is code point order, as Athena compares varchar.
  comparable: (sql, cls) => (cls === 'string' ? `(${sql} COLLATE "C")` : sql),
  isDistinctFrom: (a, b) => `(${a} IS DISTINCT FROM ${b})`,
  like: (value, pattern) => `(${value} COLLATE "C" LIKE ${pattern}::text ESCAPE '!')`,
  // int / int truncates toward zero in PostgreSQL, as in Athena.
  integerDivide: (a, b) => `(${a} / ${b})`,
  // PostgreSQL has no MOD for float8; MOD keeps the dividend's sign, and numeric has no −0.
  modulus: (a, b, cls) => (cls === 'double' ? undefined : `MOD(${a}, ${b})`),
};
