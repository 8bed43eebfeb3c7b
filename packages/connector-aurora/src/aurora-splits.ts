/**
 * Plans the splits of a MySQL table. The Java connector reads an unpartitioned table with one
 * Lambda; here a table with a single-column integer primary key (or unique index) is cut into key
 * ranges sized from the row estimate, so Athena reads it in parallel. The first and last ranges are
 * open-ended, so rows inserted between planning and reading are still read exactly once.
 */
import type { Pool } from 'mysql2';
import { ConnectorError, normalizeRanges, readValue, type StringMap, type ValueSet } from '@athena-federation/connector-core';
import { type SqlParam, queryRows } from './aurora-client.js';
import type { Predicate } from './aurora-sql.js';
import { quoteIdentifier } from './aurora-sql.js';
import type { MappedColumn } from './aurora-types.js';

/** Split property names (the wire carries them as strings). */
const KIND = 'kind';
const KEY = 'key';
const LOW = 'low';
const HIGH = 'high';

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
async function findSplitKey(pool: Pool, schema: string, table: string, columns: readonly MappedColumn[]): Promise<{ column: MappedColumn; nullable: boolean } | undefined> {
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

/**
 * The splits of a table: key ranges when it has a usable integer key and more rows than one split
 * should hold (plus a NULL-key split for a nullable unique key), otherwise one split for everything.
 */
export async function planSplits(pool: Pool, schema: string, table: string, columns: readonly MappedColumn[], options: SplitPlanOptions): Promise<StringMap[]> {
  const whole: StringMap[] = [{ [KIND]: 'all' }];
  const key = await findSplitKey(pool, schema, table, columns);
  if (key === undefined) return whole;
  const [stats] = await queryRows<{ rowsEstimate: string | number | null }>(pool, { sql: 'SELECT TABLE_ROWS AS rowsEstimate FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', params: [schema, table] }, 'estimating the table size');
  const estimate = Number(stats?.rowsEstimate ?? 0);
  const wanted = Math.min(options.maxSplits, Math.ceil(estimate / options.targetRowsPerSplit));
  if (!(wanted > 1)) return whole;
  const quoted = quoteIdentifier(key.column.name);
  const [bounds] = await queryRows<{ low: string | null; high: string | null }>(
    pool,
    { sql: `SELECT CAST(MIN(${quoted}) AS CHAR) AS low, CAST(MAX(${quoted}) AS CHAR) AS high FROM ${quoteIdentifier(schema)}.${quoteIdentifier(table)}`, params: [] },
    'reading the key range',
  );
  if (bounds?.low === null || bounds?.low === undefined || bounds.high === null) return whole;
  const min = BigInt(bounds.low);
  const max = BigInt(bounds.high);
  const span = max - min + 1n;
  const count = BigInt(wanted) > span ? span : BigInt(wanted);
  const cuts: bigint[] = [];
  for (let i = 1n; i < count; i++) cuts.push(min + (span * i) / count);
  const splits: StringMap[] = [];
  for (let i = 0; i <= cuts.length; i++) {
    const low = i === 0 ? undefined : cuts[i - 1];
    const high = cuts[i];
    splits.push({ [KIND]: 'range', [KEY]: key.column.name, ...(low === undefined ? {} : { [LOW]: String(low) }), ...(high === undefined ? {} : { [HIGH]: String(high) }) });
  }
  if (key.nullable) splits.push({ [KIND]: 'null', [KEY]: key.column.name });
  return splits;
}

const INTEGER_TEXT = /^-?\d{1,20}$/;

/**
 * The WHERE conjuncts a split adds, checked against the table's columns: a forged or stale split
 * can name only an existing integer column and integer bounds.
 *
 * @throws {ConnectorError} `InvalidInput` for properties this connector did not issue.
 */
export function splitPredicates(split: StringMap, columns: readonly MappedColumn[]): Predicate[] {
  const kind = split[KIND];
  if (kind === 'all') return [];
  const invalid = () => new ConnectorError('InvalidInput', 'The split properties were not issued by this connector for this table');
  const keyName = split[KEY];
  const column = columns.find((c) => c.name === keyName);
  if (column === undefined || column.kind !== 'integer') throw invalid();
  const quoted = quoteIdentifier(column.name);
  if (kind === 'null') return [{ sql: `${quoted} IS NULL`, params: [], exact: true }];
  if (kind !== 'range') throw invalid();
  const parts: string[] = [];
  const params: SqlParam[] = [];
  const low = split[LOW];
  const high = split[HIGH];
  if (low !== undefined) {
    if (!INTEGER_TEXT.test(low)) throw invalid();
    parts.push(`${quoted} >= CAST(? AS SIGNED)`);
    params.push(low);
  }
  if (high !== undefined) {
    if (!INTEGER_TEXT.test(high)) throw invalid();
    parts.push(`${quoted} < CAST(? AS SIGNED)`);
    params.push(high);
  }
  // A range with neither end still excludes NULL keys, which the 'null' split reads.
  if (parts.length === 0) parts.push(`${quoted} IS NOT NULL`);
  return [{ sql: parts.join(' AND '), params, exact: true }];
}

/** An integer interval; undefined ends are unbounded. `high` is inclusive here. */
interface KeyInterval {
  readonly low: bigint | undefined;
  readonly high: bigint | undefined;
}

function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}

/**
 * The key intervals a value set allows (and whether NULL passes), or undefined when they cannot be
 * read exactly as integers, in which case nothing is pruned.
 */
function keyIntervals(set: ValueSet): { intervals: KeyInterval[]; nullAllowed: boolean } | undefined {
  switch (set['@type']) {
    case 'AllOrNoneValueSet':
      return { intervals: set.all ? [{ low: undefined, high: undefined }] : [], nullAllowed: set.nullAllowed };
    case 'EquatableValueSet': {
      if (!set.whiteList) return undefined;
      const vector = set.valueBlock.records.getChild('col1');
      if (vector === null) return undefined;
      const intervals: KeyInterval[] = [];
      for (let i = 0; i < vector.length; i++) {
        const raw = readValue(vector, i);
        if (raw === null) continue;
        const value = integerOf(raw);
        if (value === undefined) return undefined;
        intervals.push({ low: value, high: value });
      }
      return { intervals, nullAllowed: set.nullAllowed };
    }
    case 'SortedRangeSet': {
      const intervals: KeyInterval[] = [];
      for (const range of normalizeRanges(set).ranges) {
        const end = (marker: typeof range.low, step: bigint): bigint | undefined | null => {
          if (marker.nullValue) return undefined;
          const vector = marker.valueBlock.records.getChild('col1');
          const value = vector === null || vector.length === 0 ? undefined : integerOf(readValue(vector, 0));
          if (value === undefined) return null;
          return marker.bound === 'EXACTLY' ? value : value + step;
        };
        const low = end(range.low, 1n);
        const high = end(range.high, -1n);
        if (low === null || high === null) return undefined;
        intervals.push({ low, high });
      }
      return { intervals, nullAllowed: set.nullAllowed };
    }
  }
}

/**
 * Drops splits the key's constraint excludes: a range split survives when one allowed interval
 * overlaps `[low, high)`, the NULL split when NULL is allowed. Anything unreadable keeps every split.
 */
export function pruneSplits(splits: readonly StringMap[], constraints: Readonly<Record<string, ValueSet>>): StringMap[] {
  const keyName = splits[0]?.[KEY];
  const set = keyName === undefined ? undefined : constraints[keyName];
  const allowed = set === undefined ? undefined : keyIntervals(set);
  if (allowed === undefined) return [...splits];
  return splits.filter((split) => {
    if (split[KIND] === 'null') return allowed.nullAllowed;
    if (split[KIND] !== 'range') return true;
    const low = split[LOW] === undefined ? undefined : BigInt(split[LOW]);
    const highExclusive = split[HIGH] === undefined ? undefined : BigInt(split[HIGH]);
    return allowed.intervals.some((i) => (i.high === undefined || low === undefined || i.high >= low) && (i.low === undefined || highExclusive === undefined || i.low < highExclusive));
  });
}
