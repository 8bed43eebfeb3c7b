/**
 * Athena's SQL dialect at local-athena's front door: Trino's grammar decides what parses, the
 * function table what runs, and the translation turns it into DuckDB SQL with Athena's answers.
 */
export { translateAthenaSql, type Translation, type TranslateOptions } from './translate.js';
export type { PassthroughTable } from './passthrough-tables.js';
export type { TypeCheck } from './type-checks.js';
export { athenaFunctions, duckdbOnlyFunctions, type AthenaFunction } from './functions.js';
export { installAthenaDialect, ATHENA_MACRO_SQL } from './duckdb-macros.js';
export { AthenaSqlError, UnsupportedSqlError, duckdbErrorToAthena, type SqlPosition } from './errors.js';
export { parseTrinoSql } from './trino-parse.js';
