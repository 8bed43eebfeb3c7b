/**
 * `createAuroraConnector`: the Aurora MySQL / MySQL / MariaDB plugin. It owns catalog routing,
 * case-insensitive name resolution, metadata from information_schema and the read path; SQL text
 * comes from aurora-sql.ts and aurora-passthrough.ts, splits from aurora-splits.ts, types from
 * aurora-types.ts.
 */
import { Schema } from 'apache-arrow';
import {
  ConnectorError,
  DataSourceOptimizations,
  OptimizationSubTypes,
  listedName,
  resolveSourceName,
  type CasingMode,
  type Connector,
  type ConnectorContext,
  type DataSourceCapabilities,
  type RowChunk,
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

  const resolveSchema = (ctx: ConnectorContext, pool: Pool, schemaName: string): Promise<string> =>
    resolveSourceName({
      name: schemaName,
      casingMode: casing(ctx),
      what: `Schema ${JSON.stringify(schemaName)}`,
      candidates: async (name) => (await queryRows<{ name: string }>(pool, { sql: 'SELECT SCHEMA_NAME AS name FROM information_schema.schemata WHERE LOWER(SCHEMA_NAME) = LOWER(?)', params: [name] }, `resolving schema ${JSON.stringify(name)}`)).map((r) => r.name),
    });

  const resolveTable = async (ctx: ConnectorContext, pool: Pool, table: TableName): Promise<ResolvedTable> => {
    const schemaName = await resolveSchema(ctx, pool, table.schemaName);
    const what = `Table ${JSON.stringify(`${table.schemaName}.${table.tableName}`)}`;
    const tableName = await resolveSourceName({
      name: table.tableName,
      casingMode: casing(ctx),
      what,
      candidates: async (name) => (await queryRows<{ name: string }>(pool, { sql: 'SELECT TABLE_NAME AS name FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND LOWER(TABLE_NAME) = LOWER(?)', params: [schemaName, name] }, `resolving table ${what}`)).map((r) => r.name),
    });
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
   * Streams a statement as chunks of rows in `columns` order, one chunk per batch of rows mysql2
   * hands over; core converts them into blocks. With no columns (COUNT(*)), empty rows.
   */
  async function* readRows(ctx: ConnectorContext, pool: Pool, statement: Statement, columns: readonly MappedColumn[], table: string, isolated: boolean): AsyncGenerator<RowChunk> {
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
    try {
      for await (const rows of streamRowChunks(pool, statement, ctx.signal, `reading ${table}`, { isolated })) {
        if (columns.length === 0) {
          yield rows.map(() => []);
          continue;
        }
        for (const raw of rows) {
          // The row array is mysql2's own, fresh per row: converted in place rather than copied.
          for (let k = 0; k < count; k++) {
            const index = indexes[k] as number;
            raw[index] = (converters[k] as (value: unknown) => unknown)(raw[index]);
          }
        }
        yield rows;
      }
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
      return [...new Set(rows.map((r) => listedName(r.name, casing(ctx))))];
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
        tables: page.map((r) => ({ schemaName: input.schemaName, tableName: listedName(r.name, casing(ctx)) })),
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
        const query = requestedQuery(passthroughArgs, input.split);
        const pool = await poolFor(ctx);
        const described = await describePassthrough(pool, query);
        const columns = projected(described, input.schema, 'system.query');
        yield* readRows(ctx, pool, readStatement(query, columns), columns, 'system.query', true);
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
      yield* readRows(ctx, pool, statement, columns, `${input.tableName.schemaName}.${input.tableName.tableName}`, false);
    },

    close: () => pools.end(),
  };
}
