/**
 * The DynamoDB plugin: lists tables (lower-cased, resolved back to their real names), takes each
 * schema from Glue or infers it from a parallel sample, splits reads into hash-key Queries (table
 * or GSI) or Scan segments, serves PartiQL passthrough and LIKE pushdown, and streams items as
 * rows for core's block writer. Core owns the wire, constraint re-checks, limit and spill.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue, ScanCommandInput, QueryCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import {
  ConnectorError,
  DataSourceOptimizations,
  pageOf,
  OptimizationSubTypes,
  StandardFunctionNames,
  createThrottlingInvoker,
  type Connector,
  type ConnectorContext,
  type DataSourceCapabilities,
  type RowChunk,
  type TableDefinition,
  type TableName,
  type TablePage,
  type ThrottleConfig,
  type ThrottlingInvoker,
} from '@athena-federation/connector-core';
import { DataType, Schema, type Field } from 'apache-arrow';
import { DescribeTableCommand, ExecuteStatementCommand, ListTablesCommand, QueryCommand, ScanCommand, lazyClient, readItemsFromWire, type DynamoDbClientLike, type DynamoDbClientSource } from './dynamodb-client.js';
import { loadDynamoDbConfig, type DynamoDbConfig } from './dynamodb-config.js';
import { classifyDynamoDbError, isDynamoDbThrottle } from './dynamodb-errors.js';
import { ExpressionBuilder, buildFilterExpression, likeConditions, projectionExpression } from './dynamodb-expressions.js';
import { queryKeyCondition } from './dynamodb-key-condition.js';
import { constrainedIndexes, constrainedLocalIndexes, decodeSplit, encodeSplit, globalIndexesOf, indexCovers, keySchemaOf, localIndexesOf, planSplits, scanSegmentCount, type DynamoDbSplit, type KeySchema } from './dynamodb-splits.js';
import { capacityShare, checkPartiqlSplit, checkTableSplit, passthroughStatement } from './dynamodb-split-checks.js';
import { compileDateTimePattern, parseFormatMapping, zoneOffsetMillis } from './dynamodb-datetime.js';
import { DYNAMODB_DATABASE_FLAG, FORMAT_MAPPING_METADATA, SCHEMA_SOURCE_METADATA, glueTableInfo, isDynamoDbGlueTable, isGlueNotFound, lazyGlueClient, loadGlueSdk, type GlueClientLike, type GlueClientSource, type GlueTableInfo } from './dynamodb-glue.js';
import { ValueMismatchError, athenaTypeName, type DateTimeReading, createItemReader, fieldOf, mergeShapes, shapeOf, spellingsOf, withRealName, type Item, type Shape } from './dynamodb-types.js';

/** The schema every DynamoDB table is listed in; flagged Glue databases are further schemas. */
export const DEFAULT_SCHEMA = 'default';

/** Splits per GetSplits page. */
const SPLITS_PER_PAGE = 1000;
/** Sample Scans in flight at once (well under the SDK's 50 sockets). */
const SAMPLE_CONCURRENCY = 16;
/** DynamoDB's ListTables maximum page. */
const LIST_TABLES_LIMIT = 100;

/** `system.query(query => '<PartiQL SELECT>')`, Java's passthrough signature. */
export const PARTIQL_PASSTHROUGH = { schema: 'system', name: 'query', arguments: ['query'] } as const;

/**
 * Per-column date reading from the schema metadata Glue put there: `datetimeFormatMappingNormalized`
 * patterns and `defaultTimeZone` (UTC when absent). A bad pattern or zone fails naming the table.
 */
function dateReadings(table: TableName, schema: Schema): Map<string, DateTimeReading> {
  // Most tables have no date columns; checking the zone costs an Intl lookup per split.
  if (!schema.fields.some((field) => DataType.isDate(field.type) || DataType.isTimestamp(field.type))) return new Map();
  const zone = schema.metadata.get('defaultTimeZone')?.trim() || 'UTC';
  try {
    zoneOffsetMillis(zone, 0);
  } catch (cause) {
    throw new ConnectorError('InvalidInput', `Table ${qualified(table)} has defaultTimeZone ${JSON.stringify(zone)}, which is not a time-zone id`, { cause });
  }
  const formats = parseFormatMapping(schema.metadata.get(FORMAT_MAPPING_METADATA));
  const readings = new Map<string, DateTimeReading>();
  for (const field of schema.fields) {
    if (!DataType.isDate(field.type) && !DataType.isTimestamp(field.type)) continue;
    const pattern = formats.get(field.name.toLowerCase());
    let parse: DateTimeReading['parse'];
    try {
      parse = pattern === undefined ? undefined : compileDateTimePattern(pattern);
    } catch (cause) {
      throw new ConnectorError('InvalidInput', `Table ${qualified(table)} column ${field.name}: datetimeFormatMapping ${JSON.stringify(pattern)} ${cause instanceof Error ? cause.message : ''}`, { cause });
    }
    readings.set(field.name, { parse, zone });
  }
  return readings;
}

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

/** What the connector reads from a Query or Scan page. */
interface ItemPage {
  readonly Items?: Item[] | undefined;
  readonly LastEvaluatedKey?: Record<string, AttributeValue> | undefined;
  readonly ConsumedCapacity?: { readonly CapacityUnits?: number | undefined } | undefined;
}

interface Cached<T> {
  readonly value: T;
  readonly expires: number;
}

/** A resolved table: its real (case-sensitive) name and DescribeTable answer. */
interface ResolvedTable {
  readonly name: string;
  readonly description: TableDescription;
  readonly keys: KeySchema;
}

function qualified(table: TableName): string {
  return `${table.schemaName}.${table.tableName}`;
}

/** Rough size of a value (names plus payload), to bound the inference sample in bytes. */
function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return value.S.length;
  if (value.N !== undefined) return value.N.length;
  if (value.B !== undefined) return value.B.length;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + s.length, 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + s.length, 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.length, 0);
  if (value.L !== undefined) return value.L.reduce((n, v) => n + 1 + valueBytes(v), 3);
  if (value.M !== undefined) return itemBytes(value.M);
  return 1;
}

function itemBytes(item: Item): number {
  let total = 3;
  for (const key in item) {
    const value = item[key];
    total += key.length + (value === undefined ? 0 : valueBytes(value));
  }
  return total;
}

/**
 * Creates the DynamoDB connector. Nothing touches AWS until the first request, so a Lambda cold
 * start only reads configuration.
 */
export function createDynamoDbConnector(options: DynamoDbConnectorOptions = {}): Connector {
  const config = options.config ?? loadDynamoDbConfig();
  const now = options.now ?? Date.now;
  const client = lazyClient(options.client, config.crossAccountRoleArn);
  const resolved = new Map<string, Cached<ResolvedTable>>();
  const schemas = new Map<string, Cached<Schema>>();

  const fresh = <T>(cache: Map<string, Cached<T>>, key: string): T | undefined => {
    const hit = cache.get(key);
    if (hit === undefined || hit.expires <= now()) return undefined;
    return hit.value;
  };

  const invoker = (ctx: ConnectorContext, throttle: ThrottleConfig, surfaceToEngine: () => boolean): ThrottlingInvoker =>
    createThrottlingInvoker(throttle, { isThrottle: isDynamoDbThrottle, surfaceToEngine, signal: ctx.signal });

  /** Runs one DynamoDB call, classifying its failure. */
  const call = async <T>(action: string, run: (c: DynamoDbClientLike) => Promise<T>, pacing?: ThrottlingInvoker): Promise<T> => {
    const c = await client();
    try {
      return pacing === undefined ? await run(c) : await pacing.invoke(() => run(c));
    } catch (error) {
      throw classifyDynamoDbError(error, action);
    }
  };

  const requireDefaultSchema = (schemaName: string) => {
    if (schemaName !== DEFAULT_SCHEMA && config.disableGlue) throw new ConnectorError('NotFound', `Schema ${schemaName} does not exist; with disable_glue DynamoDB tables are in schema ${DEFAULT_SCHEMA}`);
  };

  const glueClient = lazyGlueClient(options.glue);
  const glueTables = new Map<string, Cached<GlueTableInfo | null>>();
  const catalog = config.glueCatalog === undefined ? {} : { CatalogId: config.glueCatalog };

  /** Runs one Glue call, classifying its failure like a DynamoDB one but naming Glue. */
  const glueCall = async <T>(action: string, run: (c: GlueClientLike) => Promise<T>): Promise<T> => {
    const c = await glueClient();
    try {
      return await run(c);
    } catch (error) {
      if (isGlueNotFound(error)) throw new ConnectorError('NotFound', `Glue has no such entity (${action})`, { cause: error });
      const classified = classifyDynamoDbError(error, action);
      throw new ConnectorError(classified.reason, classified.message.replace('DynamoDB', 'Glue'), { cause: error });
    }
  };

  /**
   * The Glue definition of a table, when Glue is on and has a DynamoDB table by that name. For
   * `default`, any Glue failure falls back to inference (logged, unlike Java's silent fallback);
   * in a Glue database it is the answer.
   */
  const glueInfo = async (ctx: ConnectorContext, table: TableName): Promise<GlueTableInfo | undefined> => {
    if (config.disableGlue) return undefined;
    const key = qualified(table);
    const hit = glueTables.get(key);
    if (hit !== undefined && hit.expires > now()) return hit.value ?? undefined;
    let info: GlueTableInfo | null;
    try {
      const response = await glueCall(`reading Glue table ${key}`, async (c) => c.send(new (await loadGlueSdk()).GetTableCommand({ DatabaseName: table.schemaName, Name: table.tableName, ...catalog }), { abortSignal: ctx.signal }));
      info = response.Table !== undefined && isDynamoDbGlueTable(response.Table) ? glueTableInfo(response.Table) : null;
    } catch (error) {
      if (error instanceof ConnectorError && error.reason === 'NotFound') {
        info = null;
      } else if (table.schemaName === DEFAULT_SCHEMA) {
        ctx.logger.warn('Glue table lookup failed; inferring the schema from DynamoDB instead', { table: key, reason: error instanceof ConnectorError ? error.reason : 'Internal' });
        return undefined;
      } else {
        throw error;
      }
    }
    glueTables.set(key, { value: info, expires: now() + config.schemaCacheTtlMs });
    return info ?? undefined;
  };

  let glueDefault: Cached<ReadonlySet<string>> | undefined;
  /**
   * The lower-cased names of the DynamoDB tables Glue's `default` database describes (Java lists
   * them in `default` beside ListTables). No such database is no tables; any other Glue failure is
   * logged and lists none, so DynamoDB's own tables stay listable.
   */
  const glueDefaultTables = async (ctx: ConnectorContext): Promise<ReadonlySet<string>> => {
    if (config.disableGlue) return new Set();
    if (glueDefault !== undefined && glueDefault.expires > now()) return glueDefault.value;
    const names = new Set<string>();
    try {
      let token: string | undefined;
      do {
        const next = token;
        const page = await glueCall(`listing Glue tables of ${DEFAULT_SCHEMA}`, async (c) => c.send(new (await loadGlueSdk()).GetTablesCommand({ DatabaseName: DEFAULT_SCHEMA, ...catalog, ...(next === undefined ? {} : { NextToken: next }) }), { abortSignal: ctx.signal }));
        for (const table of page.TableList ?? []) if (table.Name !== undefined && isDynamoDbGlueTable(table)) names.add(table.Name.toLowerCase());
        token = page.NextToken;
      } while (token !== undefined);
    } catch (error) {
      if (!(error instanceof ConnectorError && error.reason === 'NotFound')) {
        ctx.logger.warn('Listing the Glue tables of the default database failed; listing only DynamoDB tables', { reason: error instanceof ConnectorError ? error.reason : 'Internal' });
        return names;
      }
    }
    glueDefault = { value: names, expires: now() + config.schemaCacheTtlMs };
    return names;
  };

  /** One ListTables page of real names. */
  const listPage = (ctx: ConnectorContext, start: string | undefined, limit: number) =>
    call('listing DynamoDB tables', (c) => c.send(new ListTablesCommand({ Limit: limit, ...(start === undefined ? {} : { ExclusiveStartTableName: start }) }), { abortSignal: ctx.signal }));

  const allTableNames = async (ctx: ConnectorContext): Promise<string[]> => {
    const names: string[] = [];
    let start: string | undefined;
    do {
      const page = await listPage(ctx, start, LIST_TABLES_LIMIT);
      names.push(...(page.TableNames ?? []));
      start = page.LastEvaluatedTableName;
    } while (start !== undefined);
    return names;
  };

  const describe = (ctx: ConnectorContext, name: string) =>
    call(`describing DynamoDB table ${name}`, (c) => c.send(new DescribeTableCommand({ TableName: name }), { abortSignal: ctx.signal }));

  /** Finds the real table behind Athena's (lower-cased) name: exact first, then case-insensitively. */
  const resolveTable = async (ctx: ConnectorContext, athenaTable: TableName): Promise<ResolvedTable> => {
    requireDefaultSchema(athenaTable.schemaName);
    const cacheKey = qualified(athenaTable);
    const hit = fresh(resolved, cacheKey);
    if (hit !== undefined) return hit;
    const info = await glueInfo(ctx, athenaTable);
    if (athenaTable.schemaName !== DEFAULT_SCHEMA && info === undefined) throw new ConnectorError('NotFound', `Table ${qualified(athenaTable)} does not exist in Glue database ${athenaTable.schemaName} as a DynamoDB table`);
    // Glue's `sourceTable` names the real (mixed-case) DynamoDB table; otherwise Athena's name is matched.
    const table = { schemaName: athenaTable.schemaName, tableName: info?.sourceTable ?? athenaTable.tableName };
    const remember = (description: TableDescription | undefined, name: string): ResolvedTable => {
      if (description === undefined) throw new ConnectorError('Internal', `DescribeTable returned nothing for ${name}`);
      const value = { name, description, keys: keySchemaOf(description) };
      resolved.set(cacheKey, { value, expires: now() + config.schemaCacheTtlMs });
      return value;
    };
    try {
      return remember((await describe(ctx, table.tableName)).Table, table.tableName);
    } catch (error) {
      if (!(error instanceof ConnectorError && error.reason === 'NotFound')) throw error;
    }
    const lower = table.tableName.toLowerCase();
    const matches = (await allTableNames(ctx)).filter((n) => n.toLowerCase() === lower);
    if (matches.length === 0) throw new ConnectorError('NotFound', `Table ${qualified(table)} does not exist in DynamoDB`);
    if (matches.length > 1) throw new ConnectorError('InvalidInput', `Table ${qualified(table)} matches several DynamoDB tables that differ only by case (${matches.join(', ')}); Athena cannot tell them apart`);
    const name = matches[0] ?? table.tableName;
    return remember((await describe(ctx, name)).Table, name);
  };

  /**
   * Samples the table and unions every attribute's shape. The sample is spread over many Scan
   * segments, each reading an equal share from its start: a segment starts at its own point of the
   * hash ring, so the sample spans many partitions instead of the first few of a single Scan.
   */
  const inferSchema = async (ctx: ConnectorContext, table: ResolvedTable): Promise<Schema> => {
    const segments = config.sampleSegments;
    const itemsPerSegment = Math.ceil(config.sampleItems / segments);
    const bytesPerSegment = Math.ceil(config.sampleBytes / segments);
    const pacing = invoker(ctx, ctx.config.throttle, () => true);
    const shapes = new Map<string, Shape | undefined>();
    const sampleSegment = async (segment: number) => {
      let items = 0;
      let bytes = 0;
      let start: Record<string, AttributeValue> | undefined;
      do {
        const input: ScanCommandInput = { TableName: table.name, Segment: segment, TotalSegments: segments, Limit: itemsPerSegment - items, ...(start === undefined ? {} : { ExclusiveStartKey: start }) };
        const page = await call(`sampling DynamoDB table ${table.name}`, (c) => c.send(readItemsFromWire(new ScanCommand(input)), { abortSignal: ctx.signal }), pacing);
        for (const item of page.Items ?? []) {
          for (const name in item) {
            const value = item[name];
            if (value !== undefined) shapes.set(name, mergeShapes(shapes.get(name), shapeOf(value)));
          }
          bytes += itemBytes(item);
          items++;
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined && items < itemsPerSegment && bytes < bytesPerSegment);
    };
    // Each call in flight listens on the signal; more than Node's default 10 is expected here, not a leak.
    setMaxListeners(Math.max(getMaxListeners(ctx.signal), 4 * SAMPLE_CONCURRENCY), ctx.signal);
    let nextSegment = 0;
    const worker = async () => {
      for (let segment = nextSegment++; segment < segments; segment = nextSegment++) await sampleSegment(segment);
    };
    await Promise.all(Array.from({ length: Math.min(segments, SAMPLE_CONCURRENCY) }, worker));

    const { hashKey, hashType, rangeKey, rangeType } = table.keys;
    const keyShape = (type: string | undefined): Shape => (type === 'S' ? { kind: 'string' } : type === 'B' ? { kind: 'binary' } : { kind: 'number', int64: false, intDigits: 0, fracDigits: 0 });
    const keys = rangeKey === undefined ? [hashKey] : [hashKey, rangeKey];
    // Keys exist in every item, even when the table is empty; their declared type is the fallback.
    if (!shapes.has(hashKey) || shapes.get(hashKey) === undefined) shapes.set(hashKey, keyShape(hashType));
    if (rangeKey !== undefined && shapes.get(rangeKey) === undefined) shapes.set(rangeKey, keyShape(rangeType));
    // Athena folds column names to lower case, so attributes differing only by case share one
    // column (the first spelling; reads match either spelling case-insensitively).
    const columns = new Map<string, { spellings: string[]; shape: Shape | undefined }>();
    for (const name of [...keys, ...[...shapes.keys()].filter((n) => !keys.includes(n)).sort()]) {
      const lower = name.toLowerCase();
      const existing = columns.get(lower);
      columns.set(lower, existing === undefined ? { spellings: [name], shape: shapes.get(name) } : { spellings: [...existing.spellings, name], shape: mergeShapes(existing.shape, shapes.get(name)) });
    }
    return new Schema([...columns.values()].map((c) => fieldOf(c.spellings[0] ?? '', c.shape, c.spellings)));
  };

  const tableSchema = async (ctx: ConnectorContext, table: ResolvedTable): Promise<Schema> => {
    const hit = fresh(schemas, table.name);
    if (hit !== undefined) return hit;
    const schema = await inferSchema(ctx, table);
    schemas.set(table.name, { value: schema, expires: now() + config.schemaCacheTtlMs });
    return schema;
  };

  /** Turns a value that does not fit its column into an error naming table, column and type. */
  const mismatchError = (table: TableName, error: unknown): ConnectorError | undefined => {
    if (error instanceof ValueMismatchError) {
      return new ConnectorError('InvalidInput', `Table ${qualified(table)} column ${error.path} (${error.arrowType}): ${error.message}; set lenient_value_conversion=true to read such values as NULL`, { cause: error });
    }
    return undefined;
  };

  const capabilities: DataSourceCapabilities = {
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
    [DataSourceOptimizations.complexExpressionPushdown]: [{ subType: OptimizationSubTypes.supportedFunctionExpressionTypes, properties: [StandardFunctionNames.likePattern] }],
  };

  return {
    sourceType: 'dynamodb',
    capabilities: () => capabilities,
    queryPassthrough: PARTIQL_PASSTHROUGH,

    async getQueryPassthroughSchema(ctx, args): Promise<TableDefinition> {
      const statement = passthroughStatement(args);
      // PartiQL has no dry run: infer from the statement's first items, as Java does (it takes 4).
      const pacing = invoker(ctx, ctx.config.throttle, () => true);
      const shapes = new Map<string, Shape | undefined>();
      let items = 0;
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const page = await call('sampling the passthrough PartiQL statement', (c) => c.send(new ExecuteStatementCommand({ Statement: statement, Limit: config.sampleItems - items, ...(token === undefined ? {} : { NextToken: token }) }), { abortSignal: ctx.signal }), pacing);
        for (const item of page.Items ?? []) {
          for (const name in item) {
            const value = item[name];
            if (value !== undefined) shapes.set(name, mergeShapes(shapes.get(name), shapeOf(value)));
          }
          items++;
        }
        nextToken = page.NextToken;
      } while (nextToken !== undefined && items < config.sampleItems);
      return { schema: new Schema([...shapes.keys()].sort().map((name) => fieldOf(name, shapes.get(name)))) };
    },

    async listSchemas(ctx) {
      if (config.disableGlue) return [DEFAULT_SCHEMA];
      const schemas = new Set([DEFAULT_SCHEMA]);
      try {
        let token: string | undefined;
        do {
          const next = token;
          const page = await glueCall('listing Glue databases', async (c) => c.send(new (await loadGlueSdk()).GetDatabasesCommand({ ...catalog, ...(next === undefined ? {} : { NextToken: next }) }), { abortSignal: ctx.signal }));
          for (const database of page.DatabaseList ?? []) {
            if (database.Name !== undefined && (database.LocationUri ?? '').includes(DYNAMODB_DATABASE_FLAG)) schemas.add(database.Name.toLowerCase());
          }
          token = page.NextToken;
        } while (token !== undefined);
      } catch (error) {
        // Java: a Glue failure still lists `default`, so DynamoDB tables stay reachable.
        ctx.logger.warn('Listing Glue databases failed; listing only the default schema', { reason: error instanceof ConnectorError ? error.reason : 'Internal' });
        return [DEFAULT_SCHEMA];
      }
      return [...schemas];
    },

    async listTables(ctx, input): Promise<TablePage> {
      requireDefaultSchema(input.schemaName);
      if (input.schemaName !== DEFAULT_SCHEMA) {
        const names: TableName[] = [];
        let token: string | undefined;
        do {
          const next = token;
          const page = await glueCall(`listing Glue tables of ${input.schemaName}`, async (c) => c.send(new (await loadGlueSdk()).GetTablesCommand({ DatabaseName: input.schemaName, ...catalog, ...(next === undefined ? {} : { NextToken: next }) }), { abortSignal: ctx.signal }));
          for (const table of page.TableList ?? []) if (table.Name !== undefined && isDynamoDbGlueTable(table)) names.push({ schemaName: input.schemaName, tableName: table.Name.toLowerCase() });
          token = page.NextToken;
        } while (token !== undefined);
        return pageOf(names, input);
      }
      // Glue's DynamoDB tables of its `default` database come first (Java's order), then ListTables
      // pages; a DynamoDB table Glue already named is not listed twice.
      const glue = [...(await glueDefaultTables(ctx))].sort();
      const glueNames = new Set(glue);
      const tablesOf = (names: readonly string[]) => names.map((tableName) => ({ schemaName: DEFAULT_SCHEMA, tableName }));
      const dynamoNames = (names: readonly string[]) => [...new Set(names.map((n) => n.toLowerCase()))].filter((n) => !glueNames.has(n));
      if (input.pageSize < 0) return { tables: tablesOf([...glue, ...dynamoNames(await allTableNames(ctx))]), nextToken: null };
      // Tokens: `glue:<offset>` inside the Glue list, `dynamodb:<last real name>` (DynamoDB's own
      // ExclusiveStartTableName) inside ListTables.
      const pageSize = Math.max(input.pageSize, 1);
      const token = input.nextToken ?? 'glue:0';
      const names: string[] = [];
      let start: string | undefined;
      if (token.startsWith('glue:')) {
        const offset = Number(token.slice('glue:'.length));
        if (!Number.isSafeInteger(offset) || offset < 0) throw new ConnectorError('InvalidInput', 'ListTables nextToken is not one this connector issued');
        names.push(...glue.slice(offset, offset + pageSize));
        if (offset + pageSize < glue.length) return { tables: tablesOf(names), nextToken: `glue:${offset + pageSize}` };
        if (names.length >= pageSize) return { tables: tablesOf(names), nextToken: 'dynamodb:' };
      } else if (token.startsWith('dynamodb:')) {
        start = token.slice('dynamodb:'.length) || undefined;
      } else {
        throw new ConnectorError('InvalidInput', 'ListTables nextToken is not one this connector issued');
      }
      let more = true;
      while (names.length < pageSize && more) {
        const page = await listPage(ctx, start, Math.min(LIST_TABLES_LIMIT, pageSize - names.length));
        names.push(...dynamoNames(page.TableNames ?? []));
        start = page.LastEvaluatedTableName;
        more = start !== undefined;
      }
      return { tables: tablesOf(names), nextToken: more && start !== undefined ? `dynamodb:${start}` : null };
    },

    async getTable(ctx, table): Promise<TableDefinition> {
      requireDefaultSchema(table.schemaName);
      // Glue schemas win when present (Java's order); inference is the fallback.
      const info = await glueInfo(ctx, table);
      if (info !== undefined) return { schema: info.schema };
      const resolvedTable = await resolveTable(ctx, table);
      return { schema: await tableSchema(ctx, resolvedTable) };
    },

    async getSplits(ctx, input) {
      const passthrough = input.constraints.queryPassthroughArguments;
      if (Object.keys(passthrough).length > 0) {
        return { splits: [encodeSplit({ kind: 'partiql', statement: passthroughStatement(passthrough) })], continuationToken: null };
      }
      const table = await resolveTable(ctx, input.tableName);
      const summary = input.constraints.summary;
      // A GSI must hold every column (GetSplits does not say which are requested); only an
      // index that could serve the query is worth looking up the table schema for.
      let indexes = constrainedIndexes(globalIndexesOf(table.description), summary);
      let locals = constrainedLocalIndexes(localIndexesOf(table.description), summary);
      if ([...indexes, ...locals].some((index) => !index.projectsAll)) {
        const columns = (await tableSchema(ctx, table)).fields.map((f) => f.name);
        indexes = indexes.filter((index) => indexCovers(index, table.keys, columns));
        locals = locals.filter((index) => indexCovers(index, table.keys, columns));
      }
      const plan = planSplits(table.name, table.keys, summary, scanSegmentCount(table.description, config), indexes, locals);
      const offset = input.continuationToken === null ? 0 : Number(input.continuationToken);
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > plan.count) throw new ConnectorError('InvalidInput', 'GetSplits continuationToken is not one this connector issued');
      const end = Math.min(plan.count, offset + SPLITS_PER_PAGE);
      // The capacity cap is shared evenly, assuming Athena runs every split at once (it may run fewer: then less is used).
      const share = config.maxReadCapacityUnits > 0 ? { rcuShare: String(config.maxReadCapacityUnits / plan.count) } : {};
      const splits = Array.from({ length: end - offset }, (_, i) => ({ ...encodeSplit(plan.at(offset + i)), ...share }));
      return { splits, continuationToken: end < plan.count ? String(end) : null };
    },

    async *readSplit(ctx, input): AsyncGenerator<RowChunk> {
      const split: DynamoDbSplit = decodeSplit(input.split);
      const fields: readonly Field[] = input.schema.fields;
      const reader = createItemReader(input.schema, config.lenientValueConversion, dateReadings(input.tableName, input.schema));
      const builder = new ExpressionBuilder();
      // Athena leaves pushed-down expressions to the connector, so every LIKE is applied here, to
      // every item; begins_with below only spares reading the items it would drop.
      const likes = likeConditions(input.constraints.expression);
      // Every expression is applied here (likeConditions refuses any other) and no order is
      // advertised, so core may still stop at the limit.
      if (input.constraints.orderByClause.length === 0) input.confirmExactPushdown();
      /** One page's items as rows in schema order, naming table/column/type when a value does not fit. */
      const rowsOf = (items: readonly Item[] | undefined): unknown[][] => {
        const rows: unknown[][] = [];
        for (const item of items ?? []) {
          if (likes.length > 0 && !likes.every((like) => like.test(item))) continue;
          try {
            rows.push(reader.read(item));
          } catch (error) {
            throw mismatchError(input.tableName, error) ?? error;
          }
        }
        return rows;
      };

      if (split.kind === 'partiql') {
        const statement = checkPartiqlSplit(split, input.constraints.queryPassthroughArguments);
        let rows = 0;
        const pacing = invoker(ctx, ctx.config.throttle, () => rows === 0);
        let nextToken: string | undefined;
        // Java reads only the first page (~1 MB); every page is read here.
        do {
          if (ctx.signal.aborted) return;
          const token = nextToken;
          const page = await call('running the passthrough PartiQL statement', (c) => c.send(new ExecuteStatementCommand({ Statement: statement, ...(token === undefined ? {} : { NextToken: token }) }), { abortSignal: ctx.signal }), pacing);
          const chunk = rowsOf(page.Items);
          rows += chunk.length;
          if (chunk.length > 0) yield chunk;
          nextToken = page.NextToken;
        } while (nextToken !== undefined);
        return;
      }

      // Every split property is the caller's: a split may read no more than the request's own table could.
      const table = await resolveTable(ctx, input.tableName);
      checkTableSplit(split, table, [...fields.map((f) => f.name), ...likes.map((l) => l.column)]);
      const rcuShare = capacityShare(input.split['rcuShare'], config.maxReadCapacityUnits);
      const keys = split.kind === 'query' ? queryKeyCondition(builder, split, input.constraints.summary, likes) : undefined;
      const keyCondition = keys?.condition;
      const exclude = keys?.keyAttributes ?? new Set<string>();
      const typed = new Set(table.description.AttributeDefinitions?.map((a) => a.AttributeName ?? ''));
      // Inferred columns only: Glue's own lower-case names are read whole and never pushed down (below).
      const tableColumns = input.schema.metadata.get(SCHEMA_SOURCE_METADATA) === 'glue' ? undefined : fresh(schemas, split.table)?.fields;
      const pushed = fields.map((f) => withRealName(f, tableColumns));
      const filter = buildFilterExpression(builder, pushed, input.constraints.summary, exclude, likes, typed);
      // Glue names without a columnMapping are lower-case while attributes may not be: read whole
      // items and match names case-insensitively (Java's `auto` mode does the same for such tables).
      const glueWithoutMapping = input.schema.metadata.get(SCHEMA_SOURCE_METADATA) === 'glue' && !input.schema.metadata.has('columnMapping');
      // A LIKE on a column outside the requested ones needs its attribute, under a spelling only the full item is sure to have.
      const likeOutsideSchema = likes.some((like) => !fields.some((f) => f.name.toLowerCase() === like.column.toLowerCase()));
      // Every column of the (inferred) table requested, as in SELECT *: a projection would drop only
      // attributes no column reads, and costs DynamoDB a projection per item and the request its names.
      const requested = new Set(fields.map((f) => f.name.toLowerCase()));
      const everyColumn = tableColumns !== undefined && tableColumns.every((f) => requested.has(f.name.toLowerCase()));
      const projection = config.projectionAndCasing === 'always' || glueWithoutMapping || likeOutsideSchema || everyColumn || fields.length === 0 ? undefined : projectionExpression(builder, pushed.flatMap((f) => spellingsOf(f)));
      // DynamoDB's Limit counts items evaluated, before any filter: with rows still to be filtered
      // (by DynamoDB or by core) small pages would multiply requests, so it is set only when every
      // item read is a row — no constraints, or only the hash key a Query already pins.
      const everyItemIsARow = likes.length === 0 && Object.keys(input.constraints.summary).every((c) => split.kind === 'query' && c.toLowerCase() === split.hashKey.toLowerCase());
      const limit = input.constraints.limit > 0n && everyItemIsARow ? Number(input.constraints.limit < 10_000n ? input.constraints.limit : 10_000n) : undefined;
      const common = {
        TableName: split.table,
        ...(filter === undefined ? {} : { FilterExpression: filter }),
        ...(projection === undefined ? {} : { ProjectionExpression: projection }),
        ...(Object.keys(builder.names).length === 0 ? {} : { ExpressionAttributeNames: builder.names }),
        ...(Object.keys(builder.values).length === 0 ? {} : { ExpressionAttributeValues: builder.values }),
        // Paging continues past a short page, so Limit only sizes pages; core stops at the limit.
        ...(limit === undefined ? {} : { Limit: limit }),
        ...(rcuShare > 0 ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}),
      };
      const started = Date.now();
      let consumed = 0;
      /** Keeps this split under its share of `max_read_capacity_units` by pausing between pages. */
      const respectCapacityCap = async (units: number | undefined) => {
        if (rcuShare <= 0) return;
        consumed += units ?? 0;
        const wait = (consumed / rcuShare) * 1000 - (Date.now() - started);
        if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
      };

      let produced = 0;
      // Java surfaces a throttle to Athena while nothing has spilled; before our first row nothing can have.
      const pacing = invoker(ctx, ctx.config.throttle, () => produced === 0);
      const action = `${split.kind === 'query' ? 'querying' : 'scanning'} DynamoDB table ${split.table}`;
      const fetchPage = (start: Record<string, AttributeValue> | undefined): Promise<ItemPage> =>
        split.kind === 'query'
          ? call(action, (c) => c.send(readItemsFromWire(new QueryCommand({ ...common, ...(split.index === undefined ? {} : { IndexName: split.index }), KeyConditionExpression: keyCondition, ...(start === undefined ? {} : { ExclusiveStartKey: start }) } satisfies QueryCommandInput)), { abortSignal: ctx.signal }), pacing)
          : call(action, (c) => c.send(readItemsFromWire(new ScanCommand({ ...common, Segment: split.segment, TotalSegments: split.totalSegments, ...(start === undefined ? {} : { ExclusiveStartKey: start }) } satisfies ScanCommandInput)), { abortSignal: ctx.signal }), pacing);
      // Without a limit every page is needed: the next one is read while this one is converted, so
      // DynamoDB's latency hides behind the conversion. With a limit the next page may never be.
      const prefetch = input.constraints.limit < 0n;
      let pending: Promise<ItemPage> | undefined = fetchPage(undefined);
      while (pending !== undefined) {
        if (ctx.signal.aborted) return;
        const page: ItemPage = await pending;
        pending = undefined;
        const next = page.LastEvaluatedKey;
        if (next !== undefined) await respectCapacityCap(page.ConsumedCapacity?.CapacityUnits);
        if (next !== undefined && prefetch) {
          pending = fetchPage(next);
          // Core may stop pulling (abort) before it is awaited; its failure is then nobody's concern.
          pending.catch(() => undefined);
        }
        const chunk = rowsOf(page.Items);
        produced += chunk.length;
        if (chunk.length > 0) yield chunk;
        if (next !== undefined && !prefetch) pending = fetchPage(next);
      }
    },
  };
}

/** Athena type names of a schema's columns, for logs and docs (`name: type`). */
export function describeSchema(schema: Schema): string[] {
  return schema.fields.map((f: Field) => `${f.name}: ${athenaTypeName(f.type as DataType)}`);
}
