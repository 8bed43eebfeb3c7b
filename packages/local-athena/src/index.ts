/**
 * @athena-federation/local-athena: Athena's part on one machine — federated SQL over connector
 * Lambdas (in process, bundled, or deployed), executed in embedded DuckDB.
 */
export { LocalAthena } from './local-athena.js';
export type { LocalAthenaOptions, QueryProgress, QueryResult, TableScanReport } from './local-athena.js';
export { planScan, summaryIsExact, describePushdown } from './scan-plan.js';
export type { PushedDown, ScanPlan } from './scan-plan.js';
export { expressionsFor, advertisedFunctions, describeExpression } from './expressions.js';
export { renderProgress, createProgressBar, formatExplain, formatBytes } from './progress.js';
export type { ProgressStream } from './progress.js';
export { parseCatalogArgument, checkCatalogName, UnknownCatalogError } from './catalog.js';
export { QueryBindingError } from './query-binding.js';
export type { CatalogTarget } from './catalog.js';
export { analyzeQuery } from './pushdown.js';
export { summaryFor, valueSetFor } from './constraint-summary.js';
export {
  formatRows,
  OutputFormats,
  athenaText,
  athenaTextInZone,
  formatTimestamp,
  TimestampWithZoneValue,
} from './format.js';
export type { OutputFormat } from './format.js';
export type {
  ColumnPredicate,
  QueryAnalysis,
  TableReference,
  SelectShape,
  WhereConjunct,
  OrderByColumn,
} from './pushdown.js';
export {
  translateAthenaSql,
  installAthenaDialect,
  parseTrinoSql,
  athenaFunctions,
  AthenaSqlError,
  UnsupportedSqlError,
} from './dialect/index.js';
export type { Translation, TranslateOptions, PassthroughTable, AthenaFunction, SqlPosition } from './dialect/index.js';
