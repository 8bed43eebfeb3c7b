/**
 * An in-memory connector with the same behaviour surface as a real plugin (schemas, paged tables,
 * partitions, several splits, rows or whole batches). Core runs its conformance suite on it, and
 * plugin authors can read it as the smallest complete example.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { readValue } from '../arrow/block-reader.js';
import { RecordBatchWriter, type Row } from '../arrow/block-writer/index.js';
import { type Connector, type ConnectorContext, type PartitionsInput, type SplitsInput, pageOf } from '../connector.js';
import { ConnectorError } from '../errors.js';
import type { DataSourceCapabilities, TableName } from '../protocol/types.js';

/** One in-memory table: rows are produced on demand, so a million of them cost no memory up front. */
export interface ReferenceTable {
  readonly tableName: TableName;
  readonly schema: Schema;
  readonly rowCount: number;
  /** Row `index` as an object by column name. */
  row(index: number): Row;
  /** Partition columns; their values come from the rows. */
  readonly partitionColumns?: readonly string[];
  /** Splits per partition (default 1). */
  readonly splitsPerPartition?: number;
  /** Yield Arrow RecordBatches of this many rows instead of chunks of row objects (the columnar path). */
  readonly batchRows?: number;
  /** Rows per yielded chunk on the row path (default 256): how many rows one page of a source holds. */
  readonly chunkRows?: number;
}

/** Options of {@link createReferenceConnector}. */
export interface ReferenceConnectorOptions {
  readonly tables: readonly ReferenceTable[];
  readonly sourceType?: string;
  readonly capabilities?: DataSourceCapabilities;
}

const key = (name: TableName) => `${name.schemaName}.${name.tableName}`;

/** Builds the in-memory connector. */
export function createReferenceConnector(options: ReferenceConnectorOptions): Connector {
  const tables = new Map(options.tables.map((t) => [key(t.tableName), t]));
  const find = (name: TableName): ReferenceTable => {
    const table = tables.get(key(name));
    if (table === undefined) throw new ConnectorError('NotFound', `Table ${key(name)} does not exist`);
    return table;
  };
  const partitionOf = (table: ReferenceTable, row: Row): string =>
    JSON.stringify((table.partitionColumns ?? []).map((c) => String((row as Record<string, unknown>)[c])));

  return {
    sourceType: options.sourceType ?? 'reference',
    ...(options.capabilities === undefined ? {} : { capabilities: () => options.capabilities ?? {} }),
    listSchemas: () => Promise.resolve([...new Set(options.tables.map((t) => t.tableName.schemaName))].sort()),
    listTables: (_ctx, input) => {
      const names = options.tables.map((t) => t.tableName).filter((t) => t.schemaName === input.schemaName);
      return Promise.resolve(pageOf(names, input));
    },
    getTable: (_ctx, name) => {
      const table = find(name);
      return Promise.resolve({ schema: table.schema, partitionColumns: table.partitionColumns ?? [] });
    },
    listPartitions: (_ctx: ConnectorContext, input: PartitionsInput) => {
      const table = find(input.tableName);
      const seen = new Map<string, Row>();
      for (let i = 0; i < table.rowCount; i++) {
        const row = table.row(i) as Record<string, unknown>;
        const id = partitionOf(table, row);
        if (!seen.has(id)) seen.set(id, Object.fromEntries((table.partitionColumns ?? []).map((c) => [c, row[c]])));
      }
      return seen.values();
    },
    getSplits: (_ctx, input: SplitsInput) => {
      const table = find(input.tableName);
      const per = Math.max(table.splitsPerPartition ?? 1, 1);
      const partitions =
        (table.partitionColumns ?? []).length === 0
          ? [null]
          : partitionKeys(input.partitions, table.partitionColumns ?? []);
      const splits = partitions.flatMap((partition) =>
        Array.from({ length: per }, (_, i) => ({
          start: String(Math.floor((table.rowCount * i) / per)),
          end: String(Math.floor((table.rowCount * (i + 1)) / per)),
          ...(partition === null ? {} : { partition }),
        })),
      );
      return Promise.resolve({ splits, continuationToken: null });
    },
    async *readSplit(ctx, input) {
      const table = find(input.tableName);
      const start = Number(input.split['start']);
      const end = Number(input.split['end']);
      if (
        !Number.isSafeInteger(start) ||
        !Number.isSafeInteger(end) ||
        start < 0 ||
        end > table.rowCount ||
        start > end
      ) {
        throw new ConnectorError(
          'InvalidInput',
          `Split range ${input.split['start']}..${input.split['end']} is not valid for ${key(table.tableName)}`,
        );
      }
      const partition = input.split['partition'];
      const writer = table.batchRows === undefined ? undefined : new RecordBatchWriter(input.schema);
      const chunkRows = Math.max(table.chunkRows ?? 256, 1);
      let chunk: Row[] = [];
      for (let i = start; i < end; i++) {
        if (ctx.signal.aborted) return;
        const row = table.row(i);
        if (partition !== undefined && partitionOf(table, row) !== partition) continue;
        if (writer === undefined) {
          chunk.push(row);
          if (chunk.length >= chunkRows) {
            yield chunk;
            chunk = [];
          }
        } else {
          writer.appendRow(row);
          if (writer.numRows >= (table.batchRows ?? 1)) yield writer.finish() as RecordBatch;
        }
      }
      if (chunk.length > 0) yield chunk;
      if (writer !== undefined && writer.numRows > 0) yield writer.finish();
    },
  };
}

function partitionKeys(partitions: RecordBatch, columns: readonly string[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i < partitions.numRows; i++) {
    keys.push(
      JSON.stringify(
        columns.map((c) => {
          const vector = partitions.getChild(c);
          return vector === null ? 'undefined' : String(readValue(vector, i));
        }),
      ),
    );
  }
  return keys;
}
