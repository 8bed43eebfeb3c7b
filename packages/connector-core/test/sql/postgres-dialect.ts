/**
 * Test support: a small PostgreSQL dialect for the SQL kit, the second engine that proves the hooks
 * (issue 18 grows it into a connector). Columns are the handful of types the differential table
 * holds; each hook says where PostgreSQL differs from Athena and what that makes of a predicate.
 */
import {
  PARAMETER,
  type SqlDialect,
  type SqlParam,
  type SqlValueClass,
  type SummaryTraits,
} from '@athena-federation/connector-core/sql';
import { DataType, DateUnit, type Field } from 'apache-arrow';

/** The PostgreSQL types the differential table uses. */
export type PostgresKind = 'integer' | 'bigint' | 'numeric' | 'double' | 'boolean' | 'text' | 'date' | 'timestamp';

/** A column of the differential table: its PostgreSQL kind and its Athena field. */
export interface PostgresColumn {
  readonly name: string;
  readonly kind: PostgresKind;
  readonly field: Field;
  /** Text columns: whether the column's collation is deterministic (equal only when the bytes are). */
  readonly deterministic?: boolean;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an epoch day, or undefined outside years 1–9999 (PostgreSQL would read other text differently). */
export function formatDay(days: number): string | undefined {
  return Number.isSafeInteger(days) ? formatMillis(days * DAY_MS)?.slice(0, 10) : undefined;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS.fff` (UTC) of epoch milliseconds, or undefined outside years 1–9999. */
export function formatMillis(millis: number): string | undefined {
  const d = new Date(millis);
  if (!Number.isSafeInteger(millis) || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)
    return undefined;
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  return `${day} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

function integerText(value: unknown): string | undefined {
  const text =
    typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value)) ? String(value) : undefined;
  return text !== undefined && INTEGER_TEXT.test(text) ? text : undefined;
}

function summaryTraits(column: PostgresColumn): SummaryTraits {
  switch (column.kind) {
    case 'boolean':
      return { form: 'boolean', exact: true, nullIsExact: true };
    case 'text':
      // A deterministic collation's `=` is byte equality, so IN lists are exact; a nondeterministic
      // one (case-insensitive, say) matches more, a superset. No collation's `<` need be code point
      // order, so bindLiteral refuses string bounds and ranges fall back to NULL checks.
      return { form: 'string', exact: column.deterministic !== false, nullIsExact: true };
    case 'double':
      // PostgreSQL's NaN equals NaN and sorts above every number, as in core's re-check (Java's
      // Double.compare), but Athena's own NaN compares false: pushed, but only as a superset.
      return { form: 'ordered', exact: false, nullIsExact: true };
    default:
      return { form: 'ordered', exact: true, nullIsExact: true };
  }
}

function bindLiteral(
  column: PostgresColumn,
  type: DataType,
  value: unknown,
): { sql: string; param: SqlParam } | undefined {
  switch (column.kind) {
    case 'integer':
    case 'bigint': {
      const text = integerText(value);
      return text === undefined ? undefined : { sql: `${PARAMETER}::int8`, param: text };
    }
    case 'numeric': {
      const text = integerText(value) ?? (typeof value === 'string' && DECIMAL_TEXT.test(value) ? value : undefined);
      return text === undefined ? undefined : { sql: `${PARAMETER}::numeric`, param: text };
    }
    case 'double':
      // −0 and 0 are one value to PostgreSQL and two to core's re-check (−0 < 0), so `x < 0` would
      // drop −0 rows core keeps: zero is never bound. String(number) reads back as the same double.
      return typeof value === 'number' && Number.isFinite(value) && value !== 0
        ? { sql: `${PARAMETER}::float8`, param: String(value) }
        : undefined;
    case 'date': {
      const text =
        DataType.isDate(type) && type.unit === DateUnit.DAY && typeof value === 'number' ? formatDay(value) : undefined;
      return text === undefined ? undefined : { sql: `${PARAMETER}::date`, param: text };
    }
    case 'timestamp': {
      const text =
        DataType.isDate(type) && type.unit === DateUnit.MILLISECOND && typeof value === 'number'
          ? formatMillis(value)
          : undefined;
      return text === undefined ? undefined : { sql: `${PARAMETER}::timestamp(3)`, param: text };
    }
    default:
      return undefined;
  }
}

/** Which class each kind reads as in an expression; doubles are left out (NaN compares unlike Athena's). */
const EXPRESSION_CLASS: Readonly<Record<PostgresKind, SqlValueClass | undefined>> = {
  integer: 'int',
  bigint: 'int',
  numeric: 'decimal',
  double: undefined,
  boolean: 'bool',
  text: 'string',
  date: 'date',
  timestamp: 'timestamp',
};

const NULL_CASTS: Readonly<Record<SqlValueClass, string>> = {
  int: 'int8',
  decimal: 'numeric',
  double: 'float8',
  real: 'float4',
  bool: 'boolean',
  string: 'text',
  date: 'date',
  timestamp: 'timestamp(3)',
};

function bindConstant(value: unknown, cls: SqlValueClass): { sql: string; param: SqlParam } | undefined {
  const cast = (param: string | null) => ({ sql: `${PARAMETER}::${NULL_CASTS[cls]}`, param });
  if (value === null) return cast(null);
  switch (cls) {
    case 'int': {
      const text = integerText(value);
      return text === undefined ? undefined : cast(text);
    }
    case 'decimal':
      return typeof value === 'string' && DECIMAL_TEXT.test(value) ? cast(value) : undefined;
    case 'bool':
      return typeof value === 'boolean' ? cast(String(value)) : undefined;
    case 'string':
      // PostgreSQL text cannot hold NUL; binding one fails the statement.
      return typeof value === 'string' && !value.includes('\u0000') ? cast(value) : undefined;
    case 'date': {
      const text = typeof value === 'number' ? formatDay(value) : undefined;
      return text === undefined ? undefined : cast(text);
    }
    case 'timestamp': {
      const text = typeof value === 'number' ? formatMillis(value) : undefined;
      return text === undefined ? undefined : cast(text);
    }
    default:
      return undefined;
  }
}

/** A lone surrogate: no stored text (valid UTF-8) can equal it, and pg would send it as U+FFFD. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters PostgreSQL text cannot store
const UNSTORABLE = /\p{Cs}|\u0000/u;

/** PostgreSQL 15 for the kit. */
export const postgresDialect: SqlDialect<PostgresColumn> = {
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (index) => `$${index}`,
  summaryTraits,
  bindLiteral,
  booleanTest: (_column, quoted, value) => `${quoted} = ${value ? 'TRUE' : 'FALSE'}`,
  stringList: (_column, quoted, literals) => ({
    operand: quoted,
    values: literals.filter((literal) => !UNSTORABLE.test(literal)),
  }),
  selectExpression: (_column, quoted) => quoted,
  sortKey: (column, quoted) =>
    column.kind === 'double' ? undefined : column.kind === 'text' ? `(${quoted} COLLATE "C")` : quoted,
  orderTerms: (key, descending, nullsFirst) => [
    `${key} ${descending ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'}`,
  ],
  limitClause: (placeholder) => `LIMIT ${placeholder}`,
  maxParameters: 65_535,
  maxStatementBytes: 16 * 1024 * 1024,
  maxDecimalScale: 38,
  expressionOperand: (column, quoted, request) => {
    const cls = EXPRESSION_CLASS[column.kind];
    if (cls !== request.cls) return undefined;
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
  // PostgreSQL has no MOD for float8.
  modulus: (a, b, cls) => (cls === 'double' ? undefined : `MOD(${a}, ${b})`),
};
