/**
 * ReadRecords re-checks every split. Athena hands back the properties GetSplits made, but anyone
 * allowed to invoke the function can send any properties, so a split is attacker input: it may
 * do no more than a legitimate request of the same caller could. Whatever GetSplits checked —
 * passthrough enabled, a single read-only SELECT, the request's own table, that table's keys and
 * indexes — is checked again here, against the request and the table's DescribeTable answer.
 */
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { ConnectorError } from '@athena-federation/connector-core';
import { MAX_HASH_KEY_BYTES, globalIndexesOf, isStorableHashValue, localIndexesOf, type IndexKeys, type KeySchema, type PartiqlSplit, type QuerySplit, type ScanSplit } from './dynamodb-splits.js';

/** DynamoDB's most Scan segments (`TotalSegments`). */
export const MAX_TOTAL_SEGMENTS = 1_000_000;

function refuse(what: string): never {
  throw new ConnectorError('InvalidInput', `Split is not one this connector made for this request: ${what}`);
}

/**
 * The index where `;` ends the statement outside string literals, quoted identifiers and
 * comments, or -1. DynamoDB runs one statement per call; this keeps a second one out even so.
 */
function statementEnd(statement: string): number {
  for (let i = 0; i < statement.length; i++) {
    const char = statement[i];
    if (char === "'" || char === '"') {
      // A doubled quote inside a literal or identifier is the quote itself.
      for (i++; i < statement.length; i++) if (statement[i] === char && statement[++i] !== char) break;
      i--;
    } else if (char === '-' && statement[i + 1] === '-') {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end;
    } else if (char === '/' && statement[i + 1] === '*') {
      const end = statement.indexOf('*/', i + 2);
      i = end === -1 ? statement.length : end + 1;
    } else if (char === ';') {
      return i;
    }
  }
  return -1;
}

/**
 * The PartiQL statement of passthrough arguments (core's lower-cased ones, or the raw wire ones):
 * one SELECT, which is all DynamoDB PartiQL reads with. A trailing `;` is allowed and left out of
 * what runs, as ExecuteStatement takes a statement, not a script.
 */
export function passthroughStatement(args: Readonly<Record<string, string>>): string {
  // Core has checked the call and keyed its arguments by lower-case name.
  const statement = (Object.hasOwn(args, 'query') ? args['query'] : '')?.trim() ?? '';
  if (!/^select\b/i.test(statement)) throw new ConnectorError('InvalidInput', 'Query passthrough accepts only a PartiQL SELECT statement');
  const end = statementEnd(statement);
  if (end === -1) return statement;
  if (statement.slice(end + 1).trim() !== '') throw new ConnectorError('InvalidInput', 'Query passthrough accepts a single PartiQL SELECT statement');
  return statement.slice(0, end).trimEnd();
}

/**
 * The statement a PartiQL split may run: only where GetSplits would have made the split — a
 * passthrough request (core has refused one when `enable_query_passthrough` is false) — and only the
 * request's own passthrough statement (a single SELECT), which the split must repeat. The checked
 * statement is what runs, never the split's own text.
 */
export function checkPartiqlSplit(split: PartiqlSplit, args: Readonly<Record<string, string>>): string {
  if (Object.keys(args).length === 0) refuse('a PartiQL split needs the request\'s query passthrough arguments');
  const statement = passthroughStatement(args);
  if (passthroughStatement({ query: split.statement }) !== statement) refuse('its PartiQL statement is not the request\'s passthrough statement');
  return statement;
}

/** What a Scan or Query split is checked against: the request's resolved table. */
export interface SplitTable {
  readonly name: string;
  readonly description: TableDescription;
  readonly keys: KeySchema;
}

/** Whether `index` holds every column, names compared case-insensitively (Athena may lower-case them). */
function covers(index: IndexKeys, table: KeySchema, columns: readonly string[]): boolean {
  if (index.projectsAll) return true;
  const held = new Set([index.hashKey, index.rangeKey, table.hashKey, table.rangeKey, ...index.included].filter((n): n is string => n !== undefined).map((n) => n.toLowerCase()));
  return columns.every((c) => held.has(c.toLowerCase()));
}

/**
 * Checks a Scan or Query split against the request's table: the same table, a segment DynamoDB
 * accepts, or for a Query the keys of the table or of one of its indexes (which must hold every
 * column read, as GetSplits requires) and a hash value of the key's type. `columns` are the
 * attributes the read needs (requested columns and LIKE columns).
 */
export function checkTableSplit(split: ScanSplit | QuerySplit, table: SplitTable, columns: readonly string[]): void {
  if (split.table !== table.name) refuse('it names another table than the request');
  if (split.kind === 'scan') {
    if (split.totalSegments > MAX_TOTAL_SEGMENTS) refuse(`totalSegments is above DynamoDB's ${MAX_TOTAL_SEGMENTS}`);
    return;
  }
  let keys: KeySchema = table.keys;
  if (split.index !== undefined) {
    const index = [...globalIndexesOf(table.description), ...localIndexesOf(table.description)].find((i) => i.indexName === split.index);
    if (index === undefined) refuse('it names an index the table does not have');
    if (!covers(index, table.keys, columns)) refuse('its index does not hold every column read');
    keys = index;
  }
  if (split.hashKey !== keys.hashKey) refuse('hashKey is not the key of the table or index queried');
  if (split.rangeKey !== keys.rangeKey || split.rangeType !== keys.rangeType) refuse('rangeKey or rangeType is not the sort key of the table or index queried');
  if (split.tableRangeKey !== (split.index === undefined ? undefined : table.keys.rangeKey)) refuse('tableRangeKey is not the table\'s sort key');
  const value = split.hashValue;
  if ((value.S !== undefined ? 'S' : value.N !== undefined ? 'N' : 'B') !== keys.hashType) refuse('hashValue does not have the type of the hash key');
  if (!isStorableHashValue(value)) refuse(`hashValue is empty or longer than DynamoDB's ${MAX_HASH_KEY_BYTES}-byte keys`);
}

/** `rcuShare`: plain decimal text of a positive number. */
const SHARE_TEXT = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The split's share of `max_read_capacity_units` (0 without a cap). With a cap every split must
 * carry a share no larger than the cap: without one a forged split would read unpaced.
 */
export function capacityShare(text: string | undefined, cap: number): number {
  if (cap <= 0) {
    if (text !== undefined) refuse('rcuShare is set but max_read_capacity_units is not');
    return 0;
  }
  if (text === undefined) refuse('rcuShare is missing although max_read_capacity_units caps reads');
  const share = SHARE_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(share) || share <= 0 || share > cap) refuse('rcuShare is not a positive number within max_read_capacity_units');
  return share;
}
