/**
 * Routes one decoded request to the connector and builds the typed response. Everything Java's
 * MetadataHandler and RecordHandler do by default happens here (the one-row `partitionId` layout,
 * partition pruning, paging, spill directories and keys, supported-type checks), so a plugin
 * implements only what is specific to its source. It knows nothing about Lambda.
 */
import { Field, Int32, Schema } from 'apache-arrow';
import { buildRecordBatch, RecordBatchWriter } from '../arrow/block-writer/index.js';
import { blockOf } from '../arrow/value-block.js';
import { findUnsupportedField } from '../arrow/supported-types.js';
import type { Connector, ConnectorContext, ConnectorSettings, TableDefinition } from '../connector.js';
import { createConstraintEvaluator, filterRecordBatch } from '../constraints/evaluator.js';
import { compileValueSet, normalizeRanges } from '../constraints/value-set.js';
import { ConnectorError } from '../errors.js';
import type {
  Block,
  FederationRequest,
  FederationResponse,
  GetSplitsRequest,
  GetSplitsResponse,
  GetTableLayoutRequest,
  GetTableLayoutResponse,
  GetTableRequest,
  GetTableResponse,
  ListTablesRequest,
  ListTablesResponse,
  ReadRecordsRequest,
  Split,
  ValueSet,
} from '../protocol/types.js';
import { checkedPassthroughArguments, connectorCapabilities } from './capabilities.js';
import type { HandlerConfig } from './handler-config.js';
import { type ResponseLimit, readRecords } from './read-records.js';
import type { SpillServices } from '../spill/spill-services.js';

/** Java's feature level and newest serde version, answered to every Ping. */
export const PING_CAPABILITIES = 24;
export const PING_SERDE_VERSION = 6;

/** What the dispatcher needs besides the connector. */
export interface DispatchOptions {
  /** The whole handler configuration; plugins see only its {@link ConnectorSettings} part in `ctx.config`. */
  readonly config: HandlerConfig;
  readonly spill: SpillServices;
  /** Splits per GetSplits response before core pages them itself (keeps responses far below 6 MB). */
  readonly maxSplitsPerResponse: number;
  /** The serde version the response is encoded in and the bytes it may take: ReadRecords answers inline only within them. */
  readonly responseLimit: ResponseLimit;
}

/** Answers one request. Errors are thrown as-is; the transport classifies them. */
export async function dispatch(
  connector: Connector,
  request: FederationRequest,
  ctx: ConnectorContext,
  options: DispatchOptions,
): Promise<FederationResponse> {
  switch (request['@type']) {
    case 'PingRequest':
      return {
        '@type': 'PingResponse',
        catalogName: request.catalogName,
        queryId: request.queryId,
        sourceType: connector.sourceType,
        capabilities: PING_CAPABILITIES,
        serDeVersion: PING_SERDE_VERSION,
      };
    case 'ListSchemasRequest':
      return {
        '@type': 'ListSchemasResponse',
        catalogName: request.catalogName,
        schemas: await connector.listSchemas(ctx),
      };
    case 'ListTablesRequest':
      return listTables(connector, request, ctx);
    case 'GetTableRequest':
      return getTable(connector, request, ctx, options.config.enableQueryPassthrough);
    case 'GetTableLayoutRequest':
      checkSummary(request.constraints.summary, request.schema);
      return getTableLayout(connector, request, ctx);
    case 'GetSplitsRequest':
      checkSummary(request.constraints.summary, undefined);
      return getSplits(
        connector,
        withCheckedPassthrough(connector, request, options.config, 'GetSplits'),
        ctx,
        options,
      );
    case 'ReadRecordsRequest':
      checkSummary(request.constraints.summary, request.schema);
      return readRecords(
        connector,
        withCheckedPassthrough(connector, request, options.config, 'ReadRecords'),
        ctx,
        options,
      );
    case 'GetDataSourceCapabilitiesRequest':
      return {
        '@type': 'GetDataSourceCapabilitiesResponse',
        catalogName: request.catalogName,
        capabilities: connectorCapabilities(connector, ctx, options.config.enableQueryPassthrough),
      };
    case 'UserDefinedFunctionRequest':
      throw new ConnectorError(
        'Unsupported',
        'This function is a data connector, not a UDF handler; deploy UDFs with createUdfHandler',
      );
  }
}

/** The request with its passthrough arguments checked and keyed as the plugin receives them. */
function withCheckedPassthrough<R extends GetSplitsRequest | ReadRecordsRequest>(
  connector: Connector,
  request: R,
  config: HandlerConfig,
  where: string,
): R {
  const args = request.constraints.queryPassthroughArguments;
  if (Object.keys(args).length === 0) return request;
  return {
    ...request,
    constraints: {
      ...request.constraints,
      queryPassthroughArguments: checkedPassthroughArguments(connector, args, config.enableQueryPassthrough, where),
    },
  };
}

/**
 * Compiles every summary entry up front (against its column where the request has a schema), so a
 * malformed value set — a range whose low end is above its high end, a literal of the wrong type —
 * is the caller's InvalidInput naming the column, not an internal failure deep in core or a plugin.
 */
function checkSummary(summary: Readonly<Record<string, ValueSet>>, schema: Schema | undefined): void {
  for (const [column, valueSet] of Object.entries(summary)) {
    try {
      const field = schema?.fields.find((f) => f.name === column);
      if (field !== undefined) compileValueSet(valueSet, field);
      else if (valueSet['@type'] === 'SortedRangeSet') normalizeRanges(valueSet);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError)
        throw new ConnectorError('InvalidInput', `constraints.summary[${JSON.stringify(column)}]: ${error.message}`, {
          cause: error,
        });
      throw error;
    }
  }
}

async function listTables(
  connector: Connector,
  request: ListTablesRequest,
  ctx: ConnectorContext,
): Promise<ListTablesResponse> {
  if (request.pageSize === 0 || request.pageSize < -1)
    throw new ConnectorError(
      'InvalidInput',
      `ListTables pageSize must be positive or -1 (all), got ${request.pageSize}`,
    );
  const page = await connector.listTables(ctx, {
    schemaName: request.schemaName,
    nextToken: request.nextToken,
    pageSize: request.pageSize,
  });
  if (request.pageSize > 0 && page.tables.length > request.pageSize) {
    throw new ConnectorError(
      'Internal',
      `The connector returned ${page.tables.length} tables for a page of ${request.pageSize}`,
    );
  }
  return {
    '@type': 'ListTablesResponse',
    tables: page.tables,
    catalogName: request.catalogName,
    nextToken: page.nextToken,
  };
}

function checkTable(definition: TableDefinition, what: string): void {
  const unsupported = findUnsupportedField(definition.schema.fields);
  if (unsupported !== undefined)
    throw new ConnectorError('Unsupported', `${what} column ${unsupported.path}: ${unsupported.reason}`);
  const names = new Set(definition.schema.fields.map((f) => f.name));
  for (const column of definition.partitionColumns ?? []) {
    if (!names.has(column))
      throw new ConnectorError('Internal', `${what} partition column ${column} is not in its schema`);
  }
}

async function getTable(
  connector: Connector,
  request: GetTableRequest,
  ctx: ConnectorContext,
  enableQueryPassthrough: boolean,
): Promise<GetTableResponse> {
  const name = `${request.tableName.schemaName}.${request.tableName.tableName}`;
  const args = checkedPassthroughArguments(
    connector,
    request.queryPassthroughArguments,
    enableQueryPassthrough,
    'GetTable',
  );
  const definition =
    Object.keys(args).length > 0 && connector.getQueryPassthroughSchema !== undefined
      ? await connector.getQueryPassthroughSchema(ctx, args)
      : await connector.getTable(ctx, request.tableName);
  checkTable(definition, `Table ${name}`);
  if ((definition.partitionColumns?.length ?? 0) > 0 && connector.listPartitions === undefined) {
    throw new ConnectorError(
      'Internal',
      `Table ${name} has partition columns but the connector implements no listPartitions`,
    );
  }
  return {
    '@type': 'GetTableResponse',
    catalogName: request.catalogName,
    tableName: request.tableName,
    schema: definition.schema,
    partitionColumns: definition.partitionColumns ?? [],
  };
}

/** Java's layout for an unpartitioned table: one Int32 `partitionId` row holding 1. */
function singlePartition(): Block {
  return blockOf(buildRecordBatch(new Schema([new Field('partitionId', new Int32(), true)]), [[1]]));
}

async function getTableLayout(
  connector: Connector,
  request: GetTableLayoutRequest,
  ctx: ConnectorContext,
): Promise<GetTableLayoutResponse> {
  const base = {
    '@type': 'GetTableLayoutResponse',
    catalogName: request.catalogName,
    tableName: request.tableName,
  } as const;
  if (request.partitionColumns.length === 0) return { ...base, partitions: singlePartition() };
  const fields = request.partitionColumns.map((column) => {
    const field = request.schema.fields.find((f) => f.name === column);
    if (field === undefined)
      throw new ConnectorError('InvalidInput', `Partition column ${column} is not in the table schema`);
    return field;
  });
  if (connector.listPartitions === undefined) {
    // GetTable refuses to answer partition columns for such a connector, so these came from elsewhere.
    throw new ConnectorError(
      'InvalidInput',
      `Table ${request.tableName.schemaName}.${request.tableName.tableName}: the request names partition columns (${request.partitionColumns.join(', ')}), but this connector's tables have none`,
    );
  }
  const partitionSchema = new Schema(fields);
  const writer = new RecordBatchWriter(partitionSchema);
  for await (const row of connector.listPartitions(ctx, {
    tableName: request.tableName,
    schema: request.schema,
    partitionSchema,
    constraints: request.constraints,
  })) {
    if (ctx.signal.aborted)
      throw new ConnectorError('Timeout', 'Listing partitions did not finish before the Lambda deadline');
    writer.appendRow(row);
  }
  const pruned = filterRecordBatch(
    writer.finish(),
    createConstraintEvaluator(partitionSchema, request.constraints.summary),
  );
  return { ...base, partitions: blockOf(pruned) };
}

const CORE_TOKEN = 'athena-ts-splits:';

interface SplitCursor {
  readonly inner: string | null;
  readonly offset: number;
}

/** Core's own continuation token, used when a connector page holds more splits than one response may. */
function readCursor(token: string | null): SplitCursor {
  if (token === null || !token.startsWith(CORE_TOKEN)) return { inner: token, offset: 0 };
  try {
    const cursor = JSON.parse(Buffer.from(token.slice(CORE_TOKEN.length), 'base64url').toString('utf8')) as {
      i?: unknown;
      o?: unknown;
    };
    if (
      (typeof cursor.i === 'string' || cursor.i === null) &&
      typeof cursor.o === 'number' &&
      Number.isSafeInteger(cursor.o) &&
      cursor.o >= 0
    )
      return { inner: cursor.i, offset: cursor.o };
  } catch {
    // Falls through to the error below.
  }
  throw new ConnectorError('InvalidInput', 'GetSplits continuationToken is not one this connector issued');
}

function writeCursor(cursor: SplitCursor): string {
  return CORE_TOKEN + Buffer.from(JSON.stringify({ i: cursor.inner, o: cursor.offset }), 'utf8').toString('base64url');
}

async function getSplits(
  connector: Connector,
  request: GetSplitsRequest,
  ctx: ConnectorContext,
  options: DispatchOptions,
): Promise<GetSplitsResponse> {
  const target = await options.spill.prepareSplits(ctx);
  const cursor = readCursor(request.continuationToken);
  const page = await connector.getSplits(ctx, {
    tableName: request.tableName,
    partitions: request.partitions.records,
    partitionColumns: request.partitionColumns,
    constraints: request.constraints,
    continuationToken: cursor.inner,
  });
  const end = cursor.offset + options.maxSplitsPerResponse;
  const chunk = page.splits.slice(cursor.offset, end);
  const continuationToken =
    end < page.splits.length ? writeCursor({ inner: cursor.inner, offset: end }) : page.continuationToken;
  const splits: Split[] = [];
  for (const properties of chunk)
    splits.push({ spillLocation: target.directory(), encryptionKey: await target.key(), properties });
  return { '@type': 'GetSplitsResponse', catalogName: request.catalogName, splits, continuationToken };
}
