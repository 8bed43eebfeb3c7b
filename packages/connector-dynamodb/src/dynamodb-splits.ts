/**
 * How a DynamoDB read is cut into splits: one Query per hash-key value when the partition key is
 * pinned to points (`=`, `IN`, dynamic filters), otherwise a parallel Scan whose segment count
 * follows the table's size and provisioned throughput. Splits travel as flat string maps.
 */
import type { AttributeValue, KeySchemaElement, TableDescription } from '@aws-sdk/client-dynamodb';
import { ConnectorError, type StringMap, type ValueSet } from '@athena-federation/connector-core';
import type { DynamoDbConfig } from './dynamodb-config.js';
import { keyValues, pointValues, type ScalarType } from './dynamodb-expressions.js';

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

function keysOf(description: TableDescription, elements: readonly KeySchemaElement[] | undefined): KeySchema | undefined {
  const typeOf = (name: string | undefined): ScalarType | undefined => {
    const type = description.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
    return type === 'S' || type === 'N' || type === 'B' ? type : undefined;
  };
  const hash = elements?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = elements?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  const hashType = typeOf(hash);
  return hash === undefined || hashType === undefined ? undefined : { hashKey: hash, hashType, rangeKey: range, rangeType: typeOf(range) };
}

/** Reads the key schema from DescribeTable. */
export function keySchemaOf(description: TableDescription): KeySchema {
  return keysOf(description, description.KeySchema) ?? fail(`DynamoDB table ${description.TableName ?? ''} has no readable hash key in DescribeTable`);
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
    indexes.push({ ...keys, indexName: gsi.IndexName, projectsAll: gsi.Projection?.ProjectionType === 'ALL', included: gsi.Projection?.NonKeyAttributes ?? [] });
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
    indexes.push({ ...keys, indexName: lsi.IndexName, projectsAll: lsi.Projection?.ProjectionType === 'ALL', included: lsi.Projection?.NonKeyAttributes ?? [] });
  }
  return indexes;
}

/** LSIs whose sort key is constrained without NULL (the only ones planSplits may pick). */
export function constrainedLocalIndexes(indexes: readonly IndexKeys[], summary: Readonly<Record<string, ValueSet>>): IndexKeys[] {
  return indexes.filter((index) => {
    const set = index.rangeKey === undefined ? undefined : constraintFor(summary, index.rangeKey);
    return set !== undefined && !set.nullAllowed;
  });
}

/** Whether `index` holds every one of `columns` (index keys, table keys and INCLUDE attributes, or ALL). */
export function indexCovers(index: IndexKeys, table: KeySchema, columns: readonly string[]): boolean {
  if (index.projectsAll) return true;
  const held = new Set([index.hashKey, index.rangeKey, table.hashKey, table.rangeKey, ...index.included].filter((n): n is string => n !== undefined));
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
export function scanSegmentCount(description: TableDescription, config: Pick<DynamoDbConfig, 'minScanSegments' | 'maxScanSegments'>): number {
  const bySize = Math.ceil((description.TableSizeBytes ?? 0) / BYTES_PER_SEGMENT);
  const onDemand = description.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
  const byThroughput = onDemand ? 0 : Math.ceil((description.ProvisionedThroughput?.ReadCapacityUnits ?? 0) / RCU_PER_SEGMENT);
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
    const values = keyValues(target.points, target.keys.hashType);
    const k = target.keys;
    const tableRangeKey = target.index === undefined ? undefined : keys.rangeKey;
    return { count: values.length, at: (i) => ({ kind: 'query', table, index: target.index, hashKey: k.hashKey, hashValue: values[i] ?? { NULL: true }, rangeKey: k.rangeKey, rangeType: k.rangeType, tableRangeKey }) };
  }
  return { count: totalSegments, at: (i) => ({ kind: 'scan', table, segment: i, totalSegments }) };
}

/** Whether any index's hash key is pinned to points (so the covering check is worth a schema lookup). */
export function constrainedIndexes(indexes: readonly IndexKeys[], summary: Readonly<Record<string, ValueSet>>): IndexKeys[] {
  return indexes.filter((index) => {
    const set = constraintFor(summary, index.hashKey);
    return set !== undefined && !set.nullAllowed && pointValues(set) !== undefined;
  });
}

function encodeAttribute(value: AttributeValue): string {
  if (value.B !== undefined) return JSON.stringify({ B: Buffer.from(value.B).toString('base64') });
  return JSON.stringify(value);
}

function decodeAttribute(text: string): AttributeValue | undefined {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (typeof parsed['S'] === 'string') return { S: parsed['S'] };
  if (typeof parsed['N'] === 'string') return { N: parsed['N'] };
  if (typeof parsed['B'] === 'string') return { B: Buffer.from(parsed['B'], 'base64') };
  return undefined;
}

/** A split as the string map Athena carries back to ReadRecords. */
export function encodeSplit(split: DynamoDbSplit): StringMap {
  if (split.kind === 'partiql') return { kind: 'partiql', statement: split.statement };
  if (split.kind === 'scan') return { kind: 'scan', table: split.table, segment: String(split.segment), totalSegments: String(split.totalSegments) };
  return { kind: 'query', table: split.table, ...(split.index === undefined ? {} : { index: split.index }), hashKey: split.hashKey, hashValue: encodeAttribute(split.hashValue), ...(split.rangeKey === undefined ? {} : { rangeKey: split.rangeKey }), ...(split.rangeType === undefined ? {} : { rangeType: split.rangeType }), ...(split.tableRangeKey === undefined ? {} : { tableRangeKey: split.tableRangeKey }) };
}

/** Reads a split back; anything malformed is InvalidInput (it did not come from this connector). */
export function decodeSplit(properties: StringMap): DynamoDbSplit {
  const bad = (what: string): never => {
    throw new ConnectorError('InvalidInput', `Split is not one this connector made: ${what}`);
  };
  if (properties['kind'] === 'partiql') return { kind: 'partiql', statement: properties['statement'] ?? bad('no statement') };
  const table = properties['table'] ?? bad('no table');
  if (properties['kind'] === 'scan') {
    const segment = Number(properties['segment']);
    const totalSegments = Number(properties['totalSegments']);
    if (!Number.isSafeInteger(segment) || !Number.isSafeInteger(totalSegments) || segment < 0 || segment >= totalSegments) bad('segment out of range');
    return { kind: 'scan', table, segment, totalSegments };
  }
  if (properties['kind'] === 'query') {
    const hashKey = properties['hashKey'] ?? bad('no hashKey');
    let hashValue: AttributeValue | undefined;
    try {
      hashValue = decodeAttribute(properties['hashValue'] ?? '');
    } catch {
      hashValue = undefined;
    }
    const rangeText = properties['rangeType'];
    const rangeType = rangeText === undefined ? undefined : rangeText === 'S' || rangeText === 'N' || rangeText === 'B' ? rangeText : bad('rangeType is not S, N or B');
    return { kind: 'query', table, index: properties['index'], hashKey, hashValue: hashValue ?? bad('hashValue is not a DynamoDB S, N or B value'), rangeKey: properties['rangeKey'], rangeType, tableRangeKey: properties['tableRangeKey'] };
  }
  return bad(`unknown kind ${JSON.stringify(properties['kind'] ?? '')}`);
}
