/**
 * @athena-federation/local-athena: Athena's part on one machine — federated SQL over connector
 * Lambdas (in process, bundled, or deployed), executed in embedded DuckDB.
 */
export { LocalAthena } from './local-athena.js';
export type { LocalAthenaOptions, QueryResult, TableScanReport } from './local-athena.js';
export { parseCatalogArgument, checkCatalogName } from './catalog.js';
export type { CatalogTarget } from './catalog.js';
export { analyzeQuery, summaryFor, valueSetFor } from './pushdown.js';
export { formatRows, OutputFormats } from './format.js';
export type { OutputFormat } from './format.js';
export type { ColumnPredicate, QueryAnalysis, TableReference } from './pushdown.js';
