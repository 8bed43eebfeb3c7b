/**
 * DuckDB on its own thread. Loading a table scan into DuckDB (filling its chunks, its Appender's
 * inserts) used to run between split reads on the one JavaScript thread that also decodes the
 * connector's responses; on a worker thread it overlaps them, as Athena's engine reads and
 * processes at the same time. Batches cross as one copied, transferred buffer each
 * (`arrow-handoff`); query results cross as tagged values rebuilt with DuckDB's classes
 * (`portable-values`). Messages are handled in order on the worker, so a table's appends always
 * follow its creation and precede its close.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { encodeSchemaMessage } from '@athena-federation/connector-core';
import type { RecordBatch, Schema } from 'apache-arrow';
import { type PackedBatches, packBatches } from './arrow-handoff.js';
import { type PortableValue, fromPortable } from './portable-values.js';

/** Messages to the DuckDB thread. Those with an `id` get exactly one {@link Reply}. */
export type ToDuckDBThread =
  | { readonly type: 'query'; readonly id: number; readonly sql: string }
  | {
      readonly type: 'createTable';
      readonly id: number;
      readonly table: number;
      readonly catalog: string;
      readonly schemaName: string;
      readonly tableName: string;
      readonly schema: Uint8Array;
    }
  | { readonly type: 'append'; readonly table: number; readonly packed: PackedBatches }
  | { readonly type: 'closeTable'; readonly id: number; readonly table: number }
  | { readonly type: 'close' };

/** What a finished query sends back. */
export interface PortableResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly PortableValue[])[];
}

/** What closing a table sends back: the DuckDB thread's busy time loading it. */
export interface TableLoadReport {
  readonly loadMs: number;
}

/** Messages from the DuckDB thread. */
export type FromDuckDBThread =
  | { readonly type: 'appended'; readonly bytes: number; readonly memory: ArrayBuffer }
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly ok: true;
      readonly value: PortableResult | TableLoadReport | null;
    }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: unknown };

/** A query's answer, with DuckDB's own value classes. */
export interface ThreadQueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Loads one table's batches on the DuckDB thread. */
export interface TableHandoff {
  /** Settles when the table exists (its creation can fail, e.g. on a column type DuckDB lacks). */
  readonly created: Promise<void>;
  /**
   * Sends `batches` to be appended and returns their row count once they are on their way; waits
   * first while more than `maxBytesInFlight` sent bytes are still being loaded.
   */
  append(batches: readonly RecordBatch[]): Promise<number>;
  /** Flushes and closes the table's Appender; rejects with the first error of its creation or appends. */
  close(): Promise<TableLoadReport>;
}

/**
 * Bytes sent to the DuckDB thread and not yet loaded before reads wait for it, by default: memory
 * stays bounded when DuckDB is the slower side, while a few splits' worth keeps both threads busy.
 */
export const MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

/** Hand-off buffers kept for reuse: about as many as splits are read at once, and one more. */
const SPARE_BUFFERS = 5;

/** Options of {@link DuckDBThread.start}. */
export interface DuckDBThreadOptions {
  /** Default {@link MAX_BYTES_IN_FLIGHT}. */
  readonly maxBytesInFlight?: number;
}

/**
 * The worker module beside this one: `.js`/`.mjs` when built; `.ts` when run from sources (tests,
 * `tsx`), where it starts through tsx's loader, since a worker ignores `--import` here.
 */
function startWorker(): Worker {
  const extension = /\.[cm]?[jt]s$/.exec(new URL(import.meta.url).pathname)?.[0] ?? '.js';
  const url = new URL(`./duckdb-worker${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(url);
  // tsx's ESM API (its `import` export, which `require.resolve` cannot pick) registers its hooks in this thread.
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: { './esm/api': { import: { default: string } } };
  };
  const api = new URL(exports['./esm/api'].import.default, pathToFileURL(manifest)).href;
  return new Worker(
    `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
    { eval: true },
  );
}

/** One DuckDB database on a worker thread. Start with {@link DuckDBThread.start}; `close()` when done. */
export class DuckDBThread {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  readonly #maxBytesInFlight: number;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  #nextId = 0;
  #bytesInFlight = 0;
  #waitingForRoom: (() => void)[] = [];
  /** Hand-off buffers the thread gave back: filling new memory costs more than copying the batches. */
  readonly #spare: ArrayBuffer[] = [];
  #failure: Error | undefined;

  private constructor(worker: Worker, maxBytesInFlight: number) {
    this.#worker = worker;
    this.#maxBytesInFlight = maxBytesInFlight;
    // Referenced only while it owes an answer, so a caller that forgets close() can still exit.
    worker.unref();
    worker.on('message', (message: FromDuckDBThread) => this.#receive(message));
    worker.on('error', (error) => this.#fail(new Error(`DuckDB's thread failed: ${error.message}`, { cause: error })));
    this.#exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.#fail(new Error(`DuckDB's thread exited (code ${code})`));
        resolve();
      }),
    );
  }

  /**
   * Starts the worker. Requests wait in its queue while it loads (a few hundred milliseconds,
   * overlapping the first protocol calls); a failed start fails them.
   */
  static start(options: DuckDBThreadOptions = {}): DuckDBThread {
    return new DuckDBThread(startWorker(), options.maxBytesInFlight ?? MAX_BYTES_IN_FLIGHT);
  }

  /** Bytes handed to the thread that it has not loaded yet. */
  get bytesInFlight(): number {
    return this.#bytesInFlight;
  }

  #receive(message: FromDuckDBThread): void {
    if (message.type === 'appended') {
      this.#bytesInFlight -= message.bytes;
      if (this.#spare.length < SPARE_BUFFERS) this.#spare.push(message.memory);
      if (this.#bytesInFlight <= this.#maxBytesInFlight) for (const wake of this.#waitingForRoom.splice(0)) wake();
    } else {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(message.error);
    }
    // Once closing, the thread stays referenced until it exits: an answer arriving after close()
    // must not let the process end (with status 0) before close() has settled.
    if (this.#pending.size === 0 && this.#bytesInFlight === 0 && this.#failure === undefined) this.#worker.unref();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    for (const wake of this.#waitingForRoom.splice(0)) wake();
  }

  #request<T>(message: ToDuckDBThread & { readonly id: number }): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(message.id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.ref();
      this.#worker.postMessage(message);
    });
  }

  /** A spare buffer that fits `bytes` without wasting more than as much again, else a new one. */
  #reusableBuffer(bytes: number): ArrayBuffer {
    const index = this.#spare.findIndex((buffer) => buffer.byteLength >= bytes && buffer.byteLength <= 2 * bytes);
    return index === -1 ? new ArrayBuffer(bytes) : (this.#spare.splice(index, 1)[0] ?? new ArrayBuffer(bytes));
  }

  /** Runs `sql` and reads the whole result. */
  async query(sql: string): Promise<ThreadQueryResult> {
    const result = await this.#request<PortableResult>({ type: 'query', id: this.#nextId++, sql });
    return { columns: result.columns, rows: result.rows.map((row) => row.map(fromPortable)) };
  }

  /**
   * Creates (or replaces) `catalog.schemaName.tableName` with `schema`'s columns and opens an
   * Appender on it; returns at once, creation runs while the caller goes on.
   */
  createTable(catalog: string, schemaName: string, tableName: string, schema: Schema): TableHandoff {
    const table = this.#nextId++;
    const created = this.#request<null>({
      type: 'createTable',
      id: this.#nextId++,
      table,
      catalog,
      schemaName,
      tableName,
      schema: encodeSchemaMessage(schema, 'continuation'),
    }).then(() => undefined);
    // A failed creation is reported by close() too; this keeps it from being unhandled meanwhile.
    created.catch(() => undefined);
    let closing: Promise<TableLoadReport> | undefined;
    return {
      created,
      append: async (batches) => {
        while (this.#bytesInFlight > this.#maxBytesInFlight && this.#failure === undefined)
          await new Promise<void>((wake) => this.#waitingForRoom.push(wake));
        if (this.#failure !== undefined) throw this.#failure;
        const packed = packBatches(batches, (bytes) => this.#reusableBuffer(bytes));
        this.#bytesInFlight += packed.memory.byteLength;
        this.#worker.ref();
        this.#worker.postMessage({ type: 'append', table, packed } satisfies ToDuckDBThread, [packed.memory]);
        return packed.rows;
      },
      close: () => (closing ??= this.#request<TableLoadReport>({ type: 'closeTable', id: this.#nextId++, table })),
    };
  }

  /**
   * Closes the database and settles when the thread has ended; requests sent before are answered
   * first, later ones fail. Waiting matters: ending a process while DuckDB is inside a native call
   * on the thread aborts the process.
   */
  close(): Promise<void> {
    if (this.#failure === undefined) {
      // What was sent before is still answered: the thread handles messages in order.
      this.#worker.postMessage({ type: 'close' } satisfies ToDuckDBThread);
      this.#worker.ref();
      this.#failure = new Error("DuckDB's thread is closed");
    }
    return this.#exited;
  }
}
