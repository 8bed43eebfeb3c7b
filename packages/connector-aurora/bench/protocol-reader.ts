/**
 * The connector behind its Lambda handler, driven over the real wire (EngineDriver, JSON requests
 * and responses) the way Athena reads a split. Spilled blocks are Arrow-IPC encoded exactly as for
 * S3 and then counted and dropped: S3 and spill encryption are measured by connector-core's own
 * spill benchmark, and here would only add moto's cost to both sides of nothing.
 */
import { createLambdaHandler, encodeRecordBatchMessage, loadHandlerConfig } from '@athena-federation/connector-core';
import type { GetTableResponse, Split } from '@athena-federation/connector-core';
import { EngineDriver, inProcessTransport, makeConstraints } from '@athena-federation/connector-core/testing';
import { createAuroraConnector } from '../src/index.js';
import { memorySpillServices } from '../test/support/memory-spill.js';
import { BENCH_DATABASE, BENCH_SERVER, BENCH_TABLE } from './bench-table.js';

/** Reads splits of the benchmark table through the protocol. */
export interface ProtocolReader {
  /** GetTable + GetTableLayout + GetSplits. */
  splits(): Promise<Split[]>;
  /** One ReadRecords call; resolves to the rows the connector produced. */
  read(split: Split): Promise<number>;
  /** A `system.query` passthrough query read as Athena reads it (its one split); resolves to its rows. */
  readQuery(query: string): Promise<number>;
  close(): Promise<void>;
}

/** Where a reader reads: the connection string and the table (default: MariaDB's benchmark table). */
export interface ProtocolSource {
  readonly connectionString: string;
  readonly schemaName: string;
  readonly tableName: string;
}

const MARIADB_SOURCE: ProtocolSource = {
  connectionString: `mysql://jdbc:mysql://${BENCH_SERVER.host}:${BENCH_SERVER.port}/${BENCH_DATABASE}?user=${BENCH_SERVER.user}`,
  schemaName: BENCH_DATABASE,
  tableName: BENCH_TABLE,
};

/** A reader whose connector cuts the table into splits of about `targetRowsPerSplit` rows. */
export function createProtocolReader(targetRowsPerSplit: number, source = MARIADB_SOURCE): ProtocolReader {
  let rows = 0;
  const spill = memorySpillServices((batch) => {
    encodeRecordBatchMessage(batch, 'legacy');
    rows += batch.numRows;
  });
  const connector = createAuroraConnector({
    env: {
      default: source.connectionString,
      target_rows_per_split: String(targetRowsPerSplit),
    },
  });
  // No Athena here to ask whether the query still runs (in production: one background call a second per long read).
  const config = { ...loadHandlerConfig({}), spillBucket: 'aurora-bench', queryStatusCheckIntervalMs: 0 };
  const driver = new EngineDriver({
    transport: inProcessTransport(createLambdaHandler(connector, { config, spill })),
    catalogName: 'aurora_bench',
  });
  const tableName = { schemaName: source.schemaName, tableName: source.tableName };
  const constraints = makeConstraints();
  let table: GetTableResponse | undefined;
  /** One ReadRecords call with Athena's 16 MB blocks; the rows the connector produced. */
  const readSplit = async (read: GetTableResponse, split: Split, readConstraints: typeof constraints) => {
    const before = rows;
    const response = await driver.send(
      {
        '@type': 'ReadRecordsRequest',
        identity: driver.identity,
        queryId: driver.queryId,
        catalogName: 'aurora_bench',
        tableName: read.tableName,
        schema: read.schema,
        split,
        constraints: readConstraints,
        maxBlockSize: 16_000_000,
        maxInlineBlockSize: 5_242_880,
      },
      'ReadRecordsResponse',
    );
    // Inline answers (small splits) carry their rows in the response itself.
    if (response['@type'] === 'ReadRecordsResponse') rows += response.records.records.numRows;
    return rows - before;
  };
  return {
    async splits() {
      await driver.ping();
      table = await driver.getTable(tableName);
      return driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
    },
    read: async (split) => {
      if (table === undefined) table = await driver.getTable(tableName);
      return readSplit(table, split, constraints);
    },
    async readQuery(query) {
      const args = { schemaFunctionName: 'SYSTEM.QUERY', QUERY: query };
      const described = await driver.getTable({ schemaName: 'system', tableName: 'query' }, args);
      const passthrough = makeConstraints({ queryPassthroughArguments: args });
      const [split] = await driver.getSplits(
        described,
        await driver.getTableLayout(described, passthrough),
        passthrough,
      );
      if (split === undefined) throw new Error('the passthrough query was planned without a split');
      return readSplit(described, split, passthrough);
    },
    close: () => connector.close(),
  };
}
