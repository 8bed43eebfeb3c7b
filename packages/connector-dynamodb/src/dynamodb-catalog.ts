/**
 * What the connector knows about tables: the schemas and tables it lists (DynamoDB's ListTables
 * beside Glue's flagged databases), Athena's lower-cased names resolved to real table names, and
 * each table's schema, from Glue or inferred from a parallel sample. Every function takes the
 * connector's {@link DynamoDbState}; its caches expire after `schema_cache_ttl_seconds`.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import type { AttributeValue, ScanCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import {
  ConnectorError,
  listedName,
  pageOf,
  resolveSourceName,
  type CasingMode,
  type ConnectorContext,
  type ListTablesInput,
  type TableName,
  type TablePage,
} from '@athena-federation/connector-core';
import { Schema } from 'apache-arrow';
import {
  DescribeTableCommand,
  ListTablesCommand,
  ScanCommand,
  callDynamoDb,
  dynamoDbPacing,
  readItemsFromWire,
  type DynamoDbClientLike,
} from './dynamodb-client.js';
import type { DynamoDbConfig } from './dynamodb-config.js';
import { classifyDynamoDbError } from './dynamodb-errors.js';
import {
  DYNAMODB_DATABASE_FLAG,
  glueTableInfo,
  isDynamoDbGlueTable,
  isGlueNotFound,
  loadGlueSdk,
  type GlueClientLike,
  type GlueTableInfo,
} from './dynamodb-glue.js';
import { keySchemaOf, type SplitTable } from './dynamodb-splits.js';
import { fieldOf, itemBytes, mergeShapes, recordShapes, type Shape } from './dynamodb-types.js';

/** The schema every DynamoDB table is listed in; flagged Glue databases are further schemas. */
export const DEFAULT_SCHEMA = 'default';

/** Sample Scans in flight at once (well under the SDK's 50 sockets). */
const SAMPLE_CONCURRENCY = 16;
/** DynamoDB's ListTables maximum page. */
const LIST_TABLES_LIMIT = 100;

/** A cached answer and the clock reading at which it stops being used. */
export interface Cached<T> {
  readonly value: T;
  readonly expires: number;
}

/** A resolved table: its real (case-sensitive) name, DescribeTable answer and keys. */
export type ResolvedTable = SplitTable;

/** What every member of one connector shares: settings, clock, lazily-made clients and caches. */
export interface DynamoDbState {
  readonly config: DynamoDbConfig;
  /** Clock for cache expiry (tests replace it). */
  readonly now: () => number;
  readonly dynamo: () => Promise<DynamoDbClientLike>;
  readonly glue: () => Promise<GlueClientLike>;
  /** Keyed by Athena's `schema.table`. */
  readonly resolved: Map<string, Cached<ResolvedTable>>;
  /** Inferred schemas, keyed by the real table name. */
  readonly schemas: Map<string, Cached<Schema>>;
  /** Glue's answer per Athena `schema.table`; null when Glue has no DynamoDB table by that name. */
  readonly glueTables: Map<string, Cached<GlueTableInfo | null>>;
  /** The lower-cased DynamoDB tables of Glue's `default` database, keyed by {@link DEFAULT_SCHEMA}. */
  readonly glueDefault: Map<string, Cached<ReadonlySet<string>>>;
}

export function qualified(table: TableName): string {
  return `${table.schemaName}.${table.tableName}`;
}

/** The cached value for `key`, unless it has expired. */
export function fresh<T>(state: DynamoDbState, cache: Map<string, Cached<T>>, key: string): T | undefined {
  const hit = cache.get(key);
  if (hit === undefined || hit.expires <= state.now()) return undefined;
  return hit.value;
}

function remember<T>(state: DynamoDbState, cache: Map<string, Cached<T>>, key: string, value: T): T {
  cache.set(key, { value, expires: state.now() + state.config.schemaCacheTtlMs });
  return value;
}

/** `casing_mode`, defaulting to Java DynamoDB's behaviour: lower-cased names, found case-insensitively. */
function casingOf(ctx: ConnectorContext): CasingMode {
  return ctx.config.casingMode ?? 'CASE_INSENSITIVE_SEARCH';
}

/** Refuses a schema other than `default` when Glue, the only source of further schemas, is off. */
export function requireDefaultSchema(state: DynamoDbState, schemaName: string): void {
  if (schemaName !== DEFAULT_SCHEMA && state.config.disableGlue)
    throw new ConnectorError(
      'NotFound',
      `Schema ${schemaName} does not exist; with disable_glue DynamoDB tables are in schema ${DEFAULT_SCHEMA}`,
    );
}

// ----------------------------------------------------------------------------------------------
// Glue

/** Runs one Glue call, classifying its failure like a DynamoDB one but naming Glue. */
async function glueCall<T>(state: DynamoDbState, action: string, run: (c: GlueClientLike) => Promise<T>): Promise<T> {
  const c = await state.glue();
  try {
    return await run(c);
  } catch (error) {
    if (isGlueNotFound(error))
      throw new ConnectorError('NotFound', `Glue has no such entity (${action})`, { cause: error });
    const classified = classifyDynamoDbError(error, action);
    throw new ConnectorError(classified.reason, classified.message.replace('DynamoDB', 'Glue'), { cause: error });
  }
}

function glueCatalog(state: DynamoDbState): { CatalogId?: string } {
  return state.config.glueCatalog === undefined ? {} : { CatalogId: state.config.glueCatalog };
}

/** Every Glue table of `database` classified as DynamoDB, by its Glue (lower-case) name. */
async function glueDynamoDbTables(state: DynamoDbState, ctx: ConnectorContext, database: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const next = token;
    const page = await glueCall(state, `listing Glue tables of ${database}`, async (c) =>
      c.send(
        new (await loadGlueSdk()).GetTablesCommand({
          DatabaseName: database,
          ...glueCatalog(state),
          ...(next === undefined ? {} : { NextToken: next }),
        }),
        { abortSignal: ctx.signal },
      ),
    );
    for (const table of page.TableList ?? [])
      if (table.Name !== undefined && isDynamoDbGlueTable(table)) names.push(table.Name);
    token = page.NextToken;
  } while (token !== undefined);
  return names;
}

/**
 * The Glue definition of a table, when Glue is on and has a DynamoDB table by that name. For
 * `default`, any Glue failure falls back to inference (logged, unlike Java's silent fallback);
 * in a Glue database it is the answer.
 */
export async function glueInfo(
  state: DynamoDbState,
  ctx: ConnectorContext,
  table: TableName,
): Promise<GlueTableInfo | undefined> {
  if (state.config.disableGlue) return undefined;
  const key = qualified(table);
  const hit = state.glueTables.get(key);
  if (hit !== undefined && hit.expires > state.now()) return hit.value ?? undefined;
  let info: GlueTableInfo | null;
  try {
    const response = await glueCall(state, `reading Glue table ${key}`, async (c) =>
      c.send(
        new (await loadGlueSdk()).GetTableCommand({
          DatabaseName: table.schemaName,
          Name: table.tableName,
          ...glueCatalog(state),
        }),
        { abortSignal: ctx.signal },
      ),
    );
    info = response.Table !== undefined && isDynamoDbGlueTable(response.Table) ? glueTableInfo(response.Table) : null;
  } catch (error) {
    if (error instanceof ConnectorError && error.reason === 'NotFound') {
      info = null;
    } else if (table.schemaName === DEFAULT_SCHEMA) {
      ctx.logger.warn('Glue table lookup failed; inferring the schema from DynamoDB instead', {
        table: key,
        reason: error instanceof ConnectorError ? error.reason : 'Internal',
      });
      return undefined;
    } else {
      throw error;
    }
  }
  return remember(state, state.glueTables, key, info) ?? undefined;
}

/**
 * The lower-cased names of the DynamoDB tables Glue's `default` database describes (Java lists
 * them in `default` beside ListTables). No such database is no tables; any other Glue failure is
 * logged and lists none, so DynamoDB's own tables stay listable.
 */
async function glueDefaultTables(state: DynamoDbState, ctx: ConnectorContext): Promise<ReadonlySet<string>> {
  if (state.config.disableGlue) return new Set();
  const hit = fresh(state, state.glueDefault, DEFAULT_SCHEMA);
  if (hit !== undefined) return hit;
  let names: string[] = [];
  try {
    names = await glueDynamoDbTables(state, ctx, DEFAULT_SCHEMA);
  } catch (error) {
    if (!(error instanceof ConnectorError && error.reason === 'NotFound')) {
      ctx.logger.warn('Listing the Glue tables of the default database failed; listing only DynamoDB tables', {
        reason: error instanceof ConnectorError ? error.reason : 'Internal',
      });
      return new Set();
    }
  }
  return remember(state, state.glueDefault, DEFAULT_SCHEMA, new Set(names.map((n) => n.toLowerCase())));
}

// ----------------------------------------------------------------------------------------------
// Listing

/** Core calls this for ListSchemas: `default`, plus (unless `disable_glue`) every Glue database flagged as holding DynamoDB tables. */
export async function listSchemas(state: DynamoDbState, ctx: ConnectorContext): Promise<string[]> {
  if (state.config.disableGlue) return [DEFAULT_SCHEMA];
  const schemas = new Set([DEFAULT_SCHEMA]);
  try {
    let token: string | undefined;
    do {
      const next = token;
      const page = await glueCall(state, 'listing Glue databases', async (c) =>
        c.send(
          new (await loadGlueSdk()).GetDatabasesCommand({
            ...glueCatalog(state),
            ...(next === undefined ? {} : { NextToken: next }),
          }),
          { abortSignal: ctx.signal },
        ),
      );
      for (const database of page.DatabaseList ?? []) {
        if (database.Name !== undefined && (database.LocationUri ?? '').includes(DYNAMODB_DATABASE_FLAG))
          schemas.add(listedName(database.Name, casingOf(ctx)));
      }
      token = page.NextToken;
    } while (token !== undefined);
  } catch (error) {
    // Java: a Glue failure still lists `default`, so DynamoDB tables stay reachable.
    ctx.logger.warn('Listing Glue databases failed; listing only the default schema', {
      reason: error instanceof ConnectorError ? error.reason : 'Internal',
    });
    return [DEFAULT_SCHEMA];
  }
  return [...schemas];
}

/** One ListTables page of real names. */
function listPage(state: DynamoDbState, ctx: ConnectorContext, start: string | undefined, limit: number) {
  return callDynamoDb(state.dynamo, 'listing DynamoDB tables', (c) =>
    c.send(
      new ListTablesCommand({ Limit: limit, ...(start === undefined ? {} : { ExclusiveStartTableName: start }) }),
      { abortSignal: ctx.signal },
    ),
  );
}

async function allTableNames(state: DynamoDbState, ctx: ConnectorContext): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await listPage(state, ctx, start, LIST_TABLES_LIMIT);
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  return names;
}

const FOREIGN_TOKEN = 'ListTables nextToken is not one this connector issued';

/**
 * Core calls this for ListTables: the tables of a schema. In a Glue database: its DynamoDB
 * tables. In `default`: Glue's DynamoDB tables of its `default` database first (Java's order),
 * then ListTables pages; a DynamoDB table Glue already named is not listed twice. Tokens: `glue:<offset>` inside the Glue list,
 * `dynamodb:<last real name>` (DynamoDB's own ExclusiveStartTableName) inside ListTables.
 */
export async function listTables(
  state: DynamoDbState,
  ctx: ConnectorContext,
  input: ListTablesInput,
): Promise<TablePage> {
  requireDefaultSchema(state, input.schemaName);
  const casing = casingOf(ctx);
  const tablesOf = (schemaName: string, names: readonly string[]) =>
    names.map((name) => ({ schemaName, tableName: listedName(name, casing) }));
  if (input.schemaName !== DEFAULT_SCHEMA)
    return pageOf(tablesOf(input.schemaName, await glueDynamoDbTables(state, ctx, input.schemaName)), input);
  const glue = [...(await glueDefaultTables(state, ctx))].sort();
  const glueNames = new Set(glue);
  const dynamoNames = (names: readonly string[]) =>
    [...new Set(names.map((n) => listedName(n, casing)))].filter((n) => !glueNames.has(n.toLowerCase()));
  if (input.pageSize < 0)
    return {
      tables: tablesOf(DEFAULT_SCHEMA, [...glue, ...dynamoNames(await allTableNames(state, ctx))]),
      nextToken: null,
    };
  const pageSize = Math.max(input.pageSize, 1);
  const token = input.nextToken ?? 'glue:0';
  const names: string[] = [];
  let start: string | undefined;
  if (token.startsWith('glue:')) {
    const offset = Number(token.slice('glue:'.length));
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ConnectorError('InvalidInput', FOREIGN_TOKEN);
    names.push(...glue.slice(offset, offset + pageSize));
    if (offset + pageSize < glue.length)
      return { tables: tablesOf(DEFAULT_SCHEMA, names), nextToken: `glue:${offset + pageSize}` };
    if (names.length >= pageSize) return { tables: tablesOf(DEFAULT_SCHEMA, names), nextToken: 'dynamodb:' };
  } else if (token.startsWith('dynamodb:')) {
    start = token.slice('dynamodb:'.length) || undefined;
  } else {
    throw new ConnectorError('InvalidInput', FOREIGN_TOKEN);
  }
  let more = true;
  while (names.length < pageSize && more) {
    const page = await listPage(state, ctx, start, Math.min(LIST_TABLES_LIMIT, pageSize - names.length));
    names.push(...dynamoNames(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
    more = start !== undefined;
  }
  return {
    tables: tablesOf(DEFAULT_SCHEMA, names),
    nextToken: more && start !== undefined ? `dynamodb:${start}` : null,
  };
}

// ----------------------------------------------------------------------------------------------
// Resolution

function describe(state: DynamoDbState, ctx: ConnectorContext, name: string) {
  return callDynamoDb(state.dynamo, `describing DynamoDB table ${name}`, (c) =>
    c.send(new DescribeTableCommand({ TableName: name }), { abortSignal: ctx.signal }),
  );
}

/** The DescribeTable answer for `name`, or undefined when DynamoDB has no table spelled so. */
async function describeIfExists(
  state: DynamoDbState,
  ctx: ConnectorContext,
  name: string,
): Promise<TableDescription | undefined> {
  try {
    return (await describe(state, ctx, name)).Table;
  } catch (error) {
    if (error instanceof ConnectorError && error.reason === 'NotFound') return undefined;
    throw error;
  }
}

/**
 * Finds the real table behind Athena's name with core's `casing_mode` rules (by default exactly
 * first, then case-insensitively among ListTables), through Glue's `sourceTable` when Glue
 * describes it. A Glue schema's table must be a Glue DynamoDB table.
 */
export async function resolveTable(
  state: DynamoDbState,
  ctx: ConnectorContext,
  athenaTable: TableName,
): Promise<ResolvedTable> {
  requireDefaultSchema(state, athenaTable.schemaName);
  const cacheKey = qualified(athenaTable);
  const hit = fresh(state, state.resolved, cacheKey);
  if (hit !== undefined) return hit;
  const info = await glueInfo(state, ctx, athenaTable);
  if (athenaTable.schemaName !== DEFAULT_SCHEMA && info === undefined)
    throw new ConnectorError(
      'NotFound',
      `Table ${qualified(athenaTable)} does not exist in Glue database ${athenaTable.schemaName} as a DynamoDB table`,
    );
  // Glue's `sourceTable` names the real (mixed-case) DynamoDB table; otherwise Athena's name is matched.
  const sent = { schemaName: athenaTable.schemaName, tableName: info?.sourceTable ?? athenaTable.tableName };
  let described: TableDescription | undefined;
  const name = await resolveSourceName({
    name: sent.tableName,
    // casing_mode is about names Athena sent; Glue's sourceTable is already the real spelling.
    casingMode: info?.sourceTable === undefined ? casingOf(ctx) : 'CASE_INSENSITIVE_SEARCH',
    what: `DynamoDB table ${qualified(sent)}`,
    // One DescribeTable answers the usual exact spelling; only a miss lists every table.
    candidates: async (tableName) => {
      described = await describeIfExists(state, ctx, tableName);
      return described === undefined ? allTableNames(state, ctx) : [tableName];
    },
  });
  const description = described ?? (await describe(state, ctx, name)).Table;
  if (description === undefined) throw new ConnectorError('Internal', `DescribeTable returned nothing for ${name}`);
  return remember(state, state.resolved, cacheKey, { name, description, keys: keySchemaOf(description) });
}

// ----------------------------------------------------------------------------------------------
// Schemas

/** Core calls this for GetTable: Glue's schema when Glue describes the table (Java's order), else the inferred one. */
export async function getTable(
  state: DynamoDbState,
  ctx: ConnectorContext,
  table: TableName,
): Promise<{ schema: Schema }> {
  requireDefaultSchema(state, table.schemaName);
  const info = await glueInfo(state, ctx, table);
  if (info !== undefined) return { schema: info.schema };
  return { schema: await tableSchema(state, ctx, await resolveTable(state, ctx, table)) };
}

/** The inferred schema of a resolved table, sampled at most once per `schema_cache_ttl_seconds`. */
export async function tableSchema(state: DynamoDbState, ctx: ConnectorContext, table: ResolvedTable): Promise<Schema> {
  return (
    fresh(state, state.schemas, table.name) ??
    remember(state, state.schemas, table.name, await inferSchema(state, ctx, table))
  );
}

/** Reads up to an equal share of the sample from the start of one Scan segment into `shapes`. */
async function sampleSegment(
  state: DynamoDbState,
  ctx: ConnectorContext,
  table: ResolvedTable,
  segment: number,
  shapes: Map<string, Shape | undefined>,
  pacing: ReturnType<typeof dynamoDbPacing>,
): Promise<void> {
  const segments = state.config.sampleSegments;
  const itemsPerSegment = Math.ceil(state.config.sampleItems / segments);
  const bytesPerSegment = Math.ceil(state.config.sampleBytes / segments);
  let items = 0;
  let bytes = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const input: ScanCommandInput = {
      TableName: table.name,
      Segment: segment,
      TotalSegments: segments,
      Limit: itemsPerSegment - items,
      ...(start === undefined ? {} : { ExclusiveStartKey: start }),
    };
    const page = await callDynamoDb(
      state.dynamo,
      `sampling DynamoDB table ${table.name}`,
      (c) => c.send(readItemsFromWire(new ScanCommand(input)), { abortSignal: ctx.signal }),
      pacing,
    );
    for (const item of page.Items ?? []) {
      recordShapes(shapes, item);
      bytes += itemBytes(item);
      items++;
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined && items < itemsPerSegment && bytes < bytesPerSegment);
}

function keyShape(type: string | undefined): Shape {
  return type === 'S'
    ? { kind: 'string' }
    : type === 'B'
      ? { kind: 'binary' }
      : { kind: 'number', int64: false, intDigits: 0, fracDigits: 0 };
}

/**
 * Samples the table and unions every attribute's shape. The sample is spread over many Scan
 * segments, each reading an equal share from its start: a segment starts at its own point of the
 * hash ring, so the sample spans many partitions instead of the first few of a single Scan.
 */
async function inferSchema(state: DynamoDbState, ctx: ConnectorContext, table: ResolvedTable): Promise<Schema> {
  const segments = state.config.sampleSegments;
  const pacing = dynamoDbPacing(ctx, () => true);
  const shapes = new Map<string, Shape | undefined>();
  // Each call in flight listens on the signal; more than Node's default 10 is expected here, not a leak.
  setMaxListeners(Math.max(getMaxListeners(ctx.signal), 4 * SAMPLE_CONCURRENCY), ctx.signal);
  let nextSegment = 0;
  const worker = async () => {
    for (let segment = nextSegment++; segment < segments; segment = nextSegment++)
      await sampleSegment(state, ctx, table, segment, shapes, pacing);
  };
  await Promise.all(Array.from({ length: Math.min(segments, SAMPLE_CONCURRENCY) }, worker));

  const { hashKey, hashType, rangeKey, rangeType } = table.keys;
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
    columns.set(
      lower,
      existing === undefined
        ? { spellings: [name], shape: shapes.get(name) }
        : { spellings: [...existing.spellings, name], shape: mergeShapes(existing.shape, shapes.get(name)) },
    );
  }
  return new Schema([...columns.values()].map((c) => fieldOf(c.spellings[0] ?? '', c.shape, c.spellings)));
}
