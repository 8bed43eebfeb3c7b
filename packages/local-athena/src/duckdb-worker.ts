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

/** A table being loaded: its loader (on a connection of its own) once created, the first error, and the time spent on it. */
interface LoadingTable {
  readonly schema: Schema;
  connection: DuckDBConnection | undefined;
  loader: TableLoader | undefined;
  error: unknown;
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
    queue = queue.then(() => {
      table.flushQueued = false;
      const started = performance.now();
      try {
        if (table.error === undefined) table.loader?.flush();
      } catch (error) {
        table.error = error;
      } finally {
        table.loadMs += performance.now() - started;
      }
    });
  });
}

async function handle(message: ToDuckDBThread): Promise<PortableResult | TableLoadReport | null | undefined> {
  switch (message.type) {
    case 'query': {
      const reader = await connection.runAndReadAll(message.sql);
      return { columns: reader.columnNames(), rows: reader.getRows().map((row) => row.map(toPortable)) };
    }
    case 'createTable': {
      const schema = decodeSchemaMessage(message.schema);
      const table: LoadingTable = { schema, connection: undefined, loader: undefined, error: undefined, loadMs: 0, flushQueued: false };
      tables.set(message.table, table);
      try {
        await createTable(connection, message.catalog, message.schemaName, message.tableName, schema);
        table.connection = await instance.connect();
        table.loader = await openTableLoader(table.connection, message.catalog, message.schemaName, message.tableName, schema);
      } catch (error) {
        table.error = error;
        throw error;
      }
      return null;
    }
    case 'append': {
      const table = tables.get(message.table);
      try {
        if (table?.loader !== undefined && table.error === undefined) {
          const started = performance.now();
          try {
            table.loader.append(unpackBatches(table.schema, message.packed));
            flushWhenIdle(table);
          } catch (error) {
            table.error = error;
          } finally {
            table.loadMs += performance.now() - started;
          }
        }
      } finally {
        // The rows are in DuckDB now; the buffer goes back for the next batches.
        port.postMessage({ type: 'appended', bytes: message.packed.memory.byteLength, memory: message.packed.memory } satisfies FromDuckDBThread, [message.packed.memory]);
      }
      return undefined;
    }
    case 'closeTable': {
      const table = tables.get(message.table);
      tables.delete(message.table);
      if (table === undefined) throw new Error(`DuckDB's thread has no table ${message.table} to close`);
      const started = performance.now();
      try {
        await table.loader?.close();
      } catch (error) {
        table.error ??= error;
      } finally {
        table.connection?.closeSync();
      }
      if (table.error !== undefined) throw table.error;
      return { loadMs: table.loadMs + performance.now() - started };
    }
    case 'close':
      for (const table of tables.values()) {
        // Closing anyway: nobody is waiting for this table's rows any more.
        await table.loader?.close().catch(() => undefined);
        table.connection?.closeSync();
      }
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
        send({ type: 'reply', id: message.id, ok: false, error: new Error(error instanceof Error ? error.message : String(error)) });
      }
    }
  });
});
