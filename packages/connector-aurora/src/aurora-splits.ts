/**
 * Plans the splits of a MySQL table. A table with named partitions is read one partition per split
 * (`PARTITION (p)`, as the Java connector does), pruned by constraints on the partitioning column
 * for RANGE and LIST partitioning on an integer column. The Java connector reads an unpartitioned
 * table with one Lambda; here a table with a single-column integer primary key (or unique index) is
 * cut into key ranges sized from the row estimate, so Athena reads it in parallel. The first and
 * last ranges are open-ended, so rows inserted between planning and reading are read exactly once.
 */
import type { Pool } from 'mysql2';
import {
  ConnectorError,
  type ConnectorContext,
  type SplitPage,
  type SplitsInput,
  type StringMap,
  type ValueSet,
} from '@athena-federation/connector-core';
import { integerIntervals } from './aurora-intervals.js';
import { keyRangePredicate, keyRanges } from './key-ranges.js';
import { type AuroraState, poolFor, queryRows } from './aurora-client.js';
import { resolveTable } from './aurora-catalog.js';
import { summaryByColumn } from './catalog-names.js';
import type { Predicate } from './aurora-sql.js';
import { quoteIdentifier } from './aurora-sql.js';
import type { MappedColumn } from './aurora-types.js';

/** Split property names (the wire carries them as strings). */
const KIND = 'kind';
const KEY = 'key';
const LOW = 'low';
const HIGH = 'high';
const PARTITION = 'partition';
/** A LIST partition's integer values, comma-separated. */
const VALUES = 'values';
/** `'true'` when the partition holds the key's NULLs (the first RANGE partition, a LIST naming NULL). */
const NULLS = 'nulls';
/** The table a split was planned for (MySQL's names), checked at ReadRecords against the request's. */
const SCHEMA = 'schema';
const TABLE = 'table';

/** The table a split was planned for, by MySQL's names. */
interface SplitTable {
  readonly schema: string;
  readonly table: string;
}

/** The whole table in one split. */
export interface WholeTableSplit extends SplitTable {
  readonly kind: 'all';
}

/** Rows whose split key is in `[low, high)`; an absent bound is open (rows inserted after planning are still read once). */
export interface KeyRangeSplit extends SplitTable {
  readonly kind: 'range';
  readonly key: string;
  readonly low: bigint | undefined;
  readonly high: bigint | undefined;
}

/** Rows whose nullable unique split key is NULL. */
export interface NullKeySplit extends SplitTable {
  readonly kind: 'null';
  readonly key: string;
}

/**
 * What a RANGE or LIST partition on an integer column holds, as MySQL describes it. Only GetSplits
 * reads it (to prune); {@link decodeSplit} leaves it out, since a partition is read whole.
 */
export interface PartitionBounds {
  readonly key: string;
  readonly low?: string;
  readonly high?: string;
  /** A LIST partition's integer values, comma-separated. */
  readonly values?: string;
  /** True when the partition holds the key's NULLs (the first RANGE partition, a LIST naming NULL). */
  readonly nulls: boolean;
}

/** One named partition (with its subpartitions). */
export interface PartitionSplit extends SplitTable {
  readonly kind: 'partition';
  readonly partition: string;
  readonly bounds?: PartitionBounds;
}

/** What a split of a table reads (a passthrough query's split is aurora-passthrough.ts's). */
export type AuroraSplit = WholeTableSplit | KeyRangeSplit | NullKeySplit | PartitionSplit;

/** Limits for {@link planSplits}. */
export interface SplitPlanOptions {
  readonly targetRowsPerSplit: number;
  readonly maxSplits: number;
}

interface IndexColumnRow {
  readonly indexName: string;
  readonly columnName: string;
  readonly seq: number | string;
  readonly nullable: string;
}

/** The single integer column of the primary key, else of a unique index; undefined if there is none. */
async function findSplitKey(
  pool: Pool,
  schema: string,
  table: string,
  columns: readonly MappedColumn[],
): Promise<{ column: MappedColumn; nullable: boolean } | undefined> {
  const rows = await queryRows<IndexColumnRow>(
    pool,
    {
      sql: "SELECT INDEX_NAME AS indexName, COLUMN_NAME AS columnName, SEQ_IN_INDEX AS seq, NULLABLE AS nullable FROM information_schema.statistics WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX",
      params: [schema, table],
    },
    'finding the split key',
  );
  const byIndex = new Map<string, IndexColumnRow[]>();
  for (const row of rows) byIndex.set(row.indexName, [...(byIndex.get(row.indexName) ?? []), row]);
  for (const indexColumns of byIndex.values()) {
    const [only, ...others] = indexColumns;
    if (only === undefined || others.length > 0) continue;
    const column = columns.find((c) => c.name === only.columnName);
    if (column !== undefined && column.kind === 'integer') return { column, nullable: only.nullable === 'YES' };
  }
  return undefined;
}

interface PartitionRow {
  readonly name: string;
  readonly method: string | null;
  readonly expression: string | null;
  readonly description: string | null;
}

/** The integer column a partitioning expression is, or undefined for anything else (`YEAR(d)`, two columns). */
function partitionColumn(expression: string | null, columns: readonly MappedColumn[]): MappedColumn | undefined {
  const match = expression === null ? null : /^\s*(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))\s*$/.exec(expression);
  if (match === null) return undefined;
  const name = match[1] === undefined ? match[2] : match[1].replaceAll('``', '`');
  const column = columns.find((c) => c.name.toLowerCase() === name?.toLowerCase());
  return column?.kind === 'integer' ? column : undefined;
}

/**
 * One split per named partition (subpartitions are read with their partition). RANGE and LIST
 * partitions on a plain integer column carry their bounds, so {@link pruneSplits} can drop them.
 */
function partitionSplits(
  where: SplitTable,
  rows: readonly PartitionRow[],
  columns: readonly MappedColumn[],
): PartitionSplit[] {
  const splits: PartitionSplit[] = [];
  const seen = new Set<string>();
  let previousHigh: string | undefined;
  let prunable = true;
  for (const row of rows) {
    if (seen.has(row.name)) continue;
    seen.add(row.name);
    let bounds: PartitionBounds | undefined;
    const method = (row.method ?? '').toUpperCase();
    const key = partitionColumn(row.expression, columns);
    const description = (row.description ?? '').trim();
    if (
      prunable &&
      key !== undefined &&
      (method === 'RANGE' || method === 'RANGE COLUMNS') &&
      (description === 'MAXVALUE' || INTEGER_TEXT.test(description))
    ) {
      // RANGE partitions are ordered; each holds [previous bound, its bound), the first also NULL.
      bounds = {
        key: key.name,
        nulls: previousHigh === undefined,
        ...(previousHigh === undefined ? {} : { low: previousHigh }),
        ...(description === 'MAXVALUE' ? {} : { high: description }),
      };
      previousHigh = description;
    } else if (prunable && key !== undefined && (method === 'LIST' || method === 'LIST COLUMNS')) {
      const items = description.split(',').map((v) => v.trim());
      if (items.every((v) => v.toUpperCase() === 'NULL' || INTEGER_TEXT.test(v))) {
        bounds = {
          key: key.name,
          values: items.filter((v) => v.toUpperCase() !== 'NULL').join(','),
          nulls: items.some((v) => v.toUpperCase() === 'NULL'),
        };
      }
    } else {
      // Bounds of one partition alone would be misread (HASH, KEY, expressions): prune none.
      prunable = false;
    }
    splits.push({ kind: 'partition', ...where, partition: row.name, ...(bounds === undefined ? {} : { bounds }) });
  }
  return prunable ? splits : splits.map(({ bounds: _dropped, ...split }) => split);
}

/**
 * The splits of a table: one per named partition; else key ranges when it has a usable integer key
 * and more rows than one split should hold (plus a NULL-key split for a nullable unique key);
 * otherwise one split for everything.
 */
export async function planSplits(
  pool: Pool,
  schema: string,
  table: string,
  columns: readonly MappedColumn[],
  options: SplitPlanOptions,
): Promise<AuroraSplit[]> {
  const where: SplitTable = { schema, table };
  const whole: AuroraSplit[] = [{ kind: 'all', ...where }];
  const partitions = await queryRows<PartitionRow>(
    pool,
    {
      sql: 'SELECT PARTITION_NAME AS name, PARTITION_METHOD AS method, PARTITION_EXPRESSION AS expression, PARTITION_DESCRIPTION AS description FROM information_schema.partitions WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION',
      params: [schema, table],
    },
    'listing the partitions',
  );
  if (partitions.length > 0) return partitionSplits(where, partitions, columns);
  const key = await findSplitKey(pool, schema, table, columns);
  if (key === undefined) return whole;
  const [stats] = await queryRows<{ rowsEstimate: string | number | null }>(
    pool,
    {
      sql: 'SELECT TABLE_ROWS AS rowsEstimate FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      params: [schema, table],
    },
    'estimating the table size',
  );
  const estimate = Number(stats?.rowsEstimate ?? 0);
  const wanted = Math.min(options.maxSplits, Math.ceil(estimate / options.targetRowsPerSplit));
  if (!(wanted > 1)) return whole;
  const quoted = quoteIdentifier(key.column.name);
  const [bounds] = await queryRows<{ low: string | null; high: string | null }>(
    pool,
    {
      sql: `SELECT CAST(MIN(${quoted}) AS CHAR) AS low, CAST(MAX(${quoted}) AS CHAR) AS high FROM ${quoteIdentifier(schema)}.${quoteIdentifier(table)}`,
      params: [],
    },
    'reading the key range',
  );
  if (bounds?.low === null || bounds?.low === undefined || bounds.high === null) return whole;
  const splits: AuroraSplit[] = keyRanges(BigInt(bounds.low), BigInt(bounds.high), wanted).map((range) => ({
    kind: 'range',
    ...where,
    key: key.column.name,
    ...range,
  }));
  if (key.nullable) splits.push({ kind: 'null', ...where, key: key.column.name });
  return splits;
}

const INTEGER_TEXT = /^-?\d{1,20}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The properties GetSplits gives each kind of split; every split also names its table. */
const ISSUED: Readonly<Record<string, readonly string[]>> = {
  all: [KIND, SCHEMA, TABLE],
  range: [KIND, SCHEMA, TABLE, KEY, LOW, HIGH],
  null: [KIND, SCHEMA, TABLE, KEY],
  // The bounds of a partition only serve pruning at GetSplits; a partition is read whole.
  [PARTITION]: [KIND, SCHEMA, TABLE, PARTITION, KEY, LOW, HIGH, VALUES, NULLS],
};

/** A range split's bound as a 64-bit integer (the key's column is a signed or unsigned INT at most); null when it is not one. */
function boundOf(text: string | undefined): bigint | undefined | null {
  if (text === undefined) return undefined;
  if (!INTEGER_TEXT.test(text)) return null;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/** A split as the string map Athena carries back to ReadRecords. */
export function encodeSplit(split: AuroraSplit): StringMap {
  const where = { [SCHEMA]: split.schema, [TABLE]: split.table };
  switch (split.kind) {
    case 'all':
      return { [KIND]: split.kind, ...where };
    case 'null':
      return { [KIND]: split.kind, [KEY]: split.key, ...where };
    case 'range':
      return {
        [KIND]: split.kind,
        [KEY]: split.key,
        ...(split.low === undefined ? {} : { [LOW]: String(split.low) }),
        ...(split.high === undefined ? {} : { [HIGH]: String(split.high) }),
        ...where,
      };
    case 'partition': {
      const bounds = split.bounds;
      const pruning: Record<string, string> =
        bounds === undefined
          ? {}
          : {
              [KEY]: bounds.key,
              ...(bounds.low === undefined ? {} : { [LOW]: bounds.low }),
              ...(bounds.high === undefined ? {} : { [HIGH]: bounds.high }),
              ...(bounds.values === undefined ? {} : { [VALUES]: bounds.values }),
              ...(bounds.nulls ? { [NULLS]: 'true' } : {}),
            };
      return { [KIND]: PARTITION, [PARTITION]: split.partition, ...pruning, ...where };
    }
  }
}

/** The refusal of a split that did not come from GetSplits for `table` (`schema.table`). */
function splitRefusal(table: string, why: string): ConnectorError {
  return new ConnectorError(
    'InvalidInput',
    `The split was not issued by this connector for table ${JSON.stringify(table)}: ${why}`,
  );
}

/**
 * Reads a split back at ReadRecords for the request's `table` (`schema.table`, for messages). Only
 * the shape is checked here: a kind this connector issues with only that kind's properties, a
 * table, a key or partition name, range bounds that are 64-bit integers in order. Whether it fits
 * the table is {@link checkSplit}'s job.
 *
 * @throws {ConnectorError} `InvalidInput` naming what was not issued (never a property's value: bounds are row data).
 */
export function decodeSplit(properties: StringMap, table: string): AuroraSplit {
  const refuse = (why: string): never => {
    throw splitRefusal(table, why);
  };
  // Own properties only: a property named `__proto__` or `constructor` must not reach Object.prototype.
  const get = (name: string): string | undefined => (Object.hasOwn(properties, name) ? properties[name] : undefined);
  const kind = get(KIND);
  const issued = kind !== undefined && Object.hasOwn(ISSUED, kind) ? ISSUED[kind] : undefined;
  if (kind === undefined || issued === undefined) return refuse('its kind is not one this connector issues');
  const extra = Object.keys(properties).find((name) => !issued.includes(name));
  if (extra !== undefined) refuse(`a ${kind} split carries no property ${JSON.stringify(extra.slice(0, 40))}`);
  const where: SplitTable = {
    schema: get(SCHEMA) ?? refuse('it names another table'),
    table: get(TABLE) ?? refuse('it names another table'),
  };
  if (kind === 'all') return { kind, ...where };
  if (kind === PARTITION)
    return { kind, ...where, partition: get(PARTITION) ?? refuse("its partition is not one of the table's") };
  const key = get(KEY) ?? refuse("its key is not the table's split key");
  if (kind === 'null') return { kind, ...where, key };
  const low = boundOf(get(LOW));
  const high = boundOf(get(HIGH));
  if (low === null || high === null) return refuse('its bounds are not 64-bit integers');
  if (low !== undefined && high !== undefined && low >= high) refuse('its range is empty');
  return { kind: 'range', ...where, key, low, high };
}

/** What a checked split reads: a named partition, and the WHERE conjuncts of its key range. */
export interface SplitRead {
  readonly partition?: string;
  readonly predicates: readonly Predicate[];
}

/**
 * Checks a split at ReadRecords against what GetSplits issues for the request's table, since every
 * property is the caller's to forge: its kind and property names, the table it names, a partition
 * that is one of the table's (and partitioned tables read by partition only), a range or NULL
 * split on the table's split key (a NULL split only when the key holds NULLs), and bounds that
 * are 64-bit integers in order. A split that passes reads no row the request's own table scan would not.
 *
 * @throws {ConnectorError} `InvalidInput` naming what was not issued (never a property's value: bounds are row data).
 */
export async function checkSplit(
  pool: Pool,
  schema: string,
  table: string,
  columns: readonly MappedColumn[],
  properties: StringMap,
): Promise<SplitRead> {
  const label = `${schema}.${table}`;
  const refuse = (why: string) => splitRefusal(label, why);
  const split = decodeSplit(properties, label);
  if (split.schema !== schema || split.table !== table) throw refuse('it names another table');
  const partitions = await queryRows<{ name: string }>(
    pool,
    {
      sql: 'SELECT DISTINCT PARTITION_NAME AS name FROM information_schema.partitions WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL',
      params: [schema, table],
    },
    'checking the split',
  );
  if (split.kind === 'partition') {
    if (!partitions.some((p) => p.name === split.partition))
      throw refuse(partitions.length === 0 ? 'the table has no partitions' : "its partition is not one of the table's");
    return { partition: split.partition, predicates: [] };
  }
  if (partitions.length > 0) throw refuse('the table is partitioned, so it is read one partition per split');
  if (split.kind === 'all') return { predicates: [] };
  const key = await findSplitKey(pool, schema, table, columns);
  if (key === undefined || key.column.name !== split.key) throw refuse("its key is not the table's split key");
  const quoted = quoteIdentifier(key.column.name);
  if (split.kind === 'null') {
    if (!key.nullable) throw refuse('the split key holds no NULL');
    return { predicates: [{ sql: `${quoted} IS NULL`, params: [], exact: true }] };
  }
  return { predicates: [keyRangePredicate(quoted, split, 'CAST(? AS SIGNED)')] };
}

/**
 * Drops splits the key's constraint excludes: a range split (or RANGE partition) survives when one
 * allowed interval overlaps `[low, high)`, a LIST partition when one of its values is allowed, the
 * NULL split (or the partition holding NULLs) when NULL is allowed. Anything unreadable keeps every split.
 */
export function pruneSplits(
  splits: readonly StringMap[],
  constraints: Readonly<Record<string, ValueSet>>,
): StringMap[] {
  const allowedByKey = new Map<string, ReturnType<typeof integerIntervals>>();
  const allowedFor = (key: string) => {
    if (!allowedByKey.has(key)) {
      const set = Object.hasOwn(constraints, key) ? constraints[key] : undefined;
      allowedByKey.set(key, set === undefined ? undefined : integerIntervals(set));
    }
    return allowedByKey.get(key);
  };
  return splits.filter((split) => {
    const key = split[KEY];
    const allowed = key === undefined ? undefined : allowedFor(key);
    if (allowed === undefined) return true;
    if (split[KIND] === 'null') return allowed.nullAllowed;
    if (split[NULLS] === 'true' && allowed.nullAllowed) return true;
    if (split[VALUES] !== undefined) {
      const values = split[VALUES] === '' ? [] : split[VALUES].split(',').map((v) => BigInt(v));
      return values.some((v) =>
        allowed.intervals.some((i) => (i.low === undefined || i.low <= v) && (i.high === undefined || v <= i.high)),
      );
    }
    if (split[KIND] !== 'range' && split[KIND] !== PARTITION) return true;
    const low = split[LOW] === undefined ? undefined : BigInt(split[LOW]);
    const highExclusive = split[HIGH] === undefined ? undefined : BigInt(split[HIGH]);
    return allowed.intervals.some(
      (i) =>
        (i.high === undefined || low === undefined || i.high >= low) &&
        (i.low === undefined || highExclusive === undefined || i.low < highExclusive),
    );
  });
}

/**
 * The connector's `getSplits` for a table: its planned splits, pruned by the summary on the split
 * key, encoded. Core pages the response (at most 1,000 splits each), so one plan per call is enough.
 */
export async function getTableSplits(
  state: AuroraState,
  ctx: ConnectorContext,
  input: SplitsInput,
): Promise<SplitPage> {
  const pool = await poolFor(state, ctx.catalogName);
  const resolved = await resolveTable(state, ctx, pool, input.tableName);
  const options = { targetRowsPerSplit: state.config.targetRowsPerSplit, maxSplits: state.config.maxSplitsPerTable };
  const planned = await planSplits(pool, resolved.schemaName, resolved.tableName, resolved.columns, options);
  const splits = pruneSplits(planned.map(encodeSplit), summaryByColumn(resolved.columns, input.constraints.summary));
  return { splits, continuationToken: null };
}
