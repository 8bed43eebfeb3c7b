/**
 * Athena's part on one machine: for each query, find the federated tables, derive what Athena would
 * push down (summary, V4 expressions, LIMIT/top-N — each only when the connector advertises it),
 * drive each connector through the real protocol (ping, capabilities, GetTable, layout, every split
 * page, every split read, spilled blocks from S3), stream the rows into DuckDB as splits arrive and
 * run the SQL there unchanged against `catalog.schema.table`.
 */
import { type GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Schema } from 'apache-arrow';
import type { DataSourceCapabilities, FederationResponse, Split, TableName } from '@athena-federation/connector-core';
import { EngineDriver, type Transport, makeConstraints, transportFor } from '@athena-federation/connector-core/engine';
import { type CatalogTarget, UnknownCatalogError, checkCatalogName } from './catalog.js';
import { quoteIdentifier, zonedColumnNames } from './duckdb-tables.js';
import { foldZoneColumns } from './result-zones.js';
import { DuckDBThread } from './duckdb-thread.js';
import {
  ATHENA_MACRO_SQL,
  type PassthroughTable,
  duckdbErrorToAthena,
  installAthenaDialect,
  translateAthenaSql,
} from './dialect/index.js';
import { QueryBindingError, bindQuery } from './query-binding.js';
import { type QueryAnalysis, type TableReference, analyzeQuery } from './pushdown.js';
import { type PushedDown, type ScanPlan, planScan } from './scan-plan.js';

/** A join key read back from DuckDB as a value the block writer accepts (undefined for types not used as keys). */
function plainValue(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return value;
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
  /** Called after every split read (and when a table's split count is known), e.g. for a progress bar. */
  readonly onProgress?: (progress: QueryProgress) => void;
}

/** How far a query's table scans have got, summed over its tables so far. */
export interface QueryProgress {
  /** The table being read. */
  readonly table: string;
  readonly splitsDone: number;
  /** Splits known so far (grows as each table's GetSplits finishes). */
  readonly splitsTotal: number;
  readonly rows: number;
  /** Response bytes plus spilled bytes read. */
  readonly bytes: number;
  readonly spilledObjects: number;
}

/** What happened for one federated table of a query (the `--explain` view). */
export interface TableScanReport {
  readonly table: string;
  /** Column → pushed value set (the summary; the same as `pushed.summary`). */
  readonly pushdown: PushedDown['summary'];
  /** Columns whose value set came from the other side of a join (dynamic filtering). */
  readonly dynamicFilters: readonly string[];
  /** Everything pushed: summary, expressions, limit and top-N order. */
  readonly pushed: PushedDown;
  readonly splits: number;
  readonly rows: number;
  readonly spilledObjects: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** Bytes of spilled objects read back from S3 (encrypted size). */
  readonly spilledBytes: number;
  /**
   * Milliseconds per protocol step (summed over calls, which overlap for parallel reads), plus
   * `readSpilled` (S3 reads of spilled blocks), `handOffToDuckDB` (copying decoded batches to
   * DuckDB's thread), `loadIntoDuckDB` (that thread's time loading them, which overlaps the reads),
   * `waitForDuckDB` (after the last read, until the table was loaded) and, for dynamic filtering,
   * `joinKeysFromDuckDB` (reading the other side's distinct join keys).
   */
  readonly timings: Readonly<Record<string, number>>;
  /** Milliseconds spent inside the connector (its transport call: handler or Lambda invoke), summed. */
  readonly connectorMs: number;
  /** Wall-clock milliseconds of the whole scan. */
  readonly wallMs: number;
}

/** A query's answer. */
export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /**
   * Per column, the time zone its timestamps with time zone print in (`athenaText(value, zone)`):
   * the zone the SQL states for it (`at_timezone(x, 'Europe/Berlin')`); undefined means UTC.
   */
  readonly columnZones: readonly (string | undefined)[];
  readonly scans: readonly TableScanReport[];
  /** Milliseconds DuckDB spent on the query itself (after the tables were loaded). */
  readonly duckdbMs: number;
  readonly durationMs: number;
}

/** Running totals behind {@link QueryProgress}. */
interface Progress {
  splitsDone: number;
  splitsTotal: number;
  rows: number;
  bytes: number;
  spilledObjects: number;
}

/** One federated table of a query, from its first request to its last read. */
interface TableSession {
  readonly catalog: string;
  /** The table as the connector knows it (`system.query` for a passthrough). */
  readonly tableName: TableName;
  /** The table as the DuckDB SQL reads it (`system."query$1"` for a passthrough). */
  readonly localName: TableName;
  /** The `system.query` arguments, for a passthrough table. */
  readonly passthrough: Readonly<Record<string, string>> | undefined;
  /** `catalog.schema.table`, for reports and errors. */
  readonly name: string;
  readonly driver: EngineDriver;
  /** Engine-side milliseconds besides requests (spill reads, DuckDB hand-off and load). */
  readonly local: Record<string, number>;
  readonly counters: { connectorMs: number; spilledBytes: number };
  /** Which split a failed read was, for the error message (reads run in parallel). */
  failedSplit?: string;
}

/** A table session once GetTable has answered. */
interface OpenTable extends TableSession {
  readonly definition: Awaited<ReturnType<EngineDriver['getTable']>>;
  readonly capabilities: DataSourceCapabilities;
  /** Wall-clock milliseconds of the session's first requests (before the query was bound). */
  readonly openMs: number;
}

/** A table's failure, naming the catalog, table, request type and (for a read) which split. */
function tableFailure(table: TableSession, error: unknown): Error {
  const { failedSplit } = table;
  // Parallel reads may have gone on after the failed one, so its entry is not always the last.
  const request = table.driver.trace.findLast((entry) => entry.responseType === 'error')?.requestType;
  const step =
    request === undefined
      ? failedSplit === undefined
        ? ''
        : ` (${failedSplit})`
      : ` (${[request, ...(request === 'ReadRecordsRequest' && failedSplit !== undefined ? [failedSplit] : [])].join(', ')})`;
  return new Error(
    `Catalog ${table.catalog}, table ${table.name}${step}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

/** An empty DuckDB database on this thread, for parsing queries. */
interface ParserDatabase {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
}

/** Runs federated SQL over registered catalogs. Create with {@link LocalAthena.create}; `await close()` when done. */
export class LocalAthena {
  readonly #options: LocalAthenaOptions;
  /** Parses queries (DuckDB's parser and constant folding); holds no data. */
  readonly #parser: ParserDatabase;
  /** Holds the loaded tables and runs the queries, on its own thread. */
  readonly #duckdb: DuckDBThread;
  readonly #transports = new Map<string, Promise<Transport>>();
  /** The DuckDB thread's session set up for Athena's dialect (sent first, so it runs before any query). */
  readonly #dialectReady: Promise<unknown>;
  #s3: S3Client | undefined;

  private constructor(options: LocalAthenaOptions, parser: ParserDatabase, duckdb: DuckDBThread) {
    this.#options = options;
    this.#parser = parser;
    this.#duckdb = duckdb;
    this.#dialectReady = duckdb.query(`SET TimeZone = 'UTC';\n${ATHENA_MACRO_SQL}`);
    this.#dialectReady.catch(() => undefined);
  }

  /** Starts an embedded DuckDB and registers the catalogs (names follow Athena's rules). */
  static async create(options: LocalAthenaOptions): Promise<LocalAthena> {
    for (const name of Object.keys(options.catalogs)) checkCatalogName(name);
    const duckdb = DuckDBThread.start();
    try {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      await installAthenaDialect(connection);
      return new LocalAthena(options, { instance, connection }, duckdb);
    } catch (error) {
      await duckdb.close();
      throw error;
    }
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

  /**
   * Runs one Athena (Trino) query. The SQL is parsed with Trino's grammar and translated to DuckDB
   * first, so what Athena refuses fails here too (`AthenaSqlError`), as does what local-athena
   * cannot run (`UnsupportedSqlError`). Every table's schema is asked for next (GetTable) and the
   * SQL is bound against them, so a misspelt column fails with DuckDB's message before any split is
   * read. Errors from a connector name the catalog, table and request type.
   */
  async query(athenaSql: string): Promise<QueryResult> {
    const started = performance.now();
    const catalogs = Object.keys(this.#options.catalogs).map((c) => c.toLowerCase());
    const options = catalogs.length === 1 ? { defaultCatalog: catalogs[0] as string } : {};
    const first = translateAthenaSql(athenaSql, options);
    let translation = first;
    let analysis = await analyzeQuery(this.#parser.connection, first.duckdbSql, new Set(catalogs));
    const [unknown] = analysis.unknownCatalogs;
    if (unknown !== undefined) throw new UnknownCatalogError(unknown, catalogs);
    const scans: TableScanReport[] = [];
    const key = (t: TableReference) => `${t.catalog}.${t.schemaName}.${t.tableName}`;
    const counts = new Map<string, number>();
    for (const t of analysis.tables) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
    // Tables with their own filters first: they are likely the small side Athena would read first.
    const filtered = (t: TableReference) =>
      analysis.predicates.some(
        (p) => p.scope === t.scope && (p.alias?.toLowerCase() === t.alias.toLowerCase() || p.alias === undefined),
      );
    const order = [...new Map(analysis.tables.map((t) => [key(t), t])).values()].sort(
      (a, b) => Number(filtered(b)) - Number(filtered(a)),
    );
    const opened = new Map<string, OpenTable>();
    for (const table of order) opened.set(key(table), await this.#open(table, first.passthrough));
    // Columns whose values each carry a zone are known once GetTable has answered; the query then
    // reads their companion zone columns (see duckdb-tables.ts), so it is translated again with them.
    const zonedColumns = new Set([...opened.values()].flatMap((t) => zonedColumnNames(t.definition.schema)));
    if (zonedColumns.size > 0) {
      translation = translateAthenaSql(athenaSql, { ...options, zonedColumns });
      // The same tables in the same places (the passthrough tables too, numbered in the same order).
      analysis = await analyzeQuery(this.#parser.connection, translation.duckdbSql, new Set(catalogs));
    }
    const sql = translation.duckdbSql;
    await bindQuery(
      this.#parser.connection,
      sql,
      [...opened.values()].map((t) => ({ catalog: t.catalog, ...t.localName, schema: t.definition.schema })),
      translation.checkSql,
    ).catch((error: unknown) => {
      throw error instanceof QueryBindingError ? duckdbErrorToAthena(error, translation.checks) : error;
    });
    const done = new Map<string, TableReference>();
    const progress: Progress = { splitsDone: 0, splitsTotal: 0, rows: 0, bytes: 0, spilledObjects: 0 };
    for (const initial of order) {
      const table =
        analysis.tables.find(
          (t) => key(t) === key(initial) && t.alias === initial.alias && t.scope === initial.scope,
        ) ?? initial;
      // A passthrough's rows are decided by its native query alone.
      const passthrough = translation.passthrough.some(
        (p) => p.catalog === table.catalog && p.tableName === table.tableName,
      );
      const ref = counts.get(key(table)) === 1 && !passthrough ? table : { ...table, pushable: false };
      const open = opened.get(key(table));
      if (open === undefined) continue;
      const keysStarted = performance.now();
      const joinKeys = await this.#dynamicFilters(ref, analysis, done);
      const keysMs = performance.now() - keysStarted;
      const scan = await this.#scan(
        open,
        (schema, capabilities) => planScan(ref, schema, analysis, capabilities, joinKeys),
        progress,
      );
      scans.push(joinKeys.size === 0 ? scan : { ...scan, timings: { ...scan.timings, joinKeysFromDuckDB: keysMs } });
      done.set(ref.alias.toLowerCase(), ref);
    }
    await this.#dialectReady;
    const queryStarted = performance.now();
    const result = await this.#duckdb.query(sql).catch((error: unknown) => {
      throw duckdbErrorToAthena(error);
    });
    const { columns, rows } = translation.zoneColumns ? foldZoneColumns(result.columns, result.rows) : result;
    const duckdbMs = performance.now() - queryStarted;
    return {
      columns,
      rows,
      columnZones: translation.columnZones,
      scans,
      durationMs: performance.now() - started,
      duckdbMs,
    };
  }

  /** Join keys of already-loaded tables that `table` is equi-joined with: column → distinct values. */
  async #dynamicFilters(
    table: TableReference,
    analysis: QueryAnalysis,
    done: ReadonlyMap<string, TableReference>,
  ): Promise<Map<string, unknown[]>> {
    const limit = this.#options.dynamicFilterLimit ?? 10_000;
    const filters = new Map<string, unknown[]>();
    if (!table.pushable || limit <= 0) return filters;
    const alias = table.alias.toLowerCase();
    for (const join of analysis.joins.filter((j) => j.scope === table.scope)) {
      const [mine, other] =
        join.left.alias.toLowerCase() === alias
          ? [join.left, join.right]
          : join.right.alias.toLowerCase() === alias
            ? [join.right, join.left]
            : [undefined, undefined];
      const source = other === undefined ? undefined : done.get(other.alias.toLowerCase());
      if (mine === undefined || other === undefined || source === undefined) continue;
      const from = [source.catalog, source.schemaName, source.tableName].map(quoteIdentifier).join('.');
      const { rows } = await this.#duckdb.query(
        `SELECT DISTINCT ${quoteIdentifier(other.column)} FROM ${from} WHERE ${quoteIdentifier(other.column)} IS NOT NULL LIMIT ${limit + 1}`,
      );
      const values = rows.map((row) => plainValue(row[0]));
      if (values.length <= limit && values.every((v) => v !== undefined)) filters.set(mine.column, values);
    }
    return filters;
  }

  /** Starts a table's session: ping, capabilities (V4+) and GetTable, on a driver of its own. */
  async #open(table: TableReference, passthroughTables: readonly PassthroughTable[]): Promise<OpenTable> {
    const started = performance.now();
    const { catalog } = table;
    const localName = { schemaName: table.schemaName, tableName: table.tableName };
    const passthrough = passthroughTables.find(
      (p) => p.catalog === catalog && p.schemaName === table.schemaName && p.tableName === table.tableName,
    )?.arguments;
    // Athena asks for a passthrough's schema as GetTable of system.query, with the arguments.
    const tableName = passthrough === undefined ? localName : { schemaName: 'system', tableName: 'query' };
    const local: Record<string, number> = {};
    const counters = { connectorMs: 0, spilledBytes: 0 };
    const inner = await this.#transport(catalog);
    const transport: Transport = async (payload) => {
      const called = performance.now();
      try {
        return await inner(payload);
      } finally {
        counters.connectorMs += performance.now() - called;
      }
    };
    this.#s3 ??= new S3Client({ forcePathStyle: true });
    const s3 = this.#s3;
    const driver = new EngineDriver({
      transport,
      catalogName: catalog,
      s3: {
        send: async (command: GetObjectCommand) => {
          const called = performance.now();
          const object = await s3.send(command);
          local['readSpilled'] = (local['readSpilled'] ?? 0) + performance.now() - called;
          counters.spilledBytes += object.ContentLength ?? 0;
          return object;
        },
      },
      ...(this.#options.maxBlockSize === undefined ? {} : { maxBlockSize: this.#options.maxBlockSize }),
      ...(this.#options.maxInlineBlockSize === undefined
        ? {}
        : { maxInlineBlockSize: this.#options.maxInlineBlockSize }),
    });
    const session: TableSession = {
      catalog,
      tableName,
      localName,
      passthrough,
      name: `${catalog}.${tableName.schemaName}.${tableName.tableName}`,
      driver,
      local,
      counters,
    };
    try {
      const ping = await driver.ping();
      const capabilities = ping.serDeVersion >= 4 ? await this.#capabilities(driver, catalog) : {};
      const definition = await driver.getTable(tableName, passthrough ?? {});
      return { ...session, definition, capabilities, openMs: performance.now() - started };
    } catch (error) {
      throw tableFailure(session, error);
    }
  }

  async #scan(
    table: OpenTable,
    plan: (schema: Schema, capabilities: DataSourceCapabilities) => ScanPlan,
    progress: Progress,
  ): Promise<TableScanReport> {
    const { catalog, tableName, localName, passthrough, name, driver, definition, capabilities, local, counters } =
      table;
    const add = (step: string, ms: number) => (local[step] = (local[step] ?? 0) + ms);
    const report = () => this.#options.onProgress?.({ table: name, ...progress });
    const traceBytes = () => driver.trace.reduce((n, t) => n + t.responseBytes, 0);
    const started = performance.now();
    try {
      const { constraints: parts, pushed } = plan(definition.schema, capabilities);
      // A passthrough's rows are the native query's: nothing else is pushed with it, as on Athena.
      const constraints = makeConstraints(
        passthrough === undefined ? parts : { queryPassthroughArguments: passthrough },
      );
      // DuckDB creates the table on its thread while the layout and splits are asked for.
      const loading = this.#duckdb.createTable(catalog, localName.schemaName, localName.tableName, definition.schema);
      let splits: Split[];
      try {
        const partitions = await driver.getTableLayout(definition, constraints);
        splits = await driver.getSplits(definition, partitions, constraints);
      } catch (error) {
        await loading.close().catch(() => undefined);
        throw error;
      }
      progress.splitsTotal += splits.length;
      report();
      let rows = 0;
      let spilledObjects = 0;
      try {
        const bytesBefore = progress.bytes;
        const read = async (split: Split, index: number) => {
          const result = await driver
            .readSplit(tableName, definition.schema, split, constraints)
            .catch((error: unknown) => {
              // Property names only: their values can be the source's data (key ranges, partition values).
              table.failedSplit ??= `split ${index + 1} of ${splits.length}, properties ${Object.keys(split.properties).join(', ') || 'none'}`;
              throw error;
            });
          const handOffStarted = performance.now();
          const appended = await loading.append(result.batches);
          add('handOffToDuckDB', performance.now() - handOffStarted);
          rows += appended;
          progress.rows += appended;
          spilledObjects += result.spilledObjects;
          progress.spilledObjects += result.spilledObjects;
          progress.splitsDone++;
          progress.bytes = bytesBefore + traceBytes() + counters.spilledBytes;
          report();
        };
        let next = 0;
        // A table DuckDB cannot create stops the reads (its error comes with closing); the reads
        // do not wait for the creation, which overlaps them (DuckDB's thread may still be starting).
        let cannotLoad = false;
        loading.created.catch(() => (cannotLoad = true));
        const worker = async () => {
          while (next < splits.length && !cannotLoad) {
            const index = next++;
            const split = splits[index];
            if (split !== undefined) await read(split, index);
          }
        };
        await Promise.all(
          Array.from({ length: Math.min(this.#options.parallelism ?? 4, Math.max(splits.length, 1)) }, worker),
        );
      } catch (error) {
        await loading.close().catch(() => undefined);
        throw error;
      }
      const waitStarted = performance.now();
      const loaded = await loading.close();
      add('waitForDuckDB', performance.now() - waitStarted);
      add('loadIntoDuckDB', loaded.loadMs);
      const timings: Record<string, number> = {};
      for (const entry of driver.trace)
        timings[entry.requestType] = (timings[entry.requestType] ?? 0) + entry.durationMs;
      Object.assign(timings, local);
      return {
        table: name,
        pushdown: pushed.summary,
        dynamicFilters: pushed.dynamicFilters,
        pushed,
        splits: splits.length,
        rows,
        spilledObjects,
        requestBytes: driver.trace.reduce((n, t) => n + t.requestBytes, 0),
        responseBytes: traceBytes(),
        spilledBytes: counters.spilledBytes,
        timings,
        connectorMs: counters.connectorMs,
        wallMs: table.openMs + performance.now() - started,
      };
    } catch (error) {
      throw tableFailure(table, error);
    }
  }

  /** GetDataSourceCapabilities (V4+): what the connector lets Athena push down. */
  async #capabilities(driver: EngineDriver, catalog: string): Promise<DataSourceCapabilities> {
    const response = await driver.send<Extract<FederationResponse, { '@type': 'GetDataSourceCapabilitiesResponse' }>>(
      {
        '@type': 'GetDataSourceCapabilitiesRequest',
        identity: driver.identity,
        queryId: driver.queryId,
        catalogName: catalog,
      },
      'GetDataSourceCapabilitiesResponse',
    );
    return response.capabilities;
  }

  /** Closes DuckDB; settles once its thread has ended (exiting the process before that can abort it). */
  async close(): Promise<void> {
    this.#s3?.destroy();
    this.#parser.connection.closeSync();
    this.#parser.instance.closeSync();
    await this.#duckdb.close();
  }
}
