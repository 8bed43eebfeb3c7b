/**
 * ReadRecords: pulls rows or batches from the plugin, turns them into Arrow blocks, applies the
 * constraints and limit, and answers inline or spills — Java's RecordHandler rules (PROTOCOL.md
 * §5.1): a block that grows past `maxBlockSize` is spilled, and the answer is inline only when
 * nothing spilled and the rows stay under `maxInlineBlockSize`. One bound Java lacks: the inline
 * answer must also fit the response limit once encoded (base64 and the JSON around it add a third).
 */
import { RecordBatch, type Schema, Struct, makeData, type Data } from 'apache-arrow';
import { readRows } from '../arrow/block-reader.js';
import { RecordBatchWriter, ValueCoercionError, type Row } from '../arrow/block-writer/index.js';
import { blockOf } from '../arrow/value-block.js';
import type { Connector, ConnectorContext, RowChunk } from '../connector.js';
import { createConstraintEvaluator, filterRecordBatch } from '../constraints/evaluator.js';
import { ConnectorError } from '../errors.js';
import { encodedResponseBytes } from '../protocol/codec.js';
import type { ReadRecordsRequest, ReadRecordsResponse, RemoteReadRecordsResponse } from '../protocol/types.js';
import type { DispatchOptions } from './dispatcher.js';
import type { BlockSpiller } from '../spill/spill-services.js';
import { isQueryFinished } from './query-status.js';

/**
 * Spilled blocks after which each block may grow: a location is about 200–1,300 bytes of JSON, so
 * 2,000 of them stay well inside Lambda's 6 MB response; by a tenth per block, another hundred or
 * so cover any split a Lambda can read.
 */
const BLOCKS_BEFORE_GROWTH = 2000;
const BLOCK_GROWTH = 1.1;

/** Raw Arrow buffer bytes of a batch: Java's `Block.getSize()` measure. */
export function rawByteSize(batch: RecordBatch): number {
  return batch.data.children.reduce((sum: number, child: Data) => sum + child.byteLength, 0);
}

/** Reorders/selects a plugin's batch to the requested schema by column name; types must match. */
function project(batch: RecordBatch, schema: Schema): RecordBatch {
  if (batch.schema === schema) return batch;
  const children = schema.fields.map((field) => {
    const index = batch.schema.fields.findIndex((f) => f.name === field.name);
    const data = index === -1 ? undefined : batch.data.children[index];
    const source = batch.schema.fields[index];
    if (data === undefined || source === undefined)
      throw new ConnectorError('Internal', `The connector's record batch has no column ${field.name}`);
    if (String(source.type) !== String(field.type))
      throw new ConnectorError(
        'Internal',
        `The connector's record batch has column ${field.name} as ${String(source.type)}, not ${String(field.type)}`,
      );
    return data;
  });
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }),
  );
}

/** Joins batches of one schema into one (only for an inline answer built from several pieces). */
function concatenate(schema: Schema, batches: readonly RecordBatch[]): RecordBatch {
  if (batches.length === 1 && batches[0] !== undefined) return batches[0];
  const writer = new RecordBatchWriter(schema);
  for (const batch of batches) for (const row of readRows(batch)) writer.appendRow(row);
  return writer.finish();
}

/** Names what a plugin yielded by mistake (never its content, which may be source data). */
function describeYield(item: unknown): string {
  if (item === null) return 'null';
  if (typeof item !== 'object') return `a ${typeof item}`;
  return `an object of class ${item.constructor?.name ?? 'Object'} (a single row?)`;
}

/** How the answer will travel: the serde version it is encoded in and the most bytes it may take then. */
export interface ResponseLimit {
  readonly serDeVersion: number;
  readonly maxBytes: number;
}

/** Answers one ReadRecordsRequest; an inline answer is always within `responseLimit` once encoded. */
export async function readRecords(
  connector: Connector,
  request: ReadRecordsRequest,
  ctx: ConnectorContext,
  options: Pick<DispatchOptions, 'config' | 'spill' | 'responseLimit'>,
): Promise<ReadRecordsResponse | RemoteReadRecordsResponse> {
  const { spill, responseLimit } = options;
  const schema = request.schema;
  const maxBlockSize = options.config.maxBlockSizeBytes ?? request.maxBlockSize;
  // Where core cuts blocks: maxBlockSize, until so many have spilled that the list of their
  // locations nears Lambda's response limit (a tiny maxBlockSize makes a block per row); from then on
  // each block may be a tenth larger than the last, so a split of any size answers in one response.
  let blockLimit = maxBlockSize;
  const maxInline = request.maxInlineBlockSize;
  const evaluator = createConstraintEvaluator(schema, request.constraints.summary);
  const requestedLimit =
    request.constraints.limit > -1n
      ? Number(
          request.constraints.limit > BigInt(Number.MAX_SAFE_INTEGER)
            ? BigInt(Number.MAX_SAFE_INTEGER)
            : request.constraints.limit,
        )
      : Number.POSITIVE_INFINITY;
  // Core checks the summary on every row but not expressions or order: with those, the first rows
  // that pass are the right ones only if the plugin applied them (confirmExactPushdown).
  let limit =
    request.constraints.expression.length === 0 && request.constraints.orderByClause.length === 0
      ? requestedLimit
      : Number.POSITIVE_INFINITY;
  const confirmExactPushdown = (): void => {
    limit = requestedLimit;
  };
  const writer = new RecordBatchWriter(schema);
  const held: RecordBatch[] = [];
  let heldBytes = 0;
  let rows = 0;
  let bytes = 0;
  let spills = 0;
  let spiller: BlockSpiller | undefined;

  /** Spills every block held for an inline answer; the writer's buffers are then free to reuse. */
  const spillHeld = async (): Promise<BlockSpiller> => {
    spiller ??= spill.createSpiller(ctx, request.split, schema);
    const target = spiller;
    for (const block of held.splice(0)) {
      spills++;
      await target.spill(block);
    }
    heldBytes = 0;
    writer.recycle();
    return target;
  };

  /**
   * Takes a finished block: filter, count towards the limit, then hold it or spill it. Once a block
   * of the writer's is spilled (encrypted into its own object), the writer may reuse its buffers.
   */
  const emit = async (batch: RecordBatch, fromWriter: boolean): Promise<void> => {
    if (batch.numRows === 0) return;
    const kept = filterRecordBatch(batch, evaluator, Number.isFinite(limit) ? limit - rows : undefined);
    if (kept.numRows === 0) return;
    rows += kept.numRows;
    const size = rawByteSize(kept);
    bytes += size;
    if (spiller !== undefined) {
      spills++;
      if (spills > BLOCKS_BEFORE_GROWTH) blockLimit = Math.ceil(blockLimit * BLOCK_GROWTH);
      await spiller.spill(kept);
      if (fromWriter) writer.recycle();
      return;
    }
    held.push(kept);
    heldBytes += size;
    if (heldBytes > blockLimit || heldBytes >= maxInline) await spillHeld();
  };

  /**
   * The answer from what was read: inline when nothing spilled and the encoded answer fits, else the
   * spilled blocks. Under maxInlineBlockSize raw can still be over the limit encoded: Athena's usual
   * 5,242,880 raw bytes are about 7 MB of base64 in JSON, which Lambda would refuse to return.
   */
  const answer = async (): Promise<ReadRecordsResponse | RemoteReadRecordsResponse> => {
    await emit(writer.finish(), true);
    let target = spiller;
    if (target === undefined) {
      const inline: ReadRecordsResponse = {
        '@type': 'ReadRecordsResponse',
        catalogName: request.catalogName,
        records: blockOf(held.length === 0 ? writer.finish() : concatenate(schema, held)),
      };
      if (encodedResponseBytes(inline, responseLimit.serDeVersion) <= responseLimit.maxBytes) return inline;
      target = await spillHeld();
    }
    return {
      '@type': 'RemoteReadRecordsResponse',
      catalogName: request.catalogName,
      schema,
      remoteBlocks: await target.finish(),
      encryptionKey: request.split.encryptionKey,
    };
  };

  // Summing every column's bytes after each row costs a call per column per row; the size is
  // checked again only halfway to where the rows so far say the block fills (every row while a
  // row is most of a block), so a block still ends within a row or so of maxBlockSize.
  let nextSizeCheck = 1;
  const blockFull = (): boolean => {
    const size = writer.byteSize;
    if (size > blockLimit) return true;
    const perRow = size / writer.numRows;
    nextSizeCheck = writer.numRows + Math.max(1, Math.floor((blockLimit - size) / Math.max(perRow, 1) / 2));
    return false;
  };
  let yielded = 0;
  /** Appends one row; a value that cannot be represented is the source's data problem, not an internal fault. */
  const append = (row: Row): void => {
    yielded++;
    try {
      writer.appendRow(row);
    } catch (error) {
      // The message names table, row, column, types, why and what to yield, never the value (patient data).
      if (error instanceof ValueCoercionError) {
        const table = `${request.tableName.schemaName}.${request.tableName.tableName}`;
        throw new ConnectorError(
          'InvalidInput',
          `Table ${table}, row ${yielded} of the split: a ${error.valueType} value in column ${JSON.stringify(error.column)} cannot be stored as ${error.arrowType}: ${error.reason}; ${error.remedy}`,
          { cause: error },
        );
      }
      throw error;
    }
  };

  try {
    const input = {
      tableName: request.tableName,
      schema,
      split: request.split.properties,
      constraints: request.constraints,
      // Read when the plugin cuts each batch: it grows once many blocks have spilled (blockLimit).
      get maxBlockSize() {
        return blockLimit;
      },
      confirmExactPushdown,
    };
    read: for await (const item of connector.readSplit(ctx, input)) {
      if (ctx.signal.aborted) {
        // Athena has finished, failed or cancelled the query: nobody reads the rest (Java's connectors stop too).
        if (isQueryFinished(ctx.signal)) break;
        throw new ConnectorError('Timeout', 'Reading the split did not finish before the Lambda deadline');
      }
      if (item instanceof RecordBatch) {
        await emit(writer.finish(), true);
        nextSizeCheck = 1;
        await emit(project(item, schema), false);
      } else if (Array.isArray(item)) {
        for (const row of item as RowChunk) {
          append(row);
          // Bounded by the rows still wanted too, so a small LIMIT stops reading early.
          const full = writer.numRows >= nextSizeCheck && blockFull();
          if (full || (evaluator.isNoOp && rows + writer.numRows >= limit)) {
            await emit(writer.finish(), true);
            nextSizeCheck = 1;
            if (rows >= limit) break read;
          }
        }
      } else {
        throw new ConnectorError(
          'Internal',
          `readSplit yielded ${describeYield(item)}; yield arrays of rows (a chunk) or RecordBatches`,
        );
      }
      if (rows >= limit) break;
    }
    // Plugins may end their read quietly once the signal fires (a destroyed stream ends it); what
    // they produced is then only part of the split and must not be answered as all of it — unless
    // Athena has stopped the query, when nobody will read it.
    if (ctx.signal.aborted && rows < limit && !isQueryFinished(ctx.signal))
      throw new ConnectorError('Timeout', 'Reading the split did not finish before the Lambda deadline');
    return await answer();
  } catch (error) {
    // A plugin's call cut short by the stopped query (an aborted request, a destroyed stream) fails;
    // the query is over, so the answer is what was read, as when the plugin ends quietly.
    if (isQueryFinished(ctx.signal) && !(error instanceof ConnectorError && error.reason === 'InvalidInput')) {
      try {
        return await answer();
      } catch {
        // The partial answer could not be made either; the original failure explains more.
      }
    }
    await spiller?.abort();
    throw error;
  } finally {
    // The split is named by its spill directory's random id: its properties may hold source values (keys, ids).
    const split = request.split.spillLocation?.key.split('/').pop() ?? 'none';
    ctx.logger.appendKeys({ split, rows, bytes, spills });
  }
}
