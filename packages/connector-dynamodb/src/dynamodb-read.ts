/**
 * ReadRecords: a split's items as chunks of rows, one chunk per DynamoDB page. A Scan or Query
 * split is re-checked against the request's table, turned into one request (key condition,
 * filter, projection, page size) and paged with the next page read while one is converted; a
 * PartiQL split runs the request's own statement to its last page. Throttles are paced by core's
 * invoker, `max_read_capacity_units` by pauses between pages.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue, QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import {
  ConnectorError,
  type ConnectorContext,
  type ReadSplitInput,
  type RowChunk,
  type TableName,
} from '@athena-federation/connector-core';
import { DataType, type Schema } from 'apache-arrow';
import { fresh, qualified, resolveTable, type DynamoDbState, type ResolvedTable } from './dynamodb-catalog.js';
import {
  ExecuteStatementCommand,
  QueryCommand,
  ScanCommand,
  callDynamoDb,
  dynamoDbPacing,
  readItemsFromWire,
} from './dynamodb-client.js';
import { compileDateTimePattern, parseFormatMapping, zoneOffsetMillis } from './dynamodb-datetime.js';
import {
  ExpressionBuilder,
  buildFilterExpression,
  likeConditions,
  projectionExpression,
  type LikeCondition,
} from './dynamodb-expressions.js';
import { FORMAT_MAPPING_METADATA, SCHEMA_SOURCE_METADATA } from './dynamodb-glue.js';
import { queryKeyCondition } from './dynamodb-key-condition.js';
import { checkPartiqlSplit } from './dynamodb-passthrough.js';
import { capacityShare, checkTableSplit } from './dynamodb-split-checks.js';
import { decodeSplit, type PartiqlSplit, type QuerySplit, type ScanSplit } from './dynamodb-splits.js';
import {
  ValueMismatchError,
  createItemReader,
  spellingsOf,
  withRealName,
  type DateTimeReading,
  type Item,
} from './dynamodb-types.js';

/** What the connector reads from a Query or Scan page. */
interface ItemPage {
  readonly Items?: Item[] | undefined;
  readonly LastEvaluatedKey?: Record<string, AttributeValue> | undefined;
  readonly ConsumedCapacity?: { readonly CapacityUnits?: number | undefined } | undefined;
}

/** One page's items as rows in schema order. */
type RowsOf = (items: readonly Item[] | undefined) => unknown[][];

/** The Scan/Query input every page of a table split shares, and a Query's key condition. */
interface TableRequest {
  readonly common: Omit<
    ScanCommandInput & QueryCommandInput,
    'Segment' | 'TotalSegments' | 'IndexName' | 'KeyConditionExpression' | 'ExclusiveStartKey'
  >;
  readonly keyCondition: string | undefined;
}

/**
 * Core calls this for every ReadRecords: yields the split's rows, one chunk per page. Every
 * expression is applied here (likeConditions refuses any other) and no order is advertised, so
 * it confirms exact pushdown and core may stop at the limit.
 */
export async function* readSplit(
  state: DynamoDbState,
  ctx: ConnectorContext,
  input: ReadSplitInput,
): AsyncGenerator<RowChunk> {
  const split = decodeSplit(input.split);
  const reader = createItemReader(
    input.schema,
    state.config.lenientValueConversion,
    dateReadings(input.tableName, input.schema),
  );
  // Athena leaves pushed-down expressions to the connector, so every LIKE is applied here, to
  // every item; begins_with in a request only spares reading the items it would drop.
  const likes = likeConditions(input.constraints.expression);
  if (input.constraints.orderByClause.length === 0) input.confirmExactPushdown();
  const rowsOf: RowsOf = (items) => {
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
  if (split.kind === 'partiql') yield* readStatement(state, ctx, input, split, rowsOf);
  else yield* readTable(state, ctx, input, split, likes, rowsOf);
}

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
    throw new ConnectorError(
      'InvalidInput',
      `Table ${qualified(table)} has defaultTimeZone ${JSON.stringify(zone)}, which is not a time-zone id`,
      { cause },
    );
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
      throw new ConnectorError(
        'InvalidInput',
        `Table ${qualified(table)} column ${field.name}: datetimeFormatMapping ${JSON.stringify(pattern)} ${cause instanceof Error ? cause.message : ''}`,
        { cause },
      );
    }
    readings.set(field.name, { parse, zone });
  }
  return readings;
}

/** Turns a value that does not fit its column into an error naming table, column and type. */
function mismatchError(table: TableName, error: unknown): ConnectorError | undefined {
  if (error instanceof ValueMismatchError) {
    return new ConnectorError(
      'InvalidInput',
      `Table ${qualified(table)} column ${error.path} (${error.arrowType}): ${error.message}; set lenient_value_conversion=true to read such values as NULL`,
      { cause: error },
    );
  }
  return undefined;
}

/** A PartiQL split: the request's own statement (never the split's text), every page of it. */
async function* readStatement(
  state: DynamoDbState,
  ctx: ConnectorContext,
  input: ReadSplitInput,
  split: PartiqlSplit,
  rowsOf: RowsOf,
): AsyncGenerator<RowChunk> {
  const statement = checkPartiqlSplit(split, input.constraints.queryPassthroughArguments);
  let rows = 0;
  const pacing = dynamoDbPacing(ctx, () => rows === 0);
  let nextToken: string | undefined;
  // Java reads only the first page (~1 MB); every page is read here.
  do {
    if (ctx.signal.aborted) return;
    const token = nextToken;
    const page = await callDynamoDb(
      state.dynamo,
      'running the passthrough PartiQL statement',
      (c) =>
        c.send(
          new ExecuteStatementCommand({ Statement: statement, ...(token === undefined ? {} : { NextToken: token }) }),
          { abortSignal: ctx.signal },
        ),
      pacing,
    );
    const chunk = rowsOf(page.Items);
    rows += chunk.length;
    if (chunk.length > 0) yield chunk;
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
}

/**
 * The request a table split sends: the Query's key condition, the FilterExpression and
 * ProjectionExpression of what can be pushed, and DynamoDB's Limit where it only sizes pages.
 */
function tableRequest(
  state: DynamoDbState,
  input: ReadSplitInput,
  split: ScanSplit | QuerySplit,
  table: ResolvedTable,
  likes: readonly LikeCondition[],
  rcuShare: number,
): TableRequest {
  const fields = input.schema.fields;
  const { summary } = input.constraints;
  const builder = new ExpressionBuilder();
  const keys = split.kind === 'query' ? queryKeyCondition(builder, split, summary, likes) : undefined;
  const typed = new Set(table.description.AttributeDefinitions?.map((a) => a.AttributeName ?? ''));
  const fromGlue = input.schema.metadata.get(SCHEMA_SOURCE_METADATA) === 'glue';
  // Inferred columns only: Glue's own lower-case names are read whole and never pushed down (below).
  const tableColumns = fromGlue ? undefined : fresh(state, state.schemas, split.table)?.fields;
  const pushed = fields.map((f) => withRealName(f, tableColumns));
  const filter = buildFilterExpression(
    builder,
    pushed,
    summary,
    keys?.keyAttributes ?? new Set<string>(),
    likes,
    typed,
  );
  // Glue names without a columnMapping are lower-case while attributes may not be: read whole
  // items and match names case-insensitively (Java's `auto` mode does the same for such tables).
  const glueWithoutMapping = fromGlue && !input.schema.metadata.has('columnMapping');
  // A LIKE on a column outside the requested ones needs its attribute, under a spelling only the full item is sure to have.
  const likeOutsideSchema = likes.some(
    (like) => !fields.some((f) => f.name.toLowerCase() === like.column.toLowerCase()),
  );
  // Every column of the (inferred) table requested, as in SELECT *: a projection would drop only
  // attributes no column reads, and costs DynamoDB a projection per item and the request its names.
  const requested = new Set(fields.map((f) => f.name.toLowerCase()));
  const everyColumn = tableColumns?.every((f) => requested.has(f.name.toLowerCase()));
  const wholeItems =
    state.config.projectionAndCasing === 'always' ||
    glueWithoutMapping ||
    likeOutsideSchema ||
    everyColumn ||
    fields.length === 0;
  const projection = wholeItems
    ? undefined
    : projectionExpression(
        builder,
        pushed.flatMap((f) => spellingsOf(f)),
      );
  // DynamoDB's Limit counts items evaluated, before any filter: with rows still to be filtered
  // (by DynamoDB or by core) small pages would multiply requests, so it is set only when every
  // item read is a row — no constraints, or only the hash key a Query already pins.
  const everyItemIsARow =
    likes.length === 0 &&
    Object.keys(summary).every((c) => split.kind === 'query' && c.toLowerCase() === split.hashKey.toLowerCase());
  const { limit: rowLimit } = input.constraints;
  const limit = rowLimit > 0n && everyItemIsARow ? Number(rowLimit < 10_000n ? rowLimit : 10_000n) : undefined;
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
  return { common, keyCondition: keys?.condition };
}

/** Keeps a split under its share of `max_read_capacity_units` by pausing between pages (a no-op without a cap). */
function capacityPacer(rcuShare: number, signal: AbortSignal): (units: number | undefined) => Promise<void> {
  const started = Date.now();
  let consumed = 0;
  return async (units) => {
    if (rcuShare <= 0) return;
    consumed += units ?? 0;
    const wait = (consumed / rcuShare) * 1000 - (Date.now() - started);
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
  };
}

/** A Scan or Query split: re-checked against the request's table, then read page by page. */
async function* readTable(
  state: DynamoDbState,
  ctx: ConnectorContext,
  input: ReadSplitInput,
  split: ScanSplit | QuerySplit,
  likes: readonly LikeCondition[],
  rowsOf: RowsOf,
): AsyncGenerator<RowChunk> {
  // Every split property is the caller's: a split may read no more than the request's own table could.
  const table = await resolveTable(state, ctx, input.tableName);
  checkTableSplit(split, table, [...input.schema.fields.map((f) => f.name), ...likes.map((l) => l.column)]);
  const rcuShare = capacityShare(input.split['rcuShare'], state.config.maxReadCapacityUnits);
  const { common, keyCondition } = tableRequest(state, input, split, table, likes, rcuShare);
  const respectCapacityCap = capacityPacer(rcuShare, ctx.signal);
  let produced = 0;
  // Java surfaces a throttle to Athena while nothing has spilled; before our first row nothing can have.
  const pacing = dynamoDbPacing(ctx, () => produced === 0);
  const action = `${split.kind === 'query' ? 'querying' : 'scanning'} DynamoDB table ${split.table}`;
  const fetchPage = (start: Record<string, AttributeValue> | undefined): Promise<ItemPage> =>
    split.kind === 'query'
      ? callDynamoDb(
          state.dynamo,
          action,
          (c) =>
            c.send(
              readItemsFromWire(
                new QueryCommand({
                  ...common,
                  ...(split.index === undefined ? {} : { IndexName: split.index }),
                  KeyConditionExpression: keyCondition,
                  ...(start === undefined ? {} : { ExclusiveStartKey: start }),
                } satisfies QueryCommandInput),
              ),
              { abortSignal: ctx.signal },
            ),
          pacing,
        )
      : callDynamoDb(
          state.dynamo,
          action,
          (c) =>
            c.send(
              readItemsFromWire(
                new ScanCommand({
                  ...common,
                  Segment: split.segment,
                  TotalSegments: split.totalSegments,
                  ...(start === undefined ? {} : { ExclusiveStartKey: start }),
                } satisfies ScanCommandInput),
              ),
              { abortSignal: ctx.signal },
            ),
          pacing,
        );
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
}
