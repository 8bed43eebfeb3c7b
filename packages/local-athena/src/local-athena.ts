/**
 * Athena's part on one machine: for each query, find the federated tables, derive what Athena would
 * push down, drive each connector through the real protocol (ping, GetTable, layout, every split
 * page, every split read, spilled blocks from S3), load the rows into DuckDB and run the SQL there
 * unchanged against `catalog.schema.table`.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Schema } from 'apache-arrow';
import { EngineDriver, type Transport, type ValueSet } from '@athena-federation/connector-core';
import { type CatalogTarget, checkCatalogName, transportFor } from './catalog.js';
import { appendBatches, createTable } from './duckdb-tables.js';
import { analyzeQuery, summaryFor } from './pushdown.js';

/** Options of {@link LocalAthena.create}. */
export interface LocalAthenaOptions {
  /** Catalog name → where its connector runs. */
  readonly catalogs: Readonly<Record<string, CatalogTarget>>;
  /** Athena's block sizes by default: 16,000,000 and 5,242,880 bytes. */
  readonly maxBlockSize?: number;
  readonly maxInlineBlockSize?: number;
  /** ReadRecords calls in flight per table (default 4). */
  readonly parallelism?: number;
}

/** What happened for one federated table of a query (the `--explain` view). */
export interface TableScanReport {
  readonly table: string;
  /** Column → pushed value set. */
  readonly pushdown: Readonly<Record<string, ValueSet>>;
  readonly splits: number;
  readonly rows: number;
  readonly spilledObjects: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** Milliseconds per protocol step, and loading into DuckDB. */
  readonly timings: Readonly<Record<string, number>>;
}

/** A query's answer. */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly scans: readonly TableScanReport[];
  readonly durationMs: number;
}

/** Runs federated SQL over registered catalogs. Create with {@link LocalAthena.create}; `close()` when done. */
export class LocalAthena {
  readonly #options: LocalAthenaOptions;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  readonly #transports = new Map<string, Promise<Transport>>();

  private constructor(options: LocalAthenaOptions, instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#options = options;
    this.#instance = instance;
    this.#connection = connection;
  }

  /** Starts an embedded DuckDB and registers the catalogs (names follow Athena's rules). */
  static async create(options: LocalAthenaOptions): Promise<LocalAthena> {
    for (const name of Object.keys(options.catalogs)) checkCatalogName(name);
    const instance = await DuckDBInstance.create(':memory:');
    return new LocalAthena(options, instance, await instance.connect());
  }

  #transport(catalog: string): Promise<Transport> {
    let transport = this.#transports.get(catalog);
    if (transport === undefined) {
      const target = this.#options.catalogs[catalog];
      if (target === undefined) throw new Error(`Catalog ${catalog} is not registered`);
      transport = transportFor(target);
      this.#transports.set(catalog, transport);
    }
    return transport;
  }

  /** Runs one SELECT. Errors from a connector name the catalog, table and request type. */
  async query(sql: string): Promise<QueryResult> {
    const started = performance.now();
    const analysis = await analyzeQuery(this.#connection, sql, new Set(Object.keys(this.#options.catalogs).map((c) => c.toLowerCase())));
    const scans: TableScanReport[] = [];
    const loaded = new Set<string>();
    for (const table of analysis.tables) {
      const key = `${table.catalog}.${table.schemaName}.${table.tableName}`;
      if (loaded.has(key)) continue;
      loaded.add(key);
      const refs = analysis.tables.filter((t) => `${t.catalog}.${t.schemaName}.${t.tableName}` === key);
      const ref = refs.length === 1 && refs[0] !== undefined ? refs[0] : { ...table, pushable: false };
      scans.push(await this.#scan(ref.catalog, { schemaName: ref.schemaName, tableName: ref.tableName }, (schema) => summaryFor(ref, schema, analysis)));
    }
    const reader = await this.#connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRows(), scans, durationMs: performance.now() - started };
  }

  async #scan(catalog: string, tableName: { schemaName: string; tableName: string }, pushdown: (schema: Schema) => Record<string, ValueSet>): Promise<TableScanReport> {
    const name = `${catalog}.${tableName.schemaName}.${tableName.tableName}`;
    const driver = new EngineDriver({
      transport: await this.#transport(catalog),
      catalogName: catalog,
      ...(this.#options.maxBlockSize === undefined ? {} : { maxBlockSize: this.#options.maxBlockSize }),
      ...(this.#options.maxInlineBlockSize === undefined ? {} : { maxInlineBlockSize: this.#options.maxInlineBlockSize }),
      ...(this.#options.parallelism === undefined ? {} : { parallelism: this.#options.parallelism }),
    });
    try {
      await driver.ping();
      const definition = await driver.getTable(tableName);
      const summary = pushdown(definition.schema);
      const result = await driver.scan(tableName, { constraints: { summary } });
      const loadStarted = performance.now();
      await createTable(this.#connection, catalog, tableName.schemaName, tableName.tableName, result.schema);
      const rows = await appendBatches(this.#connection, catalog, tableName.schemaName, tableName.tableName, result.schema, result.table.batches);
      const timings: Record<string, number> = {};
      for (const entry of driver.trace) timings[entry.requestType] = (timings[entry.requestType] ?? 0) + entry.durationMs;
      timings['loadIntoDuckDB'] = performance.now() - loadStarted;
      return {
        table: name,
        pushdown: summary,
        splits: result.splits,
        rows,
        spilledObjects: result.spilledObjects,
        requestBytes: driver.trace.reduce((n, t) => n + t.requestBytes, 0),
        responseBytes: driver.trace.reduce((n, t) => n + t.responseBytes, 0),
        timings,
      };
    } catch (error) {
      const failed = driver.trace.at(-1);
      const step = failed?.responseType === 'error' ? ` (${failed.requestType})` : '';
      throw new Error(`Catalog ${catalog}, table ${name}${step}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Closes DuckDB. */
  close(): void {
    this.#connection.closeSync();
    this.#instance.closeSync();
  }
}
