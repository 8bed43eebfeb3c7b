/**
 * The plugin contract: what a data source implements to become an Athena connector. It is small on
 * purpose — core owns the wire, Arrow, constraint filtering, spill, paging and error mapping — so a
 * plugin only lists, describes, splits and reads its source.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RecordBatch, Schema } from 'apache-arrow';
import type { Row } from './arrow/block-writer/index.js';
import { ConnectorError } from './errors.js';
import type { HandlerConfig } from './handler/handler-config.js';
import type { Constraints, DataSourceCapabilities, FederatedIdentity, StringMap, TableName } from './protocol/types.js';

/** What every plugin call gets: who asks, for which query, and when to stop. */
export interface ConnectorContext {
  readonly queryId: string;
  readonly catalogName: string;
  readonly identity: FederatedIdentity | null;
  /** Fires when the Lambda is about to time out; stop reading and return (core reports the timeout). */
  readonly signal: AbortSignal;
  /** Structured JSON logger. Never log row values, request payloads or identity tags. */
  readonly logger: Logger;
  readonly config: HandlerConfig;
}

/** A table's Arrow schema and its partition columns (empty when unpartitioned). */
export interface TableDefinition {
  readonly schema: Schema;
  readonly partitionColumns?: readonly string[];
}

/** One page of tables. `nextToken: null` means there are no more. */
export interface TablePage {
  readonly tables: readonly TableName[];
  readonly nextToken: string | null;
}

/** A ListTables call as core hands it over. `pageSize` −1 means "all of them, no paging". */
export interface ListTablesInput {
  readonly schemaName: string;
  readonly nextToken: string | null;
  readonly pageSize: number;
}

/** A GetTableLayout call for a partitioned table. */
export interface PartitionsInput {
  readonly tableName: TableName;
  /** Table schema from GetTable. */
  readonly schema: Schema;
  /** The partition columns' fields, in `partitionColumns` order: the rows to yield. */
  readonly partitionSchema: Schema;
  readonly constraints: Constraints;
}

/** A GetSplits call. */
export interface SplitsInput {
  readonly tableName: TableName;
  /** The partitions block from GetTableLayout (one Int32 `partitionId` row for unpartitioned tables). */
  readonly partitions: RecordBatch;
  readonly partitionColumns: readonly string[];
  readonly constraints: Constraints;
  /** The connector's own token from its previous page; null on the first call. */
  readonly continuationToken: string | null;
}

/** One page of splits: each split is the connector's opaque properties; core adds spill location and key. */
export interface SplitPage {
  readonly splits: readonly StringMap[];
  /** Non-null when more splits follow; core hands it back on the next GetSplits call. */
  readonly continuationToken: string | null;
}

/** A ReadRecords call. */
export interface ReadSplitInput {
  readonly tableName: TableName;
  /** The columns Athena wants, in its order; yield values for these (extra object keys are ignored). */
  readonly schema: Schema;
  /** The split's properties as the connector made them in GetSplits. */
  readonly split: StringMap;
  /** Summary, expressions, limit, order by, passthrough arguments — for pushdown only; core re-checks every row. */
  readonly constraints: Constraints;
  /**
   * Raw Arrow bytes at which core ends a block (`MAX_BLOCK_SIZE_BYTES`, else the request's
   * `maxBlockSize`). A plugin that yields RecordBatches should cut them near this size, so core
   * can spill them as they come instead of holding one batch larger than a block.
   */
  readonly maxBlockSize: number;
  /**
   * Call (at any point of the read) when this read applies every `constraints.expression` and the
   * `orderByClause` exactly as Athena would. Core stops reading at `constraints.limit` rows only
   * then, or when there are no expressions and no ordering: it evaluates the summary itself but not
   * expressions or order, so cutting earlier could keep rows Athena's own filter drops, or the wrong
   * top N, and return too few. Without the call such a read is returned whole; Athena applies the
   * limit.
   */
  readonly confirmExactPushdown: () => void;
}

/** A query-passthrough signature, e.g. `system.query(query => '…')`. */
export interface QueryPassthroughSignature {
  /** Schema of the function, e.g. `system`. */
  readonly schema: string;
  /** Name of the function, e.g. `query`. */
  readonly name: string;
  /** Argument names, e.g. `['query']`. */
  readonly arguments: readonly string[];
}

/**
 * Implemented by each data-source plugin. Every member says when core calls it and what core has
 * already done by then.
 */
export interface Connector {
  /** Reported as Ping `sourceType` and in logs, e.g. `dynamodb`. */
  readonly sourceType: string;

  /** ListSchemas. Names should be lower-case (Athena's identifiers are). */
  listSchemas(ctx: ConnectorContext): Promise<readonly string[]>;

  /**
   * ListTables. Return at most `pageSize` tables (all when −1) and a token for the next page.
   * Connectors that can only list everything may use {@link pageOf}.
   */
  listTables(ctx: ConnectorContext, input: ListTablesInput): Promise<TablePage>;

  /**
   * GetTable. Throw `ConnectorError('NotFound', …)` for an unknown table. Core checks that every
   * field uses a type Athena supports before answering.
   */
  getTable(ctx: ConnectorContext, table: TableName): Promise<TableDefinition>;

  /**
   * GetTableLayout for a table with partition columns: yield one row per partition (values for
   * `partitionSchema`). Core drops partitions the constraints exclude. Not called for tables
   * without partition columns (core answers with one `partitionId` row, as Java does).
   */
  listPartitions?(ctx: ConnectorContext, input: PartitionsInput): AsyncIterable<Row> | Iterable<Row>;

  /** GetSplits. Core gives each split a fresh spill directory and encryption key, and pages large results. */
  getSplits(ctx: ConnectorContext, input: SplitsInput): Promise<SplitPage>;

  /**
   * ReadRecords: yield rows (objects by column name, or arrays in `schema` order) or whole Arrow
   * RecordBatches. Core converts values, applies the constraints to every row, projects to
   * `schema`, honours the limit, builds blocks and spills them; it stops pulling when it has
   * enough rows or `ctx.signal` fires.
   */
  readSplit(ctx: ConnectorContext, input: ReadSplitInput): AsyncIterable<Row | RecordBatch>;

  /**
   * GetDataSourceCapabilities: what this connector pushes down. Default: nothing (core filters).
   * Core adds the query-passthrough signature when enabled.
   */
  capabilities?(ctx: ConnectorContext): DataSourceCapabilities;

  /**
   * Maps the name Athena sent (Athena lower-cases identifiers) to the source's real name, e.g.
   * `ehr.patients` → `EHR.Patients`. Core calls it before `getTable`, `listPartitions`,
   * `getSplits` and `readSplit` and hands them the result; responses keep Athena's name. Default:
   * names are used as sent. {@link findCaseInsensitive} helps implement it.
   */
  resolveTableName?(ctx: ConnectorContext, table: TableName): Promise<TableName>;

  /** The passthrough function this connector offers; with {@link getQueryPassthroughSchema} it enables `system.query(…)`. */
  readonly queryPassthrough?: QueryPassthroughSignature;

  /** GetTable for a passthrough query: the schema of the query's result. `args` are the function's arguments by name. */
  getQueryPassthroughSchema?(ctx: ConnectorContext, args: StringMap): Promise<TableDefinition>;
}

/** Pages a complete table list for connectors whose source cannot page (token = offset). */
export function pageOf(tables: readonly TableName[], input: ListTablesInput): TablePage {
  if (input.pageSize < 0) return { tables, nextToken: null };
  const start = input.nextToken === null ? 0 : Number(input.nextToken);
  if (!Number.isSafeInteger(start) || start < 0) throw new ConnectorError('InvalidInput', `ListTables nextToken ${JSON.stringify(input.nextToken)} is not a token this connector issued`);
  const end = start + Math.max(input.pageSize, 1);
  return { tables: tables.slice(start, end), nextToken: end < tables.length ? String(end) : null };
}

/**
 * The one candidate equal to `name` ignoring case (an exact match wins). Throws `NotFound` when
 * none matches and `InvalidInput` when several differ only by case, since Athena cannot tell them apart.
 */
export function findCaseInsensitive(name: string, candidates: Iterable<string>, what: string): string {
  const matches: string[] = [];
  for (const candidate of candidates) {
    if (candidate === name) return candidate;
    if (candidate.toLowerCase() === name.toLowerCase()) matches.push(candidate);
  }
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length === 0) throw new ConnectorError('NotFound', `${what} ${name} does not exist`);
  throw new ConnectorError('InvalidInput', `${what} ${name} is ambiguous: ${matches.join(', ')} differ only by case`);
}
