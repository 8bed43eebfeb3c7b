/**
 * The DynamoDB plugin, assembled: lists tables (dynamodb-catalog.ts), takes each schema from Glue
 * or infers it from a parallel sample, splits reads into hash-key Queries (table or GSI) or Scan
 * segments (dynamodb-splits.ts), serves PartiQL passthrough (dynamodb-passthrough.ts) and LIKE
 * pushdown, and streams items as chunks of rows (dynamodb-read.ts). Core owns the wire,
 * constraint re-checks, batching, limit and spill.
 */
import {
  DataSourceOptimizations,
  OptimizationSubTypes,
  StandardFunctionNames,
  type Connector,
  type DataSourceCapabilities,
} from '@athena-federation/connector-core';
import {
  getTable,
  listSchemas,
  listTables,
  resolveTable,
  tableSchema,
  type DynamoDbState,
} from './dynamodb-catalog.js';
import { lazyClient, type DynamoDbClientSource } from './dynamodb-client.js';
import { loadDynamoDbConfig, type DynamoDbConfig } from './dynamodb-config.js';
import { lazyGlueClient, type GlueClientSource } from './dynamodb-glue.js';
import { PARTIQL_PASSTHROUGH, passthroughSchema, passthroughSplits } from './dynamodb-passthrough.js';
import { readSplit } from './dynamodb-read.js';
import { splitPage } from './dynamodb-splits.js';

/** Options of {@link createDynamoDbConnector}. */
export interface DynamoDbConnectorOptions {
  /** The DynamoDB client or a lazy factory; default: an SDK client from the standard AWS environment. */
  readonly client?: DynamoDbClientSource;
  /** The Glue client or a lazy factory (used unless `disable_glue`); default: an SDK client from the AWS environment. */
  readonly glue?: GlueClientSource;
  /** Plugin settings; default: read from the environment with {@link loadDynamoDbConfig}. */
  readonly config?: DynamoDbConfig;
  /** Clock for cache expiry (tests). */
  readonly now?: () => number;
}

const CAPABILITIES: DataSourceCapabilities = {
  // Core checks every summary constraint on every row, so each value-set kind is honoured exactly;
  // the connector additionally narrows reads (Query by hash key, FilterExpression) where it can.
  [DataSourceOptimizations.filterPushdown]: [
    { subType: OptimizationSubTypes.sortedRangeSet, properties: [] },
    { subType: OptimizationSubTypes.equatableRangeSet, properties: [] },
    { subType: OptimizationSubTypes.allOrNoneValueSet, properties: [] },
    { subType: OptimizationSubTypes.nullableComparison, properties: [] },
  ],
  // Core stops reading a split once it has `limit` rows.
  [DataSourceOptimizations.limitPushdown]: [{ subType: OptimizationSubTypes.integerConstant, properties: [] }],
  // LIKE: applied to every item here (core does not evaluate expressions); a `prefix%` pattern also
  // becomes begins_with in the KeyConditionExpression (string sort key) or the FilterExpression.
  [DataSourceOptimizations.complexExpressionPushdown]: [
    { subType: OptimizationSubTypes.supportedFunctionExpressionTypes, properties: [StandardFunctionNames.likePattern] },
  ],
};

/**
 * Creates the DynamoDB connector. Nothing touches AWS until the first request, so a Lambda cold
 * start only reads configuration.
 */
export function createDynamoDbConnector(options: DynamoDbConnectorOptions = {}): Connector {
  const config = options.config ?? loadDynamoDbConfig();
  const state: DynamoDbState = {
    config,
    now: options.now ?? Date.now,
    dynamo: lazyClient(options.client, config.crossAccountRoleArn),
    glue: lazyGlueClient(options.glue),
    resolved: new Map(),
    schemas: new Map(),
    glueTables: new Map(),
    glueDefault: new Map(),
  };
  return {
    sourceType: 'dynamodb',
    capabilities: () => CAPABILITIES,
    queryPassthrough: PARTIQL_PASSTHROUGH,
    getQueryPassthroughSchema: (ctx, args) => passthroughSchema(state, ctx, args),
    listSchemas: (ctx) => listSchemas(state, ctx),
    listTables: (ctx, input) => listTables(state, ctx, input),
    getTable: (ctx, table) => getTable(state, ctx, table),
    async getSplits(ctx, input) {
      const passthrough = input.constraints.queryPassthroughArguments;
      if (Object.keys(passthrough).length > 0) return passthroughSplits(passthrough);
      const table = await resolveTable(state, ctx, input.tableName);
      return splitPage(table, input, config, async () =>
        (await tableSchema(state, ctx, table)).fields.map((f) => f.name),
      );
    },
    readSplit: (ctx, input) => readSplit(state, ctx, input),
  };
}
