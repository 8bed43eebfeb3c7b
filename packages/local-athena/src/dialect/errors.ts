/**
 * The errors of local-athena's SQL front door: SQL Athena would refuse (a syntax error, a DuckDB
 * spelling, a type Athena does not accept) and Athena SQL that local-athena cannot run. Both name
 * where in the SQL the problem is, and the Athena spelling when there is one.
 */

/** Where in the user's SQL something is: 1-based line, 0-based column, as Athena reports it. */
export interface SqlPosition {
  readonly line: number;
  readonly column: number;
}

/** SQL that Athena's engine would refuse; the message says why and, where one exists, the Athena spelling. */
export class AthenaSqlError extends Error {
  readonly position: SqlPosition | undefined;
  constructor(message: string, position?: SqlPosition, options?: ErrorOptions) {
    super(position === undefined ? message : `line ${position.line}:${position.column}: ${message}`, options);
    this.name = 'AthenaSqlError';
    this.position = position;
  }
}

/** Valid Athena SQL that local-athena does not (yet) translate: a function, statement or clause. */
export class UnsupportedSqlError extends Error {
  readonly position: SqlPosition | undefined;
  constructor(message: string, position?: SqlPosition) {
    super(position === undefined ? message : `line ${position.line}:${position.column}: ${message}`);
    this.name = 'UnsupportedSqlError';
    this.position = position;
  }
}

const bindErrorKey = /Could not find key "athena-error: (.*)" in struct/s;
const checkErrorKey = /Could not find key "athena-check: (\d+)\|(.*)" in struct/s;

/** The parts of a type check that its error needs (a translation's `TypeCheck`). */
export interface FailedCheckSource {
  readonly kind: 'comparison' | 'between' | 'in' | 'arithmetic';
  readonly operator: string;
  readonly position: SqlPosition;
  readonly literals: readonly (string | undefined)[];
  /** Operand types known from the SQL; the failed check's key names the others, in order. */
  readonly staticTypes?: readonly (string | undefined)[];
}

/** DuckDB type names of each class Athena converts within (athena_type_class in duckdb-macros.ts, but DECIMAL(p,s)). */
export const typeClassNames: Readonly<Record<string, readonly string[]>> = {
  number: [
    'TINYINT',
    'SMALLINT',
    'INTEGER',
    'BIGINT',
    'HUGEINT',
    'UTINYINT',
    'USMALLINT',
    'UINTEGER',
    'UBIGINT',
    'FLOAT',
    'DOUBLE',
  ],
  string: ['VARCHAR'],
  datetime: ['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS'],
  TIME: ['TIME'],
  BOOLEAN: ['BOOLEAN'],
  BLOB: ['BLOB'],
  INTERVAL: ['INTERVAL'],
};

/** The class of a DuckDB type (typeof's spelling, any case): number, string, datetime, TIME, BOOLEAN, BLOB, INTERVAL or other. */
export function typeClass(duckdbType: string): string {
  const t = duckdbType.toUpperCase();
  if (t.startsWith('DECIMAL(')) return 'number';
  for (const [name, types] of Object.entries(typeClassNames)) if (types.includes(t)) return name;
  return 'other';
}

/** The classes an operand may not have when another operand's class is `known` (never 'other'). */
export function refusedClasses(kind: FailedCheckSource['kind'], known: string): readonly string[] {
  const all = Object.keys(typeClassNames);
  if (kind !== 'arithmetic') return all.filter((c) => c !== known);
  if (known === 'number') return ['string', 'BOOLEAN', 'BLOB', 'datetime', 'TIME'];
  if (known === 'datetime' || known === 'TIME') return ['string', 'BOOLEAN', 'BLOB', 'number'];
  if (known === 'INTERVAL') return ['string', 'BOOLEAN', 'BLOB'];
  return all;
}

/** Athena's name of a DuckDB type as DuckDB's error spells it (lower case). */
export function athenaTypeName(duckdbType: string): string {
  const t = duckdbType.toLowerCase();
  const names: Readonly<Record<string, string>> = {
    float: 'real',
    blob: 'varbinary',
    timestamp: 'timestamp(3)',
    'timestamp with time zone': 'timestamp(3) with time zone',
    timestamp_s: 'timestamp(0)',
    timestamp_ms: 'timestamp(3)',
    timestamp_ns: 'timestamp(9)',
    hugeint: 'decimal(38,0)',
    '"null"': 'unknown',
    interval: 'interval day to second',
    time: 'time(3)',
  };
  return names[t] ?? t;
}

/** The Athena spelling of an operand of type `other` that is the string literal `literal`, or of a cast. */
function spelling(type: string, literal: string | undefined): string {
  const name = athenaTypeName(type);
  if (literal === undefined) return `an explicit CAST(… AS ${name})`;
  if (name === 'date') return `DATE ${literal}`;
  if (name.startsWith('timestamp')) return `TIMESTAMP ${literal}`;
  return `CAST(${literal} AS ${name})`;
}

/** Athena's error for a failed type check: its message, position and the Athena spelling. */
export function typeCheckError(
  check: FailedCheckSource,
  duckdbTypes: readonly string[],
  cause?: unknown,
): AthenaSqlError {
  if (check.kind === 'in' && duckdbTypes.length > 2) {
    // Several items checked together: the first one the value's class refuses.
    const refused = refusedClasses('in', typeClass(duckdbTypes[0] ?? ''));
    const at = Math.max(
      1,
      duckdbTypes.findIndex((t, i) => i > 0 && refused.includes(typeClass(t))),
    );
    return typeCheckError(
      { ...check, literals: [check.literals[0], check.literals[at]] },
      [duckdbTypes[0] ?? '', duckdbTypes[at] ?? ''],
      cause,
    );
  }
  const names = duckdbTypes.map((t, i) => {
    const literal = check.literals[i];
    return literal === undefined
      ? athenaTypeName(t)
      : `varchar(${[...literal.slice(1, -1).replaceAll("''", "'")].length})`;
  });
  const [a = '', b = '', c = ''] = names;
  const message =
    check.kind === 'between'
      ? `Cannot check if ${a} is BETWEEN ${b} and ${c}`
      : check.kind === 'in'
        ? `IN value and list items must be the same type: ${a} and ${b}`
        : `Cannot apply operator: ${a} ${check.operator} ${b}`;
  // The hint: the string literal written as the other side's type, else a cast to it.
  const isString = (i: number) => duckdbTypes[i]?.toLowerCase() === 'varchar';
  const literalAt = check.literals.findIndex((l, i) => l !== undefined && i > 0 && isString(i));
  const at = literalAt >= 0 ? literalAt : check.literals.findIndex((l, i) => l !== undefined && isString(i));
  const stringSide = at >= 0 ? at : duckdbTypes.findIndex((_, i) => isString(i));
  const target = stringSide === 0 ? duckdbTypes[1] : duckdbTypes[0];
  const hint =
    stringSide >= 0
      ? spelling(target ?? '', at >= 0 ? check.literals[at] : undefined)
      : spelling(duckdbTypes[1] ?? '', undefined);
  const what = stringSide >= 0 ? 'a varchar' : 'between these types';
  return new AthenaSqlError(`${message} (Athena does not convert ${what} implicitly: use ${hint})`, check.position, {
    cause,
  });
}
const runtimeErrorCast = /Could not convert string 'athena-error: ([^']*)' to /;

/**
 * DuckDB's error for translated SQL as the user should see it: the type errors the macros raise
 * while binding (an unknown struct key carrying the message) become {@link AthenaSqlError}s, and
 * the macros' names in other messages become the Athena functions they stand for.
 */
export function duckdbErrorToAthena(error: unknown, checks: readonly FailedCheckSource[] = []): Error {
  const message = error instanceof Error ? error.message : String(error);
  const failedCheck = checkErrorKey.exec(message);
  const check = failedCheck === null ? undefined : checks[Number(failedCheck[1])];
  if (check !== undefined) {
    const reported = (failedCheck?.[2] ?? '').split('|');
    const types = (check.staticTypes ?? reported.map(() => undefined)).map((t) => t ?? reported.shift() ?? '');
    return typeCheckError(check, types, error);
  }
  const bindError = bindErrorKey.exec(message);
  if (bindError?.[1] !== undefined) {
    const text = bindError[1].replace(/\^(.)/gs, (_, c: string) => c.toUpperCase());
    // A check that knows where in the user's SQL it stands starts with Athena's `line L:C: `.
    const located = /^line (\d+):(\d+): (.*)$/s.exec(text);
    if (located === null) return new AthenaSqlError(text, undefined, { cause: error });
    return new AthenaSqlError(
      located[3] ?? '',
      { line: Number(located[1]), column: Number(located[2]) },
      { cause: error },
    );
  }
  const runtimeError = runtimeErrorCast.exec(message);
  if (runtimeError?.[1] !== undefined) return new Error(runtimeError[1], { cause: error });
  if (!message.includes('athena_')) return error instanceof Error ? error : new Error(message);
  const renamed = message
    .replace(/athena_divide/g, '/')
    .replace(/athena_modulus/g, '%')
    .replace(/athena_concat/g, '||')
    .replace(/athena_bigint_result\(/g, '(')
    .replace(/athena_(\w+)/g, '$1');
  const copy = new Error(renamed, { cause: error });
  copy.name = error instanceof Error ? error.name : 'Error';
  return copy;
}
