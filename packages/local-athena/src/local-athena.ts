/**
 * Athena's part on one machine: for each query, find the federated tables, derive what Athena would
 * push down, drive each connector through the real protocol (ping, GetTable, layout, every split
 * page, every split read, spilled blocks from S3), load the rows into DuckDB and run the SQL there
 * unchanged against `catalog.schema.table`.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Schema } from 'apache-arrow';
import { EngineDriver, type Transport, type ValueSet, transportFor } from '@athena-federation/connector-core';
import { type CatalogTarget, checkCatalogName } from './catalog.js';
import { appendBatches, createTable, quoteIdentifier } from './duckdb-tables.js';
import { type QueryAnalysis, type TableReference, analyzeQuery, summaryFor, valueSetFor } from './pushdown.js';

/** A join key read back from DuckDB as a value the block writer accepts (undefined for types not used as keys). */
function plainValue(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && value !== null && 'toString' in value) return String(value);
  return undefined;
}

/** Options of {@link LocalAthena.create}. */
export interface LocalAthenaOptions {
  /** Catalog name → where its connector runs. */
  readonly catalogs: Readonly<Record<string, CatalogTarget>>;
  /** Athena's block sizes by default: 16,000,000 and 5,242,880 bytes. */
  readonly maxBlockSize?: number;
  readonly maxInlineBlockSize?: number;
  /** ReadRecords calls in flight per table (default 4). */
  readonly parallelism?: number;
  /**
   * Dynamic filtering: after reading one side of an inner equi-join, its distinct join keys are
   * pushed into the other side's scan when there are at most this many (default 10,000; 0 turns it off).
   */
  readonly dynamicFilterLimit?: number;
}

/** What happened for one federated table of a query (the `--explain` view). */
export interface TableScanReport {
  readonly table: string;
  /** Column → pushed value set. */
  readonly pushdown: Readonly<Record<string, ValueSet>>;
  /** Columns whose value set came from the other side of a join (dynamic filtering). */
  readonly dynamicFilters: readonly string[];
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
    const key = (t: TableReference) => `${t.catalog}.${t.schemaName}.${t.tableName}`;
    const counts = new Map<string, number>();
    for (const t of analysis.tables) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
    // Tables with their own filters first: they are likely the small side Athena would read first.
    const filtered = (t: TableReference) => analysis.predicates.some((p) => p.scope === t.scope && (p.alias?.toLowerCase() === t.alias.toLowerCase() || p.alias === undefined));
    const order = [...new Map(analysis.tables.map((t) => [key(t), t])).values()].sort((a, b) => Number(filtered(b)) - Number(filtered(a)));
    const done = new Map<string, TableReference>();
    for (const table of order) {
      const ref = counts.get(key(table)) === 1 ? table : { ...table, pushable: false };
      const dynamic = await this.#dynamicFilters(ref, analysis, done);
      scans.push(
        await this.#scan(ref.catalog, { schemaName: ref.schemaName, tableName: ref.tableName }, async (schema) => {
          const summary = summaryFor(ref, schema, analysis);
          const added: string[] = [];
          for (const [column, values] of dynamic) {
            const field = schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
            if (field === undefined || summary[field.name] !== undefined) continue;
            const set = valueSetFor(field, [{ scope: ref.scope, alias: ref.alias, column: field.name, op: 'in', values }]);
            if (set !== undefined) {
              summary[field.name] = set;
              added.push(field.name);
            }
          }
          return { summary, dynamic: added };
        }),
      );
      done.set(ref.alias.toLowerCase(), ref);
    }
    const reader = await this.#connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRows(), scans, durationMs: performance.now() - started };
  }

  /** Join keys of already-loaded tables that `table` is equi-joined with: column → distinct values. */
  async #dynamicFilters(table: TableReference, analysis: QueryAnalysis, done: ReadonlyMap<string, TableReference>): Promise<Map<string, unknown[]>> {
    const limit = this.#options.dynamicFilterLimit ?? 10_000;
    const filters = new Map<string, unknown[]>();
    if (!table.pushable || limit <= 0) return filters;
    const alias = table.alias.toLowerCase();
    for (const join of analysis.joins.filter((j) => j.scope === table.scope)) {
      const [mine, other] = join.left.alias.toLowerCase() === alias ? [join.left, join.right] : join.right.alias.toLowerCase() === alias ? [join.right, join.left] : [undefined, undefined];
      const source = other === undefined ? undefined : done.get(other.alias.toLowerCase());
      if (mine === undefined || other === undefined || source === undefined) continue;
      const from = [source.catalog, source.schemaName, source.tableName].map(quoteIdentifier).join('.');
      const reader = await this.#connection.runAndReadAll(`SELECT DISTINCT ${quoteIdentifier(other.column)} FROM ${from} WHERE ${quoteIdentifier(other.column)} IS NOT NULL LIMIT ${limit + 1}`);
      const values = reader.getRows().map((row) => plainValue(row[0]));
      if (values.length <= limit && values.every((v) => v !== undefined)) filters.set(mine.column, values);
    }
    return filters;
  }

  async #scan(catalog: string, tableName: { schemaName: string; tableName: string }, pushdown: (schema: Schema) => Promise<{ summary: Record<string, ValueSet>; dynamic: string[] }>): Promise<TableScanReport> {
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
      const { summary, dynamic } = await pushdown(definition.schema);
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
        dynamicFilters: dynamic,
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
