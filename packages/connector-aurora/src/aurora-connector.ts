/**
 * `createAuroraConnector`: the Aurora plugin, serving MySQL (Aurora MySQL, MySQL, MariaDB) and
 * PostgreSQL (Aurora PostgreSQL) catalogs side by side, each catalog routed by its connection
 * string's engine. MySQL's parts: the catalog (aurora-catalog.ts), splits (aurora-splits.ts), the
 * read path (aurora-read.ts), query passthrough (aurora-passthrough.ts), SQL from aurora-sql.ts;
 * PostgreSQL's live in src/postgres/ and load with the first PostgreSQL request. Core owns the
 * wire, constraint re-checks, batching, the limit and spill.
 */
import {
  DataSourceOptimizations,
  OptimizationSubTypes,
  type Connector,
  type ConnectorContext,
  type DataSourceCapabilities,
} from '@athena-federation/connector-core';
import { AuroraPools, type TokenSigner, type TokenSignerOptions } from './aurora-client.js';
import { type AuroraConfig, catalogEngine, loadAuroraConfig } from './aurora-config.js';
import { PUSHED_FUNCTIONS } from './aurora-expression.js';
import { createMysqlEngine } from './aurora-engine.js';
import { PASSTHROUGH_SIGNATURE } from './aurora-passthrough.js';
import { type SecretResolver, createSecretsManagerResolver } from './aurora-secrets.js';
import type { CatalogEngine } from './catalog-engine.js';

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
  const secrets = options.secrets ?? createSecretsManagerResolver({ ttlMs: config.secretCacheTtlMs });
  const pools = new AuroraPools({
    secrets,
    connectionLimit: config.poolConnectionLimit,
    iamAuthentication: config.iamAuthentication,
    ...(options.createTokenSigner === undefined ? {} : { createTokenSigner: options.createTokenSigner }),
  });
  const mysql = createMysqlEngine({ config, pools });
  let postgres: Promise<CatalogEngine> | undefined;
  const isPostgres = (ctx: ConnectorContext) => catalogEngine(config, ctx.catalogName) === 'postgresql';
  // MySQL serves every other catalog, and refuses one without a connection, naming the variable to set.
  const engineOf = (ctx: ConnectorContext): CatalogEngine | Promise<CatalogEngine> => {
    if (!isPostgres(ctx)) return mysql;
    postgres ??= import('./postgres/postgres-engine.js').then((m) =>
      m.createPostgresEngine(config, secrets, options.createTokenSigner),
    );
    return postgres;
  };
  async function* readPostgres(ctx: ConnectorContext, input: Parameters<Connector['readSplit']>[1]) {
    yield* (await engineOf(ctx)).readSplit(ctx, input);
  }
  return {
    sourceType: 'mysql',
    capabilities: () => CAPABILITIES,
    listSchemas: async (ctx) => (await engineOf(ctx)).listSchemas(ctx),
    listTables: async (ctx, input) => (await engineOf(ctx)).listTables(ctx, input),
    getTable: async (ctx, table) => (await engineOf(ctx)).getTable(ctx, table),
    getSplits: async (ctx, input) => (await engineOf(ctx)).getSplits(ctx, input),
    queryPassthrough: PASSTHROUGH_SIGNATURE,
    getQueryPassthroughSchema: async (ctx, args) => (await engineOf(ctx)).getQueryPassthroughSchema(ctx, args),
    // MySQL reads without the extra generator layer: it is the hot path the benchmarks measure.
    readSplit: (ctx, input) => (isPostgres(ctx) ? readPostgres(ctx, input) : mysql.readSplit(ctx, input)),
    close: async () => {
      await Promise.all([mysql.close(), postgres?.then((engine) => engine.close())]);
    },
  };
}
