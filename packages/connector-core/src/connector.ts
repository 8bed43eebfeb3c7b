/**
 * The plugin contract: what a data source implements to become an Athena connector. It is small on
 * purpose — core owns the wire, Arrow, constraint filtering, spill, paging and error mapping — so a
 * plugin only lists, describes, splits and reads its source.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RecordBatch, Schema } from 'apache-arrow';
import type { Row } from './arrow/block-writer/index.js';
import { ConnectorError } from './errors.js';
import type { CasingMode, HandlerConfig } from './handler/handler-config.js';

/**
 * The settings a plugin reads from the handler's configuration; spill and wire settings stay with
 * core. Read your source's own settings with your config loader.
 */
export type ConnectorSettings = Pick<HandlerConfig, 'throttle' | 'casingMode'>;
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
  /** `casing_mode` (for {@link resolveSourceName}) and the throttling settings (for `createThrottlingInvoker`). */
  readonly config: ConnectorSettings;
}

/** Rows yielded together by `readSplit`: core consumes them in order, without an `await` between rows. */
export type RowChunk = readonly Row[];

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
  /**
   * The columns Athena wants, in its order: the query's projection, not the whole table. Yield
   * values for these only (extra object keys are ignored, a missing one is null). Athena includes
   * the columns its filters read, since it applies them again after the connector; core evaluates
   * `constraints.summary` on these columns.
   */
  readonly schema: Schema;
  /** The split's properties as the connector made them in GetSplits. */
  readonly split: StringMap;
  /**
   * Summary, expressions, limit, order by, passthrough arguments — for pushdown only; core re-checks
   * every row against the summary. `queryPassthroughArguments` are already checked against
   * {@link Connector.queryPassthrough} and `enable_query_passthrough`, keyed by the signature's
   * lower-case argument names (e.g. `query`); empty when the query is not a passthrough.
   */
  readonly constraints: Constraints;
  /**
   * Raw Arrow bytes at which core ends a block (`MAX_BLOCK_SIZE_BYTES`, else the request's
   * `maxBlockSize`). Core cuts chunks of rows itself; a plugin that yields RecordBatches should
   * cut them near this size, so core can spill them as they come instead of holding one batch
   * larger than a block, and read it again for each batch: once 2,000 blocks have spilled it grows
   * by a tenth per block, so that a tiny size still answers within Lambda's response limit.
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
   * ReadRecords: yield chunks of rows (each row an object by column name or an array in `schema`
   * order; a chunk is typically what one page or network read of the source gave) or, for sources
   * that read Arrow natively, whole RecordBatches. Core converts every value exactly (or fails
   * naming the column, why, and what to yield instead), applies the summary to every row, projects
   * to `schema`, cuts blocks by `maxBlockSize`, honours the limit and spills; it stops pulling
   * when it has enough rows or `ctx.signal` fires. Yielding one row per chunk works but costs an
   * `await` per row. The JavaScript values each Arrow type takes are in the table "Values `readSplit`
   * may yield" of core's README (and on `RecordBatchWriter`).
   */
  readSplit(ctx: ConnectorContext, input: ReadSplitInput): AsyncIterable<RowChunk | RecordBatch>;

  /**
   * GetDataSourceCapabilities: what this connector pushes down. Default: nothing (core filters).
   * Core adds the query-passthrough signature when enabled.
   */
  capabilities?(ctx: ConnectorContext): DataSourceCapabilities;

  /** The passthrough function this connector offers; with {@link getQueryPassthroughSchema} it enables `system.query(…)`. */
  readonly queryPassthrough?: QueryPassthroughSignature;

  /**
   * GetTable for a passthrough query: the schema of the query's result. Core has checked the call
   * against {@link queryPassthrough} and `enable_query_passthrough`; `args` are the function's
   * arguments by their lower-case names, e.g. `{ query: 'SELECT …' }`.
   */
  getQueryPassthroughSchema?(ctx: ConnectorContext, args: StringMap): Promise<TableDefinition>;
}

/** Pages a complete table list for connectors whose source cannot page (token = offset). */
export function pageOf(tables: readonly TableName[], input: ListTablesInput): TablePage {
  if (input.pageSize < 0) return { tables, nextToken: null };
  const start = input.nextToken === null ? 0 : Number(input.nextToken);
  if (!Number.isSafeInteger(start) || start < 0)
    throw new ConnectorError(
      'InvalidInput',
      `ListTables nextToken ${JSON.stringify(input.nextToken)} is not a token this connector issued`,
    );
  const end = start + Math.max(input.pageSize, 1);
  return { tables: tables.slice(start, end), nextToken: end < tables.length ? String(end) : null };
}

/** How a name Athena sent maps to the source's: the `casing_mode` in effect and how to list candidates. */
export interface SourceNameLookup {
  /** The name as Athena sent it (Athena lower-cases identifiers unless quoted). */
  readonly name: string;
  /** `ctx.config.casingMode`, or the plugin's default when unset. */
  readonly casingMode: CasingMode;
  /**
   * The source's names equal to `name` ignoring case (more is fine: core filters). Called only
   * under `CASE_INSENSITIVE_SEARCH`, so a source that can filter (SQL's `LOWER(name) = LOWER(?)`)
   * reads one row instead of the catalog.
   */
  readonly candidates: (name: string) => Promise<Iterable<string>> | Iterable<string>;
  /** What the name is, for errors: `Schema "ehr"`, `Table "ehr.patients"`. */
  readonly what: string;
}

/**
 * The source's real name for a name Athena sent, under Java's `casing_mode` rules: `NONE` and
 * `ANNOTATION` use it as sent, `LOWER`/`UPPER` transform it, `CASE_INSENSITIVE_SEARCH` finds the one
 * source name equal ignoring case (an exact match wins). Plugins call it in every member that takes
 * a table or schema name, before they touch the source.
 *
 * @throws {ConnectorError} `NotFound` when nothing matches; `InvalidInput` when several names differ
 * only by case, which Athena cannot tell apart.
 */
export async function resolveSourceName(lookup: SourceNameLookup): Promise<string> {
  const { name, casingMode, what } = lookup;
  if (casingMode === 'LOWER') return name.toLowerCase();
  if (casingMode === 'UPPER') return name.toUpperCase();
  if (casingMode !== 'CASE_INSENSITIVE_SEARCH') return name;
  const lower = name.toLowerCase();
  const matches: string[] = [];
  for (const candidate of await lookup.candidates(name)) {
    if (candidate === name) return candidate;
    if (candidate.toLowerCase() === lower && !matches.includes(candidate)) matches.push(candidate);
  }
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length === 0) throw new ConnectorError('NotFound', `${what} does not exist`);
  throw new ConnectorError(
    'InvalidInput',
    `${what} is ambiguous: ${matches.length} names differ only by case (${matches.join(', ')}); set casing_mode=NONE and quote the exact name`,
  );
}

/** A source name as ListSchemas/ListTables report it: lower-cased under `CASE_INSENSITIVE_SEARCH`, as sent otherwise. */
export function listedName(name: string, casingMode: CasingMode): string {
  return casingMode === 'CASE_INSENSITIVE_SEARCH' ? name.toLowerCase() : name;
}
