/**
 * Test support: a deliberately minimal dialect with numbered placeholders (`$1`), PostgreSQL's
 * quoting and two column kinds, for the kit's statement assembly tests (sql-kit.test.ts) without a
 * database. The production PostgreSQL dialect, and its differential test against a real server,
 * live in connector-aurora (src/postgres/postgres-dialect.ts, test/postgres-kit-differential.test.ts).
 */
import { PARAMETER, type SqlDialect } from '@athena-federation/connector-core/sql';
import type { Field } from 'apache-arrow';

/** A column of the assembly tests: a 64-bit integer or a text column. */
export interface NumberedColumn {
  readonly name: string;
  readonly kind: 'bigint' | 'text';
  readonly field: Field;
}

const INTEGER_TEXT = /^-?\d+$/;

/** Binds integers as `$n::int8` and compares text as stored; pushes nothing else. */
export const numberedDialect: SqlDialect<NumberedColumn> = {
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (index) => `$${index}`,
  summaryTraits: (column) =>
    column.kind === 'bigint'
      ? { form: 'ordered', exact: true, nullIsExact: true }
      : { form: 'string', exact: true, nullIsExact: true },
  bindLiteral: (column, _type, value) =>
    column.kind === 'bigint' &&
    (typeof value === 'bigint' || typeof value === 'number') &&
    INTEGER_TEXT.test(String(value))
      ? { sql: `${PARAMETER}::int8`, param: String(value) }
      : undefined,
  booleanTest: (_column, quoted, value) => `${quoted} = ${value ? 'TRUE' : 'FALSE'}`,
  stringList: (_column, quoted, literals) => ({ operand: quoted, values: literals }),
  selectExpression: (_column, quoted) => quoted,
  sortKey: (column, quoted) => (column.kind === 'bigint' ? quoted : undefined),
  orderTerms: (key, descending, nullsFirst) => [
    `${key} ${descending ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'}`,
  ],
  limitClause: (placeholder) => `LIMIT ${placeholder}`,
  maxParameters: 65_535,
  maxStatementBytes: 16 * 1024 * 1024,
  maxDecimalScale: 38,
  expressionOperand: (column, quoted, request) =>
    column.kind === 'bigint' && request.cls === 'int' ? quoted : undefined,
  bindConstant: (value, cls) =>
    cls === 'int' && (typeof value === 'bigint' || typeof value === 'number') && INTEGER_TEXT.test(String(value))
      ? { sql: `${PARAMETER}::int8`, param: String(value) }
      : undefined,
  comparable: (sql) => sql,
  isDistinctFrom: (a, b) => `(${a} IS DISTINCT FROM ${b})`,
  like: () => undefined,
  integerDivide: () => undefined,
  modulus: () => undefined,
};
