/**
 * `createAuroraConnector`: the Aurora MySQL / MySQL / MariaDB plugin. It owns catalog routing,
 * case-insensitive name resolution, metadata from information_schema and the read path; SQL text
 * comes from aurora-sql.ts and aurora-passthrough.ts, splits from aurora-splits.ts, types from
 * aurora-types.ts.
 */
import { type RecordBatch, Schema } from 'apache-arrow';
import {
  ConnectorError,
  DataSourceOptimizations,
  RecordBatchWriter,
  ValueCoercionError,
  OptimizationSubTypes,
  type CasingMode,
  type Connector,
  type ConnectorContext,
  type DataSourceCapabilities,
  type TableName,
} from '@athena-federation/connector-core';
import type { Pool } from 'mysql2';
import { AuroraPools, type Statement, type TokenSigner, type TokenSignerOptions, describeReadOnly, queryRows, streamRowChunks } from './aurora-client.js';
import { type AuroraSettings, connectionFor, loadAuroraSettings } from './aurora-config.js';
import { PASSTHROUGH_SIGNATURE, PASSTHROUGH_SPLIT, describeStatement, isPassthrough, passthroughColumns, passthroughQuery, readStatement, requestedQuery } from './aurora-passthrough.js';
import { type SecretResolver, createSecretsManagerResolver } from './aurora-secrets.js';
import { checkSplit, planSplits, pruneSplits } from './aurora-splits.js';
import { PUSHED_FUNCTIONS } from './aurora-expression.js';
import { buildSelect } from './aurora-sql.js';
import { type MappedColumn, type MysqlColumn, mapColumn, valueConverter } from './aurora-types.js';

/** Options of {@link createAuroraConnector}. */
export interface AuroraConnectorOptions {
  /** Configuration variables (Java names, see README); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Resolves `${SecretName}`; default Secrets Manager with a TTL cache (`secret_cache_ttl_seconds`). */
  readonly secrets?: SecretResolver;
  /** Signs RDS IAM auth tokens when `iam_database_authentication=true`; default `@aws-sdk/rds-signer`. */
  readonly createTokenSigner?: (options: TokenSignerOptions) => TokenSigner;
}

/** The connector, plus `close()` to end its pools (tests, graceful shutdown). */
export interface AuroraConnector extends Connector {
  /** Ends every pool; the connector opens new ones if used again. */
  close(): Promise<void>;
}

/** Schemas MySQL uses for itself, never listed (Java drops information_schema; the rest are internal too). */
const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'];

interface ColumnRow {
  readonly name: string;
  readonly dataType: string;
  readonly columnType: string;
  readonly numericPrecision: string | number | null;
  readonly numericScale: string | number | null;
  readonly isNullable: string;
  readonly characterSet: string | null;
  readonly maxChars: string | number | null;
  readonly maxBytes: string | number | null;
}

/** A table resolved to MySQL's real names, with its mapped columns. */
interface ResolvedTable {
  readonly schemaName: string;
  readonly tableName: string;
  readonly columns: readonly MappedColumn[];
}

/**
 * Creates the connector. Only configuration is read here (it fails fast on a bad variable); pools
 * and secrets are created on first use, so a Lambda cold start does no network work.
 *
 * @throws {ConfigurationError} for a missing `default` or a malformed connection string.
 */
export function createAuroraConnector(options: AuroraConnectorOptions = {}): AuroraConnector {
  const settings: AuroraSettings = loadAuroraSettings(options.env ?? process.env);
  const pools = new AuroraPools({
    secrets: options.secrets ?? createSecretsManagerResolver({ ttlMs: settings.secretCacheTtlMs }),
    connectionLimit: settings.poolConnectionLimit,
    iamAuthentication: settings.iamAuthentication,
    ...(options.createTokenSigner === undefined ? {} : { createTokenSigner: options.createTokenSigner }),
  });

  const poolFor = async (ctx: ConnectorContext): Promise<Pool> => {
    const connection = connectionFor(settings, ctx.catalogName);
    if (connection === undefined) {
      throw new ConnectorError('InvalidInput', `Catalog ${JSON.stringify(ctx.catalogName)} has no connection: set the environment variable ${ctx.catalogName}_connection_string`);
    }
    return pools.pool(connection);
  };

  // Java's MySQL default is CASE_INSENSITIVE_SEARCH; LOWER/UPPER transform the name instead.
  const casing = (ctx: ConnectorContext): CasingMode => ctx.config.casingMode ?? 'CASE_INSENSITIVE_SEARCH';
  const listedName = (ctx: ConnectorContext, name: string) => (casing(ctx) === 'CASE_INSENSITIVE_SEARCH' ? name.toLowerCase() : name);

  /** Picks the one real name matching `wanted`: an exact match wins, else exactly one case-insensitive match. */
  const pick = (candidates: readonly string[], wanted: string, what: string): string => {
    if (candidates.includes(wanted)) return wanted;
    if (candidates.length === 1 && candidates[0] !== undefined) return candidates[0];
    if (candidates.length === 0) throw new ConnectorError('NotFound', `${what} does not exist`);
    throw new ConnectorError('InvalidInput', `${what} matches ${candidates.length} names that differ only in case; use casing_mode=NONE and the exact name`);
  };

  const transform = (ctx: ConnectorContext, name: string) => {
    const mode = casing(ctx);
    return mode === 'LOWER' ? name.toLowerCase() : mode === 'UPPER' ? name.toUpperCase() : name;
  };

  const resolveSchema = async (ctx: ConnectorContext, pool: Pool, schemaName: string): Promise<string> => {
    const what = `Schema ${JSON.stringify(schemaName)}`;
    if (casing(ctx) !== 'CASE_INSENSITIVE_SEARCH') return transform(ctx, schemaName);
    const rows = await queryRows<{ name: string }>(pool, { sql: 'SELECT SCHEMA_NAME AS name FROM information_schema.schemata WHERE LOWER(SCHEMA_NAME) = LOWER(?)', params: [schemaName] }, `resolving schema ${JSON.stringify(schemaName)}`);
    return pick(rows.map((r) => r.name), schemaName, what);
  };

  const resolveTable = async (ctx: ConnectorContext, pool: Pool, table: TableName): Promise<ResolvedTable> => {
    const schemaName = await resolveSchema(ctx, pool, table.schemaName);
    const what = `Table ${JSON.stringify(`${table.schemaName}.${table.tableName}`)}`;
    let tableName = transform(ctx, table.tableName);
    if (casing(ctx) === 'CASE_INSENSITIVE_SEARCH') {
      const rows = await queryRows<{ name: string }>(pool, { sql: 'SELECT TABLE_NAME AS name FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND LOWER(TABLE_NAME) = LOWER(?)', params: [schemaName, table.tableName] }, `resolving table ${what}`);
      tableName = pick(rows.map((r) => r.name), table.tableName, what);
    }
    const rows = await queryRows<ColumnRow>(
      pool,
      {
        sql: 'SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, NUMERIC_PRECISION AS numericPrecision, NUMERIC_SCALE AS numericScale, IS_NULLABLE AS isNullable, CHARACTER_SET_NAME AS characterSet, CHARACTER_MAXIMUM_LENGTH AS maxChars, CHARACTER_OCTET_LENGTH AS maxBytes FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
        params: [schemaName, tableName],
      },
      `reading the columns of ${what}`,
    );
    if (rows.length === 0) throw new ConnectorError('NotFound', `${what} does not exist`);
    const label = `${schemaName}.${tableName}`;
    const columns = rows.map((row) => {
      const column: MysqlColumn = {
        name: row.name,
        dataType: row.dataType,
        columnType: row.columnType,
        numericPrecision: row.numericPrecision === null ? null : Number(row.numericPrecision),
        numericScale: row.numericScale === null ? null : Number(row.numericScale),
        nullable: row.isNullable === 'YES',
        text: { characterSet: row.characterSet, maxChars: row.maxChars === null ? null : Number(row.maxChars), maxBytes: row.maxBytes === null ? null : Number(row.maxBytes) },
      };
      return mapColumn(column, { decimalOverflow: settings.decimalOverflow }, label);
    });
    return { schemaName, tableName, columns };
  };

  /** Athena may lower-case column names; the exact name wins, else the one case-insensitive match. */
  const findColumn = (columns: readonly MappedColumn[], name: string): MappedColumn | undefined => {
    const exact = columns.find((c) => c.name === name);
    if (exact !== undefined) return exact;
    const matches = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
    return matches.length === 1 ? matches[0] : undefined;
  };

  /** The table's columns for the requested fields, in the request's order. */
  const projected = (columns: readonly MappedColumn[], schema: Schema, what: string): MappedColumn[] =>
    schema.fields.map((field) => {
      const column = findColumn(columns, field.name);
      if (column === undefined) throw new ConnectorError('InvalidInput', `${what} has no column ${JSON.stringify(field.name)}`);
      return column;
    });

  const describePassthrough = async (pool: Pool, query: string): Promise<MappedColumn[]> =>
    passthroughColumns(await describeReadOnly(pool, describeStatement(query), 'describing the system.query query'), { decimalOverflow: settings.decimalOverflow });

  /**
   * Streams a statement as Arrow record batches of `schema` (the request's fields for `columns`, in
   * order), built here in one synchronous loop per chunk of rows: handing core one row at a time
   * costs an await per row, more than converting it. A batch is finished at the block size core
   * cuts at (`blockBytes`, the split input's `maxBlockSize`) or at the query's limit. With no
   * columns (COUNT(*)), empty rows are yielded, one per row.
   */
  async function* readRows(ctx: ConnectorContext, pool: Pool, statement: Statement, columns: readonly MappedColumn[], schema: Schema, table: string, isolated: boolean, limit: bigint, blockBytes: number): AsyncGenerator<unknown[] | RecordBatch> {
    const zeroDates = new Map<string, number>();
    const warn = (name: string) => zeroDates.set(name, (zeroDates.get(name) ?? 0) + 1);
    // Only the columns whose mysql2 values need converting; the rest go in as read.
    const indexes: number[] = [];
    const converters: ((value: unknown) => unknown)[] = [];
    columns.forEach((column, index) => {
      const converter = valueConverter(column, warn);
      if (converter !== undefined) {
        indexes.push(index);
        converters.push(converter);
      }
    });
    const count = indexes.length;
    const blockRows = limit >= 0n && limit < BigInt(Number.MAX_SAFE_INTEGER) ? Math.max(Number(limit), 1) : Number.POSITIVE_INFINITY;
    const writer = new RecordBatchWriter(schema);
    try {
      for await (const rows of streamRowChunks(pool, statement, ctx.signal, `reading ${table}`, { isolated })) {
        if (columns.length === 0) {
          for (let r = 0; r < rows.length; r++) yield [];
          continue;
        }
        for (const raw of rows) {
          // The row array is mysql2's own, fresh per row: converted in place rather than copied.
          for (let k = 0; k < count; k++) {
            const index = indexes[k] as number;
            raw[index] = (converters[k] as (value: unknown) => unknown)(raw[index]);
          }
          try {
            writer.appendRow(raw);
          } catch (error) {
            // As core words it for rows it writes: table, column and types, never the value (row data).
            if (error instanceof ValueCoercionError) throw new ConnectorError('InvalidInput', `Table ${table}: a ${error.valueType} value in column ${JSON.stringify(error.column)} cannot be stored as ${error.arrowType}`, { cause: error });
            throw error;
          }
          if (writer.numRows >= blockRows) yield writer.finish();
        }
        if (writer.byteSize >= blockBytes) yield writer.finish();
      }
      if (writer.numRows > 0) yield writer.finish();
    } finally {
      // Counts and column names only: the values themselves are row data.
      for (const [column, zeroCount] of zeroDates) ctx.logger.warn('Zero dates read as NULL', { column, count: zeroCount });
    }
  }

  return {
    sourceType: 'mysql',

    capabilities(): DataSourceCapabilities {
      // Exactly what aurora-sql.ts and aurora-expression.ts push: range sets and null checks (core
      // re-checks every row anyway), the expression functions translated, LIMIT and ORDER BY … LIMIT
      // per split (Athena applies its own LIMIT / top-N over all splits).
      return {
        [DataSourceOptimizations.filterPushdown]: [
          { subType: OptimizationSubTypes.sortedRangeSet, properties: [] },
          { subType: OptimizationSubTypes.nullableComparison, properties: [] },
        ],
        [DataSourceOptimizations.complexExpressionPushdown]: [{ subType: OptimizationSubTypes.supportedFunctionExpressionTypes, properties: [...PUSHED_FUNCTIONS] }],
        [DataSourceOptimizations.limitPushdown]: [{ subType: OptimizationSubTypes.integerConstant, properties: [] }],
        [DataSourceOptimizations.topNPushdown]: [{ subType: OptimizationSubTypes.supportsOrderBy, properties: [] }],
      };
    },

    async listSchemas(ctx) {
      const pool = await poolFor(ctx);
      const rows = await queryRows<{ name: string }>(
        pool,
        { sql: `SELECT SCHEMA_NAME AS name FROM information_schema.schemata WHERE LOWER(SCHEMA_NAME) NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(', ')}) ORDER BY SCHEMA_NAME`, params: SYSTEM_SCHEMAS },
        'listing schemas',
      );
      return [...new Set(rows.map((r) => listedName(ctx, r.name)))];
    },

    async listTables(ctx, input) {
      const pool = await poolFor(ctx);
      const schemaName = await resolveSchema(ctx, pool, input.schemaName);
      const offset = input.nextToken === null ? 0 : Number(input.nextToken);
      if (!Number.isSafeInteger(offset) || offset < 0) throw new ConnectorError('InvalidInput', `ListTables nextToken ${JSON.stringify(input.nextToken)} is not a token this connector issued`);
      const paged = input.pageSize >= 0;
      const size = Math.max(input.pageSize, 1);
      // Real paging in MySQL (Java: ORDER BY table_name LIMIT offset, size); one extra row tells whether more follow.
      const rows = await queryRows<{ name: string }>(
        pool,
        {
          sql: `SELECT TABLE_NAME AS name FROM information_schema.tables WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME${paged ? ' LIMIT ? OFFSET ?' : ''}`,
          params: paged ? [schemaName, String(size + 1), String(offset)] : [schemaName],
        },
        `listing the tables of schema ${JSON.stringify(input.schemaName)}`,
      );
      const page = paged ? rows.slice(0, size) : rows;
      return {
        tables: page.map((r) => ({ schemaName: input.schemaName, tableName: listedName(ctx, r.name) })),
        nextToken: paged && rows.length > size ? String(offset + size) : null,
      };
    },

    async getTable(ctx, table) {
      const pool = await poolFor(ctx);
      const resolved = await resolveTable(ctx, pool, table);
      return { schema: new Schema(resolved.columns.map((c) => c.field)), partitionColumns: [] };
    },

    async getSplits(ctx, input) {
      // A passthrough query is one split, as in Java.
      if (isPassthrough(input.constraints.queryPassthroughArguments)) return { splits: [PASSTHROUGH_SPLIT], continuationToken: null };
      const pool = await poolFor(ctx);
      const resolved = await resolveTable(ctx, pool, input.tableName);
      const planned = await planSplits(pool, resolved.schemaName, resolved.tableName, resolved.columns, { targetRowsPerSplit: settings.targetRowsPerSplit, maxSplits: settings.maxSplitsPerTable });
      const summary = Object.fromEntries(Object.entries(input.constraints.summary).map(([name, set]) => [findColumn(resolved.columns, name)?.name ?? name, set]));
      const splits = pruneSplits(planned, summary);
      // Core pages the response (at most 1,000 splits each), so one plan per call is enough.
      return { splits, continuationToken: null };
    },

    queryPassthrough: PASSTHROUGH_SIGNATURE,

    async getQueryPassthroughSchema(ctx, args) {
      const pool = await poolFor(ctx);
      const columns = await describePassthrough(pool, passthroughQuery(args));
      return { schema: new Schema(columns.map((c) => c.field)), partitionColumns: [] };
    },

    async *readSplit(ctx, input) {
      // Every split property and passthrough argument is the caller's to forge: everything GetTable
      // and GetSplits decided is checked again here (aurora-passthrough.ts, checkSplit).
      const passthroughArgs = input.constraints.queryPassthroughArguments;
      if (isPassthrough(passthroughArgs)) {
        if (!ctx.config.enableQueryPassthrough) throw new ConnectorError('Unsupported', 'Query passthrough is disabled (enable_query_passthrough=false)');
        const query = requestedQuery(passthroughArgs, input.split);
        const pool = await poolFor(ctx);
        const described = await describePassthrough(pool, query);
        const columns = projected(described, input.schema, 'system.query');
        yield* readRows(ctx, pool, readStatement(query, columns), columns, input.schema, 'system.query', true, -1n, input.maxBlockSize);
        return;
      }
      const pool = await poolFor(ctx);
      const resolved = await resolveTable(ctx, pool, input.tableName);
      const columns = projected(resolved.columns, input.schema, `Table ${input.tableName.schemaName}.${input.tableName.tableName}`);
      const summary = Object.fromEntries(Object.entries(input.constraints.summary).map(([name, set]) => [findColumn(resolved.columns, name)?.name ?? name, set]));
      const split = await checkSplit(pool, resolved.schemaName, resolved.tableName, resolved.columns, input.split);
      const statement = buildSelect({
        ...(split.partition === undefined ? {} : { partition: split.partition }),
        schemaName: resolved.schemaName,
        tableName: resolved.tableName,
        columns,
        tableColumns: resolved.columns,
        constraints: { ...input.constraints, summary },
        splitPredicates: split.predicates,
      });
      if (statement.exactPushdown) input.confirmExactPushdown();
      // Batches end at the limit only when core will stop there; a split read whole for Athena to
      // filter would otherwise come in batches of `limit` rows.
      const batchLimit = statement.exactPushdown ? input.constraints.limit : -1n;
      yield* readRows(ctx, pool, statement, columns, input.schema, `${input.tableName.schemaName}.${input.tableName.tableName}`, false, batchLimit, input.maxBlockSize);
    },

    close: () => pools.end(),
  };
}
