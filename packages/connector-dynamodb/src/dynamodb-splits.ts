/**
 * How a DynamoDB read is cut into splits: one Query per hash-key value when the partition key is
 * pinned to points (`=`, `IN`, dynamic filters), otherwise a parallel Scan whose segment count
 * follows the table's size and provisioned throughput. Splits travel as flat string maps.
 */
import type { AttributeValue, KeySchemaElement, TableDescription } from '@aws-sdk/client-dynamodb';
import {
  ConnectorError,
  type SplitPage,
  type SplitsInput,
  type StringMap,
  type ValueSet,
} from '@athena-federation/connector-core';
import type { DynamoDbConfig } from './dynamodb-config.js';
import { keyValues, pointValues, type ScalarType } from './dynamodb-expressions.js';
import { parseNumber } from './dynamodb-types.js';

/** A Scan of one parallel segment. */
export interface ScanSplit {
  readonly kind: 'scan';
  readonly table: string;
  readonly segment: number;
  readonly totalSegments: number;
}

/** A Query for one hash-key value of the table or one of its global secondary indexes. */
export interface QuerySplit {
  readonly kind: 'query';
  readonly table: string;
  /** The GSI queried; undefined for the base table. */
  readonly index: string | undefined;
  readonly hashKey: string;
  readonly hashValue: AttributeValue;
  readonly rangeKey: string | undefined;
  readonly rangeType: ScalarType | undefined;
  /** The table's own sort key when an index is queried: left out of filters, as DynamoDB may refuse key attributes there. */
  readonly tableRangeKey?: string | undefined;
}

/** A query-passthrough PartiQL statement, read to its last page. */
export interface PartiqlSplit {
  readonly kind: 'partiql';
  readonly statement: string;
}

/** What a split reads. */
export type DynamoDbSplit = ScanSplit | QuerySplit | PartiqlSplit;

/** The table's key attributes and their DynamoDB types. */
export interface KeySchema {
  readonly hashKey: string;
  readonly hashType: ScalarType;
  readonly rangeKey: string | undefined;
  readonly rangeType: ScalarType | undefined;
}

function keysOf(
  description: TableDescription,
  elements: readonly KeySchemaElement[] | undefined,
): KeySchema | undefined {
  const typeOf = (name: string | undefined): ScalarType | undefined => {
    const type = description.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
    return type === 'S' || type === 'N' || type === 'B' ? type : undefined;
  };
  const hash = elements?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = elements?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  const hashType = typeOf(hash);
  return hash === undefined || hashType === undefined
    ? undefined
    : { hashKey: hash, hashType, rangeKey: range, rangeType: typeOf(range) };
}

/** Reads the key schema from DescribeTable. */
export function keySchemaOf(description: TableDescription): KeySchema {
  return (
    keysOf(description, description.KeySchema) ??
    fail(`DynamoDB table ${description.TableName ?? ''} has no readable hash key in DescribeTable`)
  );
}

function fail(message: string): never {
  throw new ConnectorError('Internal', message);
}

/** A global secondary index a Query may use instead of a Scan. */
export interface IndexKeys extends KeySchema {
  readonly indexName: string;
  /** Projection ALL: every attribute is in the index. */
  readonly projectsAll: boolean;
  /** Non-key attributes an INCLUDE projection adds. */
  readonly included: readonly string[];
}

/** The table's ACTIVE global secondary indexes. LSIs share the table's hash key, so they never turn a Scan into a Query. */
export function globalIndexesOf(description: TableDescription): IndexKeys[] {
  const indexes: IndexKeys[] = [];
  for (const gsi of description.GlobalSecondaryIndexes ?? []) {
    if (gsi.IndexName === undefined || (gsi.IndexStatus !== undefined && gsi.IndexStatus !== 'ACTIVE')) continue;
    const keys = keysOf(description, gsi.KeySchema);
    if (keys === undefined) continue;
    indexes.push({
      ...keys,
      indexName: gsi.IndexName,
      projectsAll: gsi.Projection?.ProjectionType === 'ALL',
      included: gsi.Projection?.NonKeyAttributes ?? [],
    });
  }
  return indexes;
}

/**
 * The table's local secondary indexes (same hash key, another sort key). Unlike Java, which
 * treats every LSI as holding all attributes, their projection is kept: an LSI is used only when
 * it covers the columns, so filters and projections never depend on fetches from the table.
 */
export function localIndexesOf(description: TableDescription): IndexKeys[] {
  const indexes: IndexKeys[] = [];
  for (const lsi of description.LocalSecondaryIndexes ?? []) {
    const keys = lsi.IndexName === undefined ? undefined : keysOf(description, lsi.KeySchema);
    if (keys === undefined || lsi.IndexName === undefined || keys.rangeKey === undefined) continue;
    indexes.push({
      ...keys,
      indexName: lsi.IndexName,
      projectsAll: lsi.Projection?.ProjectionType === 'ALL',
      included: lsi.Projection?.NonKeyAttributes ?? [],
    });
  }
  return indexes;
}

/** LSIs whose sort key is constrained without NULL (the only ones planSplits may pick). */
export function constrainedLocalIndexes(
  indexes: readonly IndexKeys[],
  summary: Readonly<Record<string, ValueSet>>,
): IndexKeys[] {
  return indexes.filter((index) => {
    const set = index.rangeKey === undefined ? undefined : constraintFor(summary, index.rangeKey);
    return set !== undefined && !set.nullAllowed;
  });
}

/** Whether `index` holds every one of `columns` (index keys, table keys and INCLUDE attributes, or ALL). */
export function indexCovers(index: IndexKeys, table: KeySchema, columns: readonly string[]): boolean {
  if (index.projectsAll) return true;
  const held = new Set(
    [index.hashKey, index.rangeKey, table.hashKey, table.rangeKey, ...index.included].filter(
      (n): n is string => n !== undefined,
    ),
  );
  return columns.every((c) => held.has(c));
}

/** Bytes one Scan segment should cover: a Lambda reads this in seconds, so big on-demand tables still fan out. */
export const BYTES_PER_SEGMENT = 64 * 1024 * 1024;
/** Java's rule: one segment per 100 provisioned RCUs. */
export const RCU_PER_SEGMENT = 100;

/**
 * Parallel Scan segments for a table: the larger of its size / {@link BYTES_PER_SEGMENT} and its
 * provisioned RCUs / {@link RCU_PER_SEGMENT}, within `min_scan_segments`..`max_scan_segments`.
 * Unlike Java, an on-demand table (0 RCU) under 1 GiB still gets `min_scan_segments`, and
 * DescribeTable's size (refreshed only every few hours) is never the only signal.
 */
export function scanSegmentCount(
  description: TableDescription,
  config: Pick<DynamoDbConfig, 'minScanSegments' | 'maxScanSegments'>,
): number {
  const bySize = Math.ceil((description.TableSizeBytes ?? 0) / BYTES_PER_SEGMENT);
  const onDemand = description.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
  const byThroughput = onDemand
    ? 0
    : Math.ceil((description.ProvisionedThroughput?.ReadCapacityUnits ?? 0) / RCU_PER_SEGMENT);
  return Math.min(config.maxScanSegments, Math.max(config.minScanSegments, bySize, byThroughput));
}

/** The summary's value set for `attribute`, matched exactly or case-insensitively (Athena lower-cases names). */
export function constraintFor(summary: Readonly<Record<string, ValueSet>>, attribute: string): ValueSet | undefined {
  const exact = summary[attribute];
  if (exact !== undefined) return exact;
  const lower = attribute.toLowerCase();
  const key = Object.keys(summary).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : summary[key];
}

/** DynamoDB's longest partition key value, in bytes. */
export const MAX_HASH_KEY_BYTES = 2048;

/**
 * Whether an item can have `value` as its partition key: 1 to 2048 bytes. Any other value matches
 * no item, and a Query for it is refused by DynamoDB, so it gets no split.
 */
export function isStorableHashValue(value: AttributeValue): boolean {
  const bytes = value.S !== undefined ? Buffer.byteLength(value.S, 'utf8') : value.B !== undefined ? value.B.length : 1;
  return bytes > 0 && bytes <= MAX_HASH_KEY_BYTES;
}

/**
 * The splits of a read, in a stable order: Query splits when the hash key is constrained to points,
 * else `totalSegments` Scan splits. Returned as a count plus an accessor so a million segments cost
 * nothing until paged.
 */
export function planSplits(
  table: string,
  keys: KeySchema,
  summary: Readonly<Record<string, ValueSet>>,
  totalSegments: number,
  indexes: readonly IndexKeys[] = [],
  localIndexes: readonly IndexKeys[] = [],
): { readonly count: number; at(index: number): DynamoDbSplit } {
  // Indexes are sparse (items without the index keys are absent), so an index serves only
  // constraints that also exclude NULL; the table's own hash key is never NULL.
  const pointsOf = (k: KeySchema, sparse: boolean) => {
    const set = constraintFor(summary, k.hashKey);
    return set === undefined || (sparse && set.nullAllowed) ? undefined : pointValues(set);
  };
  const constrainedRange = (k: KeySchema) => {
    const set = k.rangeKey === undefined ? undefined : constraintFor(summary, k.rangeKey);
    return set !== undefined && !set.nullAllowed;
  };
  // Java's preference: the base table (through an LSI when only the LSI's sort key is constrained),
  // then an index whose hash and range keys are both constrained, then any index.
  const base = pointsOf(keys, false);
  const local = base === undefined || constrainedRange(keys) ? undefined : localIndexes.find(constrainedRange);
  const target: { keys: KeySchema; index: string | undefined; points: unknown[] } | undefined =
    base !== undefined
      ? { keys: local ?? keys, index: local?.indexName, points: base }
      : [...indexes]
          .sort((a, b) => Number(constrainedRange(b)) - Number(constrainedRange(a)))
          .map((index) => ({ keys: index as KeySchema, index: index.indexName, points: pointsOf(index, true) }))
          .find((c): c is { keys: KeySchema; index: string; points: unknown[] } => c.points !== undefined);
  if (target !== undefined) {
    const values = keyValues(target.points, target.keys.hashType).filter(isStorableHashValue);
    const k = target.keys;
    const tableRangeKey = target.index === undefined ? undefined : keys.rangeKey;
    return {
      count: values.length,
      at: (i) => ({
        kind: 'query',
        table,
        index: target.index,
        hashKey: k.hashKey,
        hashValue: values[i] ?? { NULL: true },
        rangeKey: k.rangeKey,
        rangeType: k.rangeType,
        tableRangeKey,
      }),
    };
  }
  return { count: totalSegments, at: (i) => ({ kind: 'scan', table, segment: i, totalSegments }) };
}

/** A resolved table, as planning and the split checks need it: its real name, DescribeTable answer and keys. */
export interface SplitTable {
  readonly name: string;
  readonly description: TableDescription;
  readonly keys: KeySchema;
}

/** Splits per GetSplits page. */
const SPLITS_PER_PAGE = 1000;

/**
 * Core calls this (through GetSplits) for a table read: one page of splits (the continuation
 * token is the offset into the plan).
 * `columnsOf` (the table's columns) is called only when a non-ALL index could serve the query:
 * a GSI must hold every column, since GetSplits does not say which are requested.
 */
export async function splitPage(
  table: SplitTable,
  input: SplitsInput,
  config: DynamoDbConfig,
  columnsOf: () => Promise<readonly string[]>,
): Promise<SplitPage> {
  const summary = input.constraints.summary;
  let indexes = constrainedIndexes(globalIndexesOf(table.description), summary);
  let locals = constrainedLocalIndexes(localIndexesOf(table.description), summary);
  if ([...indexes, ...locals].some((index) => !index.projectsAll)) {
    const columns = await columnsOf();
    indexes = indexes.filter((index) => indexCovers(index, table.keys, columns));
    locals = locals.filter((index) => indexCovers(index, table.keys, columns));
  }
  const plan = planSplits(
    table.name,
    table.keys,
    summary,
    scanSegmentCount(table.description, config),
    indexes,
    locals,
  );
  const offset = input.continuationToken === null ? 0 : Number(input.continuationToken);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > plan.count)
    throw new ConnectorError('InvalidInput', 'GetSplits continuationToken is not one this connector issued');
  const end = Math.min(plan.count, offset + SPLITS_PER_PAGE);
  // The capacity cap is shared evenly, assuming Athena runs every split at once (it may run fewer: then less is used).
  const share = config.maxReadCapacityUnits > 0 ? { rcuShare: String(config.maxReadCapacityUnits / plan.count) } : {};
  const splits = Array.from({ length: end - offset }, (_, i) => ({ ...encodeSplit(plan.at(offset + i)), ...share }));
  return { splits, continuationToken: end < plan.count ? String(end) : null };
}

/** Whether any index's hash key is pinned to points (so the covering check is worth a schema lookup). */
export function constrainedIndexes(
  indexes: readonly IndexKeys[],
  summary: Readonly<Record<string, ValueSet>>,
): IndexKeys[] {
  return indexes.filter((index) => {
    const set = constraintFor(summary, index.hashKey);
    return set !== undefined && !set.nullAllowed && pointValues(set) !== undefined;
  });
}

function encodeAttribute(value: AttributeValue): string {
  if (value.B !== undefined) return JSON.stringify({ B: Buffer.from(value.B).toString('base64') });
  return JSON.stringify(value);
}

/** A key value as its split property holds it: exactly one of S, N (number text) or B (base64). */
function decodeAttribute(text: string): AttributeValue | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const entries = Object.entries(parsed);
  const [tag, value] = entries[0] ?? [];
  if (entries.length !== 1 || typeof value !== 'string') return undefined;
  if (tag === 'S') return { S: value };
  if (tag === 'N') return parseNumber(value) === undefined ? undefined : { N: value };
  if (tag === 'B') return /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? { B: Buffer.from(value, 'base64') } : undefined;
  return undefined;
}

/** A split as the string map Athena carries back to ReadRecords. */
export function encodeSplit(split: DynamoDbSplit): StringMap {
  if (split.kind === 'partiql') return { kind: 'partiql', statement: split.statement };
  if (split.kind === 'scan')
    return {
      kind: 'scan',
      table: split.table,
      segment: String(split.segment),
      totalSegments: String(split.totalSegments),
    };
  return {
    kind: 'query',
    table: split.table,
    ...(split.index === undefined ? {} : { index: split.index }),
    hashKey: split.hashKey,
    hashValue: encodeAttribute(split.hashValue),
    ...(split.rangeKey === undefined ? {} : { rangeKey: split.rangeKey }),
    ...(split.rangeType === undefined ? {} : { rangeType: split.rangeType }),
    ...(split.tableRangeKey === undefined ? {} : { tableRangeKey: split.tableRangeKey }),
  };
}

/** Every property a split of each kind may have (`rcuShare` is added by GetSplits, checked at ReadRecords). */
const SPLIT_PROPERTIES: Readonly<Record<DynamoDbSplit['kind'], ReadonlySet<string>>> = {
  partiql: new Set(['kind', 'statement']),
  scan: new Set(['kind', 'table', 'segment', 'totalSegments', 'rcuShare']),
  query: new Set([
    'kind',
    'table',
    'index',
    'hashKey',
    'hashValue',
    'rangeKey',
    'rangeType',
    'tableRangeKey',
    'rcuShare',
  ]),
};

/** A non-negative integer written as this connector writes one (no sign, exponent, spaces or leading zeros). */
function segmentNumber(text: string | undefined): number {
  return text !== undefined && /^(?:0|[1-9]\d{0,15})$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Reads a split back; anything malformed is InvalidInput (it did not come from this connector).
 * Only the shape is checked here; whether it fits the request is `dynamodb-split-checks.ts`'s job
 * (`dynamodb-passthrough.ts`'s for a PartiQL split).
 */
export function decodeSplit(properties: StringMap): DynamoDbSplit {
  const bad = (what: string): never => {
    throw new ConnectorError('InvalidInput', `Split is not one this connector made: ${what}`);
  };
  // Own properties only: a split named `__proto__` or `constructor` must not reach Object.prototype.
  const get = (name: string): string | undefined => (Object.hasOwn(properties, name) ? properties[name] : undefined);
  const kind = get('kind');
  if (kind !== 'partiql' && kind !== 'scan' && kind !== 'query')
    return bad(`unknown kind ${JSON.stringify(kind ?? '')}`);
  const unknown = Object.keys(properties).find((name) => !SPLIT_PROPERTIES[kind].has(name));
  if (unknown !== undefined) bad(`a ${kind} split has no property ${JSON.stringify(unknown.slice(0, 64))}`);
  if (kind === 'partiql') return { kind, statement: get('statement') ?? bad('no statement') };
  const table = get('table') ?? bad('no table');
  if (kind === 'scan') {
    const segment = segmentNumber(get('segment'));
    const totalSegments = segmentNumber(get('totalSegments'));
    if (!(segment >= 0 && segment < totalSegments)) bad('segment out of range');
    return { kind, table, segment, totalSegments };
  }
  const hashKey = get('hashKey') ?? bad('no hashKey');
  const hashValue = decodeAttribute(get('hashValue') ?? '') ?? bad('hashValue is not a DynamoDB S, N or B value');
  const rangeText = get('rangeType');
  const rangeType =
    rangeText === undefined
      ? undefined
      : rangeText === 'S' || rangeText === 'N' || rangeText === 'B'
        ? rangeText
        : bad('rangeType is not S, N or B');
  return {
    kind,
    table,
    index: get('index'),
    hashKey,
    hashValue,
    rangeKey: get('rangeKey'),
    rangeType,
    tableRangeKey: get('tableRangeKey'),
  };
}
