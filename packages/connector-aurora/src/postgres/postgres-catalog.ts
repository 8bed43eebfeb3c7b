/**
 * The PostgreSQL catalog: schemas and relations from pg_catalog (tables, views, materialized views,
 * partitioned tables and foreign tables; a partition is read through its parent, so it is not
 * listed), names resolved with core's `resolveSourceName` (PostgreSQL's quoted names keep their
 * case, Athena's arrive lower-cased), and each column's type mapped by postgres-types.ts. The split
 * and read paths resolve the request's table here too, so every request sees the same names.
 */
import { Schema } from 'apache-arrow';
import {
  ConnectorError,
  listedName,
  resolveSourceName,
  type ConnectorContext,
  type ListTablesInput,
  type TableDefinition,
  type TableName,
  type TablePage,
} from '@athena-federation/connector-core';
import { casingOf } from '../catalog-names.js';
import type pg from 'pg';
import { tablePage, tablePageWindow } from '../table-pages.js';
import { type PostgresState, postgresPoolFor, queryRows } from './postgres-client.js';
import {
  type PostgresColumn,
  type PostgresRawColumn,
  type PostgresTypeOptions,
  type PostgresTypeRow,
  mapPostgresColumn,
} from './postgres-types.js';

/** Schemas PostgreSQL keeps for itself, never listed. */
const SYSTEM_SCHEMAS =
  "nspname NOT IN ('information_schema', 'pg_catalog', 'pg_toast') AND nspname NOT LIKE 'pg\\_%temp\\_%'";
/** Relations Athena can read: tables, views, materialized views, partitioned and foreign tables. */
const READABLE = "c.relkind IN ('r', 'v', 'm', 'p', 'f')";

/** A relation resolved to PostgreSQL's names, with its mapped columns. */
export interface ResolvedPostgresTable {
  readonly schemaName: string;
  readonly tableName: string;
  /** `relkind`: r, v, m, p (partitioned) or f. */
  readonly kind: string;
  readonly columns: readonly PostgresColumn[];
}

/** The type options of a state's configuration. */
export function typeOptions(state: PostgresState): PostgresTypeOptions {
  return { decimalOverflow: state.config.decimalOverflow, defaultScale: state.config.defaultScale };
}

/** PostgreSQL's name of the schema Athena asked for. */
export function resolvePostgresSchema(ctx: ConnectorContext, pool: pg.Pool, schemaName: string): Promise<string> {
  return resolveSourceName({
    name: schemaName,
    casingMode: casingOf(ctx),
    what: `Schema ${JSON.stringify(schemaName)}`,
    candidates: async (name) =>
      (
        await queryRows<{ name: string }>(
          pool,
          {
            sql: 'SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE LOWER(nspname) = LOWER($1)',
            params: [name],
          },
          `resolving schema ${JSON.stringify(name)}`,
        )
      ).map((r) => r.name),
  });
}

/**
 * The pg_type rows of `oids`, their domains' base types and their arrays' items (so
 * postgres-types.ts can resolve every type without another query).
 */
export async function describeTypes(pool: pg.Pool, oids: readonly number[]): Promise<Map<number, PostgresTypeRow>> {
  const types = new Map<number, PostgresTypeRow>();
  let wanted = [...new Set(oids)];
  for (let depth = 0; wanted.length > 0 && depth < 32; depth++) {
    const rows = await queryRows<Record<string, string>>(
      pool,
      {
        sql: 'SELECT t.oid::text AS oid, t.typname AS name, n.nspname AS namespace, t.typtype AS type, t.typcategory AS category, t.typelem::text AS element, t.typbasetype::text AS base, t.typtypmod AS modifier, t.typdelim AS delimiter FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ANY($1::oid[])',
        params: [`{${wanted.join(',')}}`],
      },
      'describing column types',
    );
    for (const r of rows) {
      const row: PostgresTypeRow = {
        oid: Number(r['oid']),
        name: r['name'] ?? '',
        namespace: r['namespace'] ?? '',
        type: r['type'] ?? '',
        category: r['category'] ?? '',
        element: Number(r['element']),
        base: Number(r['base']),
        baseModifier: Number(r['modifier']),
        delimiter: r['delimiter'] ?? ',',
      };
      types.set(row.oid, row);
    }
    wanted = [...new Set(rows.flatMap((r) => [Number(r['element']), Number(r['base'])]))].filter(
      (oid) => oid !== 0 && !types.has(oid),
    );
  }
  return types;
}

/** Maps raw columns (of a table or a passthrough query), describing their types first. */
export async function mapPostgresColumns(
  state: PostgresState,
  pool: pg.Pool,
  raw: readonly PostgresRawColumn[],
  label: string,
): Promise<PostgresColumn[]> {
  const types = await describeTypes(
    pool,
    raw.map((c) => c.typeOid),
  );
  return raw.map((c) => mapPostgresColumn(c, types, typeOptions(state), label));
}

/**
 * PostgreSQL's names of the relation Athena asked for, its kind and its columns mapped to Arrow.
 *
 * @throws {ConnectorError} `NotFound` when the schema or relation does not exist; `Unsupported` for a column that cannot be read.
 */
export async function resolvePostgresTable(
  state: PostgresState,
  ctx: ConnectorContext,
  pool: pg.Pool,
  table: TableName,
): Promise<ResolvedPostgresTable> {
  const schemaName = await resolvePostgresSchema(ctx, pool, table.schemaName);
  const what = `Table ${JSON.stringify(`${table.schemaName}.${table.tableName}`)}`;
  const tableName = await resolveSourceName({
    name: table.tableName,
    casingMode: casingOf(ctx),
    what,
    candidates: async (name) =>
      (
        await queryRows<{ name: string }>(
          pool,
          {
            sql: `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND ${READABLE} AND LOWER(c.relname) = LOWER($2)`,
            params: [schemaName, name],
          },
          `resolving table ${what}`,
        )
      ).map((r) => r.name),
  });
  const rows = await queryRows<Record<string, string>>(
    pool,
    {
      sql: `SELECT c.relkind AS kind, a.attname AS name, a.atttypid::text AS oid, a.atttypmod AS modifier, COALESCE(co.collisdeterministic, true) AS deterministic, current_setting('server_encoding') = 'UTF8' AS utf8 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation WHERE n.nspname = $1 AND c.relname = $2 AND ${READABLE} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      params: [schemaName, tableName],
    },
    `reading the columns of ${what}`,
  );
  const [first] = rows;
  if (first === undefined) throw new ConnectorError('NotFound', `${what} does not exist or has no columns`);
  const raw = rows.map((r) => ({
    name: r['name'] ?? '',
    typeOid: Number(r['oid']),
    typeModifier: Number(r['modifier']),
    deterministic: r['deterministic'] === 't',
    utf8: r['utf8'] === 't',
  }));
  const columns = await mapPostgresColumns(state, pool, raw, `${schemaName}.${tableName}`);
  return { schemaName, tableName, kind: first['kind'] ?? 'r', columns };
}

/** Every schema but PostgreSQL's own, where the user may look up objects, named as the casing mode lists them. */
export async function listPostgresSchemas(state: PostgresState, ctx: ConnectorContext): Promise<string[]> {
  const pool = await postgresPoolFor(state, ctx.catalogName);
  const rows = await queryRows<{ name: string }>(
    pool,
    {
      sql: `SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE ${SYSTEM_SCHEMAS} AND has_schema_privilege(oid, 'USAGE') ORDER BY nspname`,
      params: [],
    },
    'listing schemas',
  );
  return [...new Set(rows.map((r) => listedName(r.name, casingOf(ctx))))];
}

/**
 * One page of a schema's relations, ordered by name. The token is the offset of the next page.
 *
 * @throws {ConnectorError} `InvalidInput` for a token this connector did not issue.
 */
export async function listPostgresTables(
  state: PostgresState,
  ctx: ConnectorContext,
  input: ListTablesInput,
): Promise<TablePage> {
  const pool = await postgresPoolFor(state, ctx.catalogName);
  const schemaName = await resolvePostgresSchema(ctx, pool, input.schemaName);
  const window = tablePageWindow(input);
  // relname sorts by bytes (type name), so pages are stable; one extra row tells whether more follow.
  const rows = await queryRows<{ name: string }>(
    pool,
    {
      sql: `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND ${READABLE} AND NOT c.relispartition ORDER BY c.relname${window.limit === undefined ? '' : ' LIMIT $2 OFFSET $3'}`,
      params: window.limit === undefined ? [schemaName] : [schemaName, String(window.limit), String(window.offset)],
    },
    `listing the tables of schema ${JSON.stringify(input.schemaName)}`,
  );
  return tablePage(
    input,
    window,
    rows.map((r) => r.name),
    casingOf(ctx),
  );
}

/** The relation's Arrow schema; native partitions are read by split, never exposed as partition columns. */
export async function getPostgresTable(
  state: PostgresState,
  ctx: ConnectorContext,
  table: TableName,
): Promise<TableDefinition> {
  const pool = await postgresPoolFor(state, ctx.catalogName);
  const resolved = await resolvePostgresTable(state, ctx, pool, table);
  return { schema: new Schema(resolved.columns.map((c) => c.field)), partitionColumns: [] };
}
