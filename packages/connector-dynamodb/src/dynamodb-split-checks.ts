/**
 * ReadRecords re-checks every split. Athena hands back the properties GetSplits made, but anyone
 * allowed to invoke the function can send any properties, so a split is attacker input: it may
 * do no more than a legitimate request of the same caller could. Whatever GetSplits checked — the
 * request's own table, that table's keys and indexes — is checked again here, against the request
 * and the table's DescribeTable answer (a PartiQL split's checks are in dynamodb-passthrough.ts).
 */
import { ConnectorError } from '@athena-federation/connector-core';
import {
  MAX_HASH_KEY_BYTES,
  globalIndexesOf,
  isStorableHashValue,
  localIndexesOf,
  type IndexKeys,
  type KeySchema,
  type QuerySplit,
  type ScanSplit,
  type SplitTable,
} from './dynamodb-splits.js';

/** DynamoDB's most Scan segments (`TotalSegments`). */
export const MAX_TOTAL_SEGMENTS = 1_000_000;

/** Refuses a split that does not fit the request, saying `what` does not. */
export function refuseSplit(what: string): never {
  throw new ConnectorError('InvalidInput', `Split is not one this connector made for this request: ${what}`);
}

/** Whether `index` holds every column, names compared case-insensitively (Athena may lower-case them). */
function covers(index: IndexKeys, table: KeySchema, columns: readonly string[]): boolean {
  if (index.projectsAll) return true;
  const held = new Set(
    [index.hashKey, index.rangeKey, table.hashKey, table.rangeKey, ...index.included]
      .filter((n): n is string => n !== undefined)
      .map((n) => n.toLowerCase()),
  );
  return columns.every((c) => held.has(c.toLowerCase()));
}

/**
 * Checks a Scan or Query split against the request's table: the same table, a segment DynamoDB
 * accepts, or for a Query the keys of the table or of one of its indexes (which must hold every
 * column read, as GetSplits requires) and a hash value of the key's type. `columns` are the
 * attributes the read needs (requested columns and LIKE columns).
 */
export function checkTableSplit(split: ScanSplit | QuerySplit, table: SplitTable, columns: readonly string[]): void {
  if (split.table !== table.name) refuseSplit('it names another table than the request');
  if (split.kind === 'scan') {
    if (split.totalSegments > MAX_TOTAL_SEGMENTS)
      refuseSplit(`totalSegments is above DynamoDB's ${MAX_TOTAL_SEGMENTS}`);
    return;
  }
  let keys: KeySchema = table.keys;
  if (split.index !== undefined) {
    const index = [...globalIndexesOf(table.description), ...localIndexesOf(table.description)].find(
      (i) => i.indexName === split.index,
    );
    if (index === undefined) refuseSplit('it names an index the table does not have');
    if (!covers(index, table.keys, columns)) refuseSplit('its index does not hold every column read');
    keys = index;
  }
  if (split.hashKey !== keys.hashKey) refuseSplit('hashKey is not the key of the table or index queried');
  if (split.rangeKey !== keys.rangeKey || split.rangeType !== keys.rangeType)
    refuseSplit('rangeKey or rangeType is not the sort key of the table or index queried');
  if (split.tableRangeKey !== (split.index === undefined ? undefined : table.keys.rangeKey))
    refuseSplit("tableRangeKey is not the table's sort key");
  const value = split.hashValue;
  if ((value.S !== undefined ? 'S' : value.N !== undefined ? 'N' : 'B') !== keys.hashType)
    refuseSplit('hashValue does not have the type of the hash key');
  if (!isStorableHashValue(value))
    refuseSplit(`hashValue is empty or longer than DynamoDB's ${MAX_HASH_KEY_BYTES}-byte keys`);
}

/** `rcuShare`: plain decimal text of a positive number. */
const SHARE_TEXT = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The split's share of `max_read_capacity_units` (0 without a cap). With a cap every split must
 * carry a share no larger than the cap: without one a forged split would read unpaced.
 */
export function capacityShare(text: string | undefined, cap: number): number {
  if (cap <= 0) {
    if (text !== undefined) refuseSplit('rcuShare is set but max_read_capacity_units is not');
    return 0;
  }
  if (text === undefined) refuseSplit('rcuShare is missing although max_read_capacity_units caps reads');
  const share = SHARE_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(share) || share <= 0 || share > cap)
    refuseSplit('rcuShare is not a positive number within max_read_capacity_units');
  return share;
}
