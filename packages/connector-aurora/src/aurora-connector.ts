/**
 * `createAuroraConnector`: the Aurora MySQL / MySQL / MariaDB plugin, assembled from its parts:
 * the catalog (aurora-catalog.ts), splits (aurora-splits.ts), the read path (aurora-read.ts),
 * query passthrough (aurora-passthrough.ts), with SQL from aurora-sql.ts and types from
 * aurora-types.ts. Core owns the wire, constraint re-checks, batching, the limit and spill.
 */
import {
  DataSourceOptimizations,
  OptimizationSubTypes,
  type Connector,
  type DataSourceCapabilities,
} from '@athena-federation/connector-core';
import { getTable, listSchemas, listTables } from './aurora-catalog.js';
import { type AuroraState, AuroraPools, type TokenSigner, type TokenSignerOptions } from './aurora-client.js';
import { type AuroraConfig, loadAuroraConfig } from './aurora-config.js';
import { PUSHED_FUNCTIONS } from './aurora-expression.js';
import { PASSTHROUGH_SIGNATURE, isPassthrough, passthroughSchema, passthroughSplits } from './aurora-passthrough.js';
import { readSplit } from './aurora-read.js';
import { type SecretResolver, createSecretsManagerResolver } from './aurora-secrets.js';
import { getTableSplits } from './aurora-splits.js';

/** Options of {@link createAuroraConnector}. */
export interface AuroraConnectorOptions {
  /** Plugin settings; default: read from `env` with {@link loadAuroraConfig}. */
  readonly config?: AuroraConfig;
  /** Configuration variables (Java names, see README) when `config` is not given; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Resolves `${SecretName}`; default Secrets Manager with a TTL cache (`secret_cache_ttl_seconds`). */
  readonly secrets?: SecretResolver;
  /** Signs RDS IAM auth tokens when `iam_database_authentication=true`; default `@aws-sdk/rds-signer`. */
  readonly createTokenSigner?: (options: TokenSignerOptions) => TokenSigner;
}

/** The connector, plus `close()` to end its pools (tests, graceful shutdown). */
export interface AuroraConnector extends Connector {
  /** Ends every pool; the connector opens new ones if used again. */
  close(): Promise<void>;
}

// Exactly what aurora-sql.ts and aurora-expression.ts push: range sets and null checks (core
// re-checks every row anyway), the expression functions translated, LIMIT and ORDER BY … LIMIT
// per split (Athena applies its own LIMIT / top-N over all splits).
const CAPABILITIES: DataSourceCapabilities = {
  [DataSourceOptimizations.filterPushdown]: [
    { subType: OptimizationSubTypes.sortedRangeSet, properties: [] },
    { subType: OptimizationSubTypes.nullableComparison, properties: [] },
  ],
  [DataSourceOptimizations.complexExpressionPushdown]: [
    { subType: OptimizationSubTypes.supportedFunctionExpressionTypes, properties: [...PUSHED_FUNCTIONS] },
  ],
  [DataSourceOptimizations.limitPushdown]: [{ subType: OptimizationSubTypes.integerConstant, properties: [] }],
  [DataSourceOptimizations.topNPushdown]: [{ subType: OptimizationSubTypes.supportsOrderBy, properties: [] }],
};

/**
 * Creates the connector. Only configuration is read here (it fails fast on a bad variable); pools
 * and secrets are created on first use, so a Lambda cold start does no network work.
 *
 * @throws {ConfigurationError} for a missing `default` or a malformed connection string.
 */
export function createAuroraConnector(options: AuroraConnectorOptions = {}): AuroraConnector {
  const config = options.config ?? loadAuroraConfig(options.env ?? process.env);
  const pools = new AuroraPools({
    secrets: options.secrets ?? createSecretsManagerResolver({ ttlMs: config.secretCacheTtlMs }),
    connectionLimit: config.poolConnectionLimit,
    iamAuthentication: config.iamAuthentication,
    ...(options.createTokenSigner === undefined ? {} : { createTokenSigner: options.createTokenSigner }),
  });
  const state: AuroraState = { config, pools };
  return {
    sourceType: 'mysql',
    capabilities: () => CAPABILITIES,
    listSchemas: (ctx) => listSchemas(state, ctx),
    listTables: (ctx, input) => listTables(state, ctx, input),
    getTable: (ctx, table) => getTable(state, ctx, table),
    // A passthrough query is one split, as in Java.
    getSplits: async (ctx, input) =>
      isPassthrough(input.constraints.queryPassthroughArguments)
        ? passthroughSplits()
        : getTableSplits(state, ctx, input),
    queryPassthrough: PASSTHROUGH_SIGNATURE,
    getQueryPassthroughSchema: (ctx, args) => passthroughSchema(state, ctx, args),
    readSplit: (ctx, input) => readSplit(state, ctx, input),
    close: () => pools.end(),
  };
}
