/**
 * The MySQL engine: the catalog, split, read and passthrough functions of the aurora-*.ts files
 * behind the {@link CatalogEngine} interface, as postgres-engine.ts puts PostgreSQL's.
 */
import { getTable, listSchemas, listTables } from './aurora-catalog.js';
import type { AuroraState } from './aurora-client.js';
import { isPassthrough, passthroughSchema, passthroughSplits } from './aurora-passthrough.js';
import { readSplit } from './aurora-read.js';
import { getTableSplits } from './aurora-splits.js';
import type { CatalogEngine } from './catalog-engine.js';

/** The MySQL engine over `state` (its configuration and its pools). */
export function createMysqlEngine(state: AuroraState): CatalogEngine {
  return {
    listSchemas: (ctx) => listSchemas(state, ctx),
    listTables: (ctx, input) => listTables(state, ctx, input),
    getTable: (ctx, table) => getTable(state, ctx, table),
    // A passthrough query is one split, as in Java.
    getSplits: async (ctx, input) =>
      isPassthrough(input.constraints.queryPassthroughArguments)
        ? passthroughSplits()
        : getTableSplits(state, ctx, input),
    getQueryPassthroughSchema: (ctx, args) => passthroughSchema(state, ctx, args),
    readSplit: (ctx, input) => readSplit(state, ctx, input),
    close: () => state.pools.end(),
  };
}
