/**
 * Plans the splits of a PostgreSQL relation and re-checks them at ReadRecords. A partitioned table
 * is read one leaf partition per split (as Java's connector does), and only the partitions
 * PostgreSQL's own planner keeps for the query's pushed filters: `EXPLAIN` of the filtered SELECT
 * names the partitions that survive pruning. Any other table with a single-column integer primary
 * key (or unique index) is cut into key ranges sized from `pg_class.reltuples`, as MySQL tables are;
 * those splits use the MySQL codec of aurora-splits.ts, so both engines prune ranges alike.
 */
import {
  ConnectorError,
  type ConnectorContext,
  type SplitPage,
  type SplitsInput,
  type StringMap,
} from '@athena-federation/connector-core';
import { PARAMETER, buildSelect, type SqlFragment } from '@athena-federation/connector-core/sql';
import type pg from 'pg';
import { type AuroraSplit, decodeSplit, encodeSplit, pruneSplits } from '../aurora-splits.js';
import { keyRangePredicate, keyRanges } from '../key-ranges.js';
import { summaryByColumn } from '../catalog-names.js';
import { type ResolvedPostgresTable, resolvePostgresTable } from './postgres-catalog.js';
import { type PostgresState, postgresPoolFor, queryRows } from './postgres-client.js';
import { postgresDialect, quotePostgresIdentifier } from './postgres-dialect.js';
import type { PostgresColumn } from './postgres-types.js';

/** The kind of a leaf-partition split, and its properties. */
const PARTITION_KIND = 'pg_partition';
const PARTITION_SCHEMA = 'partition_schema';
const PARTITION = 'partition';

/** `$1`, `$2` as the relation's regclass (quoting done by PostgreSQL's own `format('%I')`). */
const REGCLASS = "format('%I.%I', $1::text, $2::text)::regclass";

interface LeafPartition {
  readonly schema: string;
  readonly name: string;
}

/** The leaf partitions of a partitioned table (sub-partitions flattened), in a stable order. */
async function leafPartitions(pool: pg.Pool, table: ResolvedPostgresTable): Promise<LeafPartition[]> {
  return queryRows<LeafPartition>(
    pool,
    {
      sql: `SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_partition_tree(${REGCLASS}) t JOIN pg_catalog.pg_class c ON c.oid = t.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf AND c.relkind <> 'p' ORDER BY n.nspname, c.relname`,
      params: [table.schemaName, table.tableName],
    },
    'listing the partitions',
  );
}

/** Every `Schema`/`Relation Name` pair a JSON plan scans. */
function scannedRelations(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const child of node) scannedRelations(child, into);
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record['Relation Name'] === 'string' && typeof record['Schema'] === 'string')
      into.add(JSON.stringify([record['Schema'], record['Relation Name']]));
    for (const value of Object.values(record)) if (typeof value === 'object') scannedRelations(value, into);
  }
  return into;
}

/**
 * The leaf partitions PostgreSQL's planner keeps under the query's pushed summary and expressions.
 * The pushed SQL keeps at least every row Athena keeps (core's kit), so a partition the planner
 * drops holds none of them. Planned with the parameter values (an unnamed statement), so plan-time
 * pruning applies; a partition only pruned at run time stays, which reads more, never less.
 */
async function survivingPartitions(
  pool: pg.Pool,
  table: ResolvedPostgresTable,
  input: SplitsInput,
  partitions: readonly LeafPartition[],
): Promise<LeafPartition[]> {
  const summary = summaryByColumn(table.columns, input.constraints.summary);
  const filtered = buildSelect(postgresDialect, {
    schemaName: table.schemaName,
    tableName: table.tableName,
    columns: [],
    tableColumns: table.columns,
    constraints: { ...input.constraints, summary, orderByClause: [], limit: -1n },
    splitPredicates: [],
  });
  if (!filtered.sql.includes(' WHERE ')) return [...partitions];
  const [plan] = await queryRows<{ 'QUERY PLAN': string }>(
    pool,
    { sql: `EXPLAIN (FORMAT JSON, VERBOSE) ${filtered.sql}`, params: filtered.params },
    'pruning the partitions',
  );
  const scanned = scannedRelations(JSON.parse(plan?.['QUERY PLAN'] ?? '[]'), new Set());
  return partitions.filter((p) => scanned.has(JSON.stringify([p.schema, p.name])));
}

/** The single integer column of the primary key, else of a unique index (no expression, no predicate). */
async function findSplitKey(
  pool: pg.Pool,
  table: ResolvedPostgresTable,
): Promise<{ column: PostgresColumn; nullable: boolean } | undefined> {
  const rows = await queryRows<{ name: string; nullable: string }>(
    pool,
    {
      sql: `SELECT a.attname AS name, NOT a.attnotnull AS nullable FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = ${REGCLASS} AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL ORDER BY i.indisprimary DESC, i.indexrelid`,
      params: [table.schemaName, table.tableName],
    },
    'finding the split key',
  );
  for (const row of rows) {
    const column = table.columns.find((c) => c.name === row.name);
    if (column !== undefined && (column.kind === 'smallint' || column.kind === 'integer' || column.kind === 'bigint'))
      return { column, nullable: row.nullable === 't' };
  }
  return undefined;
}

/** Key-range splits (plus a NULL-key split for a nullable unique key), or one split for the whole table. */
async function keySplits(state: PostgresState, pool: pg.Pool, table: ResolvedPostgresTable): Promise<AuroraSplit[]> {
  const where = { schema: table.schemaName, table: table.tableName };
  const whole: AuroraSplit[] = [{ kind: 'all', ...where }];
  if (table.kind !== 'r') return whole;
  const key = await findSplitKey(pool, table);
  if (key === undefined) return whole;
  // reltuples is the estimate VACUUM and ANALYZE leave (-1 before the first: then one split).
  const [stats] = await queryRows<{ estimate: string }>(
    pool,
    {
      sql: `SELECT reltuples::int8 AS estimate FROM pg_catalog.pg_class WHERE oid = ${REGCLASS}`,
      params: [table.schemaName, table.tableName],
    },
    'estimating the table size',
  );
  const options = state.config;
  const wanted = Math.min(
    options.maxSplitsPerTable,
    Math.ceil(Number(stats?.estimate ?? 0) / options.targetRowsPerSplit),
  );
  if (!(wanted > 1)) return whole;
  const quoted = quotePostgresIdentifier(key.column.name);
  const [bounds] = await queryRows<{ low: string | null; high: string | null }>(
    pool,
    {
      sql: `SELECT MIN(${quoted})::text AS low, MAX(${quoted})::text AS high FROM ${quotePostgresIdentifier(table.schemaName)}.${quotePostgresIdentifier(table.tableName)}`,
      params: [],
    },
    'reading the key range',
  );
  if (bounds === undefined || bounds.low === null || bounds.high === null) return whole;
  const splits: AuroraSplit[] = keyRanges(BigInt(bounds.low), BigInt(bounds.high), wanted).map((range) => ({
    kind: 'range',
    ...where,
    key: key.column.name,
    ...range,
  }));
  if (key.nullable) splits.push({ kind: 'null', ...where, key: key.column.name });
  return splits;
}

/**
 * The connector's `getSplits` for a PostgreSQL relation: its surviving leaf partitions, or its key
 * ranges pruned by the summary on the key, or one split. Core pages the response.
 */
export async function getPostgresSplits(
  state: PostgresState,
  ctx: ConnectorContext,
  input: SplitsInput,
): Promise<SplitPage> {
  const pool = await postgresPoolFor(state, ctx.catalogName);
  const table = await resolvePostgresTable(state, ctx, pool, input.tableName);
  if (table.kind === 'p') {
    const partitions = await survivingPartitions(pool, table, input, await leafPartitions(pool, table));
    return {
      splits: partitions.map((p) => ({
        kind: PARTITION_KIND,
        schema: table.schemaName,
        table: table.tableName,
        [PARTITION_SCHEMA]: p.schema,
        [PARTITION]: p.name,
      })),
      continuationToken: null,
    };
  }
  const planned = await keySplits(state, pool, table);
  const splits = pruneSplits(planned.map(encodeSplit), summaryByColumn(table.columns, input.constraints.summary));
  return { splits, continuationToken: null };
}

/** What a checked split reads: the relation (a leaf partition, or the table) and its key-range conjuncts. */
export interface PostgresSplitRead {
  readonly schemaName: string;
  readonly tableName: string;
  readonly predicates: readonly (SqlFragment & { readonly exact: boolean })[];
}

function refusal(table: ResolvedPostgresTable, why: string): ConnectorError {
  return new ConnectorError(
    'InvalidInput',
    `The split was not issued by this connector for table ${JSON.stringify(`${table.schemaName}.${table.tableName}`)}: ${why}`,
  );
}

/**
 * Checks a split at ReadRecords against what GetSplits issues for the request's relation (every
 * property is the caller's to forge): a leaf partition of the table (and a partitioned table read
 * only by partition), or a range or NULL split on the table's split key with 64-bit bounds.
 *
 * @throws {ConnectorError} `InvalidInput` naming what was not issued (never a bound: those are key values).
 */
export async function checkPostgresSplit(
  pool: pg.Pool,
  table: ResolvedPostgresTable,
  properties: StringMap,
): Promise<PostgresSplitRead> {
  const own = (name: string) => (Object.hasOwn(properties, name) ? properties[name] : undefined);
  if (own('kind') === PARTITION_KIND) {
    const extra = Object.keys(properties).find(
      (name) => !['kind', 'schema', 'table', PARTITION_SCHEMA, PARTITION].includes(name),
    );
    if (extra !== undefined)
      throw refusal(table, `a partition split carries no property ${JSON.stringify(extra.slice(0, 40))}`);
    if (own('schema') !== table.schemaName || own('table') !== table.tableName)
      throw refusal(table, 'it names another table');
    if (table.kind !== 'p') throw refusal(table, 'the table has no partitions');
    const leaf = (await leafPartitions(pool, table)).find(
      (p) => p.schema === own(PARTITION_SCHEMA) && p.name === own(PARTITION),
    );
    if (leaf === undefined) throw refusal(table, "its partition is not one of the table's");
    return { schemaName: leaf.schema, tableName: leaf.name, predicates: [] };
  }
  const split = decodeSplit(properties, `${table.schemaName}.${table.tableName}`);
  if (split.schema !== table.schemaName || split.table !== table.tableName)
    throw refusal(table, 'it names another table');
  if (table.kind === 'p') throw refusal(table, 'the table is partitioned, so it is read one partition per split');
  const whole = { schemaName: table.schemaName, tableName: table.tableName };
  if (split.kind === 'all') return { ...whole, predicates: [] };
  if (split.kind === 'partition') throw refusal(table, 'its kind is not one this connector issues for PostgreSQL');
  const key = await findSplitKey(pool, table);
  if (key === undefined || key.column.name !== split.key) throw refusal(table, "its key is not the table's split key");
  const quoted = quotePostgresIdentifier(key.column.name);
  if (split.kind === 'null') {
    if (!key.nullable) throw refusal(table, 'the split key holds no NULL');
    return { ...whole, predicates: [{ sql: `${quoted} IS NULL`, params: [], exact: true }] };
  }
  return { ...whole, predicates: [keyRangePredicate(quoted, split, `${PARAMETER}::int8`)] };
}
