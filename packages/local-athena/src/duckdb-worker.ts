/**
 * The DuckDB thread's side of {@link DuckDBThread}: owns the database, creates and loads tables
 * and runs queries, one message at a time in arrival order.
 */
import { parentPort } from 'node:worker_threads';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Schema } from 'apache-arrow';
import { decodeSchemaMessage } from '@athena-federation/connector-core';
import { unpackBatches } from './arrow-handoff.js';
import { type TableLoader, createTable, openTableLoader } from './duckdb-tables.js';
import type { FromDuckDBThread, PortableResult, TableLoadReport, ToDuckDBThread } from './duckdb-thread.js';
import { toPortable } from './portable-values.js';

/**
 * A table being loaded: its loader (on a connection of its own) once created — a failed creation
 * rejects it, and the loader itself remembers a failed append — and the time spent on it.
 */
interface LoadingTable {
  readonly schema: Schema;
  readonly opened: Promise<{ readonly connection: DuckDBConnection; readonly loader: TableLoader }>;
  loadMs: number;
  flushQueued: boolean;
}

if (parentPort === null) throw new Error('duckdb-worker runs only as the worker thread a DuckDBThread starts');
const port = parentPort;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const tables = new Map<number, LoadingTable>();
const send = (message: FromDuckDBThread) => port.postMessage(message);
/** Work in arrival order: every message, and the inserts scheduled between them. */
let queue = Promise.resolve();

/**
 * Inserts a table's appended rows once the messages that arrived with them are handled: DuckDB's
 * insert then runs while the reads go on, and splits that arrive together (parallel reads finish
 * in waves) share one insert, whose cost per call is not small.
 */
function flushWhenIdle(table: LoadingTable): void {
  if (table.flushQueued) return;
  table.flushQueued = true;
  // After this turn's messages: each was chained onto the queue as it arrived.
  setImmediate(() => {
    queue = queue
      .then(async () => {
        table.flushQueued = false;
        const { loader } = await table.opened;
        const started = performance.now();
        try {
          loader.flush();
        } finally {
          table.loadMs += performance.now() - started;
        }
      })
      // A failed insert is the loader's to report, when the table is closed.
      .catch(() => undefined);
  });
}

/** Creates the table, then opens its loader on a new connection (closed again if that fails). */
async function openTable(
  catalog: string,
  schemaName: string,
  tableName: string,
  schema: Schema,
): Promise<{ connection: DuckDBConnection; loader: TableLoader }> {
  await createTable(connection, catalog, schemaName, tableName, schema);
  const own = await instance.connect();
  try {
    return { connection: own, loader: await openTableLoader(own, catalog, schemaName, tableName, schema) };
  } catch (error) {
    own.closeSync();
    throw error;
  }
}

/** Commits (or rolls back) a table's rows and closes its connection; rejects with the first failure. */
async function closeTable(table: LoadingTable): Promise<void> {
  const { connection: own, loader } = await table.opened;
  try {
    await loader.close();
  } finally {
    own.closeSync();
  }
}

async function handle(message: ToDuckDBThread): Promise<PortableResult | TableLoadReport | null | undefined> {
  switch (message.type) {
    case 'query': {
      const reader = await connection.runAndReadAll(message.sql);
      return { columns: reader.columnNames(), rows: reader.getRows().map((row) => row.map(toPortable)) };
    }
    case 'createTable': {
      const schema = decodeSchemaMessage(message.schema);
      const table: LoadingTable = {
        schema,
        opened: openTable(message.catalog, message.schemaName, message.tableName, schema),
        loadMs: 0,
        flushQueued: false,
      };
      // Reported by the reply below and again when the table is closed.
      table.opened.catch(() => undefined);
      tables.set(message.table, table);
      await table.opened;
      return null;
    }
    case 'append': {
      const table = tables.get(message.table);
      try {
        // Nothing to load into when the creation failed; closing the table reports that.
        const opened = await table?.opened.catch(() => undefined);
        if (table !== undefined && opened !== undefined) {
          const started = performance.now();
          try {
            opened.loader.append(unpackBatches(table.schema, message.packed));
            flushWhenIdle(table);
          } catch (error) {
            // The loader keeps the first failure, refuses further appends and reports it when closed.
            opened.loader.fail(error);
          } finally {
            table.loadMs += performance.now() - started;
          }
        }
      } finally {
        // The rows are in DuckDB now; the buffer goes back for the next batches.
        port.postMessage(
          {
            type: 'appended',
            bytes: message.packed.memory.byteLength,
            memory: message.packed.memory,
          } satisfies FromDuckDBThread,
          [message.packed.memory],
        );
      }
      return undefined;
    }
    case 'closeTable': {
      const table = tables.get(message.table);
      tables.delete(message.table);
      if (table === undefined) throw new Error(`DuckDB's thread has no table ${message.table} to close`);
      const started = performance.now();
      await closeTable(table);
      return { loadMs: table.loadMs + performance.now() - started };
    }
    case 'close':
      // Nobody is waiting for these tables' rows any more.
      for (const table of tables.values()) await closeTable(table).catch(() => undefined);
      connection.closeSync();
      instance.closeSync();
      port.close();
      return undefined;
  }
}

port.on('message', (message: ToDuckDBThread) => {
  queue = queue.then(async () => {
    try {
      const value = await handle(message);
      if ('id' in message) send({ type: 'reply', id: message.id, ok: true, value: value ?? null });
    } catch (error) {
      if (!('id' in message)) return;
      try {
        send({ type: 'reply', id: message.id, ok: false, error });
      } catch {
        // An error that cannot be cloned (one holding a function, say) still arrives, as its message.
        send({
          type: 'reply',
          id: message.id,
          ok: false,
          error: new Error(error instanceof Error ? error.message : String(error)),
        });
      }
    }
  });
});
