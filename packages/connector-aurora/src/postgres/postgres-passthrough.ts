/**
 * Query passthrough on a PostgreSQL catalog, `system.query(query => '…')` with the same signature
 * and split as MySQL's (aurora-passthrough.ts). The user's query is only ever a derived table,
 * `SELECT … FROM (\n<query>\n) AS athena_passthrough`, sent through the extended protocol (which
 * refuses a second statement), in a READ ONLY transaction, on a connection closed afterwards (so a
 * session setting or advisory lock it takes dies with it). Its schema comes from a `LIMIT 0` read.
 */
import { Schema } from 'apache-arrow';
import {
  ConnectorError,
  type ConnectorContext,
  type StringMap,
  type TableDefinition,
} from '@athena-federation/connector-core';
import type pg from 'pg';
import { PASSTHROUGH_SPLIT } from '../aurora-passthrough.js';
import { mapPostgresColumns } from './postgres-catalog.js';
import { type PostgresState, type PostgresStatement, describeReadOnly, postgresPoolFor } from './postgres-client.js';
import { quotePostgresIdentifier } from './postgres-dialect.js';
import type { PostgresColumn } from './postgres-types.js';

const ALIAS = 'athena_passthrough';

/**
 * The user's query from core's passthrough arguments, trailing semicolons and whitespace removed.
 *
 * @throws {ConnectorError} `InvalidInput` when it is missing or empty.
 */
export function postgresPassthroughQuery(args: StringMap): string {
  const query = (args['query'] ?? '').replace(/[\s;]+$/u, '');
  if (query.trim() === '')
    throw new ConnectorError('InvalidInput', "system.query needs a non-empty query => 'SELECT …' argument");
  refuseServerActions(query);
  return query;
}

/**
 * Built-in functions that act on the server rather than read data, which READ ONLY does not stop:
 * signalling other sessions (the connector's role may end its own other sessions), reloading or
 * switching server state, reading or writing server files, large objects (undone by the read's
 * ROLLBACK, refused anyway), session settings, notifications and links to other databases.
 */
const SERVER_ACTIONS =
  /\b(pg_terminate_backend|pg_cancel_backend|pg_signal_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_switch_wal|pg_create_restore_point|pg_log_backend_memory_contexts|pg_read_file|pg_read_binary_file|pg_ls_\w+|pg_stat_file|pg_file_\w+|lo_\w+|lowrite|loread|set_config|pg_notify|pg_advisory_\w+|pg_try_advisory_\w+|dblink\w*|pg_logical_emit_message|pg_replication_origin_\w+|pg_\w*replication_slot\w*|pg_import_system_collations)"?\s*\(/iu;

/**
 * Refuses a query that calls a {@link SERVER_ACTIONS} function (found in the text with comments
 * removed, not by a parse: a string that spells a call is refused too), and Unicode-escaped
 * identifiers (`U&"…"`), which could spell one. What a database function of the user's own does
 * inside is for the role's privileges to limit: give the connector a role that may only read.
 *
 * @throws {ConnectorError} `InvalidInput` naming the function.
 */
function refuseServerActions(query: string): void {
  if (/\bu&"/iu.test(query))
    throw new ConnectorError('InvalidInput', 'system.query does not accept Unicode-escaped identifiers (U&"…")');
  let text = query.replace(/--[^\n]*/gu, ' ');
  // Block comments nest in PostgreSQL: innermost first, until none is left.
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\/\*(?:(?!\/\*)[\s\S])*?\*\//gu, ' ');
  }
  const action = SERVER_ACTIONS.exec(text)?.[1];
  if (action !== undefined)
    throw new ConnectorError(
      'InvalidInput',
      `system.query reads data only: ${action} acts on the server (sessions, settings, files or large objects) and is refused`,
    );
}

/**
 * The query of a ReadRecords request, with the split checked to be the passthrough split (core has
 * checked that the arguments call this connector's function).
 *
 * @throws {ConnectorError} `InvalidInput` for a split GetSplits would not have issued.
 */
export function requestedPostgresQuery(args: StringMap, split: StringMap): string {
  if (Object.keys(split).length !== 1 || split['kind'] !== PASSTHROUGH_SPLIT['kind'])
    throw new ConnectorError('InvalidInput', 'The split was not issued by this connector for a system.query query');
  return postgresPassthroughQuery(args);
}

/** The statement that reads `columns` of the query (the derived table is the only source, so names are unambiguous). */
export function postgresReadStatement(query: string, columns: readonly PostgresColumn[]): PostgresStatement {
  const select = columns.length === 0 ? 'NULL' : columns.map((c) => quotePostgresIdentifier(c.name)).join(', ');
  return { sql: `SELECT ${select} FROM (\n${query}\n) AS ${ALIAS}`, params: [] };
}

/**
 * The query's result columns, mapped like table columns. Duplicate names cannot be told apart by
 * Athena (nor selected from a derived table), so they are refused with the advice to alias them.
 */
export async function describePostgresPassthrough(
  state: PostgresState,
  pool: pg.Pool,
  query: string,
): Promise<PostgresColumn[]> {
  const fields = await describeReadOnly(
    pool,
    { sql: `SELECT * FROM (\n${query}\n) AS ${ALIAS} LIMIT 0`, params: [] },
    'describing the system.query query',
  );
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name.toLowerCase()))
      throw new ConnectorError(
        'InvalidInput',
        `system.query returns two columns named ${JSON.stringify(field.name)}; give them distinct aliases`,
      );
    seen.add(field.name.toLowerCase());
  }
  // Nothing is pushed into a passthrough query, so collation and encoding do not matter here.
  const raw = fields.map((f) => ({ ...f, deterministic: false, utf8: false }));
  return mapPostgresColumns(state, pool, raw, 'system.query');
}

/** The connector's `getQueryPassthroughSchema` for a PostgreSQL catalog. */
export async function postgresPassthroughSchema(
  state: PostgresState,
  ctx: ConnectorContext,
  args: StringMap,
): Promise<TableDefinition> {
  const pool = await postgresPoolFor(state, ctx.catalogName);
  const columns = await describePostgresPassthrough(state, pool, postgresPassthroughQuery(args));
  return { schema: new Schema(columns.map((c) => c.field)), partitionColumns: [] };
}
