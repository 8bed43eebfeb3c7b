/**
 * Test support: builds wire ValueSets (SortedRangeSet, EquatableValueSet) the way Athena sends
 * them, with values in one-column `col1` Arrow blocks.
 */
import { arrowTypeToJson, buildRecordBatch } from '@athena-federation/connector-core';
import type { Block, Marker, ValueSet } from '@athena-federation/connector-core';
import { Field, Schema, type DataType } from 'apache-arrow';

function block(type: DataType, values: readonly unknown[]): Block {
  const schema = new Schema([new Field('col1', type, true)]);
  return {
    aId: 'test',
    schema,
    records: buildRecordBatch(
      schema,
      values.map((v) => [v]),
    ),
  };
}

function marker(type: DataType, value: unknown, bound: Marker['bound']): Marker {
  return value === undefined
    ? { valueBlock: block(type, []), bound, nullValue: true }
    : { valueBlock: block(type, [value]), bound, nullValue: false };
}

/** `IN (values)` as an EquatableValueSet white list. */
export function inList(type: DataType, values: readonly unknown[], nullAllowed = false): ValueSet {
  return { '@type': 'EquatableValueSet', valueBlock: block(type, values), whiteList: true, nullAllowed };
}

/** One range per entry; `undefined` ends are unbounded; `inclusive` per end. */
export function ranges(
  type: DataType,
  list: readonly { low?: unknown; high?: unknown; lowInclusive?: boolean; highInclusive?: boolean }[],
  nullAllowed = false,
): ValueSet {
  return {
    '@type': 'SortedRangeSet',
    type: arrowTypeToJson(type),
    ranges: list.map((r) => ({
      low:
        r.low === undefined
          ? marker(type, undefined, 'ABOVE')
          : marker(type, r.low, r.lowInclusive === false ? 'ABOVE' : 'EXACTLY'),
      high:
        r.high === undefined
          ? marker(type, undefined, 'BELOW')
          : marker(type, r.high, r.highInclusive === false ? 'BELOW' : 'EXACTLY'),
    })),
    nullAllowed,
  };
}

/** `value = v` as a single point range. */
export function equals(type: DataType, value: unknown): ValueSet {
  return ranges(type, [{ low: value, high: value }]);
}
