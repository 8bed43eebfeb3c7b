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
const runtimeErrorCast = /Could not convert string 'athena-error: ([^']*)' to /;

/**
 * DuckDB's error for translated SQL as the user should see it: the type errors the macros raise
 * while binding (an unknown struct key carrying the message) become {@link AthenaSqlError}s, and
 * the macros' names in other messages become the Athena functions they stand for.
 */
export function duckdbErrorToAthena(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const bindError = bindErrorKey.exec(message);
  if (bindError?.[1] !== undefined) return new AthenaSqlError(bindError[1], undefined, { cause: error });
  const runtimeError = runtimeErrorCast.exec(message);
  if (runtimeError?.[1] !== undefined) return new Error(runtimeError[1], { cause: error });
  if (!message.includes('athena_')) return error instanceof Error ? error : new Error(message);
  const renamed = message.replace(/athena_divide/g, '/').replace(/athena_modulus/g, '%').replace(/athena_concat/g, '||').replace(/athena_bigint_result\(/g, '(').replace(/athena_(\w+)/g, '$1');
  const copy = new Error(renamed, { cause: error });
  copy.name = error instanceof Error ? error.name : 'Error';
  return copy;
}
