/**
 * The PostgreSQL engine: the catalog, split, read and passthrough functions of src/postgres/
 * behind the {@link CatalogEngine} interface. aurora-connector.ts imports this module only when a
 * request names a PostgreSQL catalog, so a MySQL-only function never loads it (nor pg).
 */
import type { TokenSigner, TokenSignerOptions } from '../aurora-client.js';
import type { AuroraConfig } from '../aurora-config.js';
import type { SecretResolver } from '../aurora-secrets.js';
import type { CatalogEngine } from '../catalog-engine.js';
import { getPostgresTable, listPostgresSchemas, listPostgresTables } from './postgres-catalog.js';
import { type PostgresState, PostgresPools } from './postgres-client.js';
import { postgresPassthroughSchema } from './postgres-passthrough.js';
import { readPostgresSplit } from './postgres-read.js';
import { getPostgresSplits } from './postgres-splits.js';
import { isPassthrough, passthroughSplits } from '../aurora-passthrough.js';

/** The PostgreSQL engine for `config`'s PostgreSQL catalogs; pools open on first use. */
export function createPostgresEngine(
  config: AuroraConfig,
  secrets: SecretResolver,
  createTokenSigner?: (options: TokenSignerOptions) => TokenSigner,
): CatalogEngine {
  const pools = new PostgresPools({
    secrets,
    connectionLimit: config.poolConnectionLimit,
    iamAuthentication: config.iamAuthentication,
    createTokenSigner,
  });
  const state: PostgresState = { config, pools };
  return {
    listSchemas: (ctx) => listPostgresSchemas(state, ctx),
    listTables: (ctx, input) => listPostgresTables(state, ctx, input),
    getTable: (ctx, table) => getPostgresTable(state, ctx, table),
    // A passthrough query is one split, as in Java.
    getSplits: async (ctx, input) =>
      isPassthrough(input.constraints.queryPassthroughArguments)
        ? passthroughSplits()
        : getPostgresSplits(state, ctx, input),
    getQueryPassthroughSchema: (ctx, args) => postgresPassthroughSchema(state, ctx, args),
    readSplit: (ctx, input) => readPostgresSplit(state, ctx, input),
    close: () => pools.end(),
  };
}
