/**
 * Reference tables shared by core's tests: deterministic rows of mixed types (nulls included),
 * sized by the caller, optionally partitioned or yielded as Arrow batches.
 */
import {
  Bool,
  DateDay,
  Decimal,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Schema,
  Struct,
  TimeUnit,
  Timestamp,
  Utf8,
} from 'apache-arrow';
import type { ReferenceTable } from '../../src/testing/index.js';

/** Schema of the `mixed` reference tables. */
export const mixedSchema = new Schema([
  new Field('id', new Int64(), false),
  new Field('name', new Utf8(), true),
  new Field('score', new Float64(), true),
  new Field('amount', new Decimal(2, 12, 128), true),
  new Field('day', new DateDay(), true),
  new Field('seen_at', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), true),
  new Field('active', new Bool(), true),
  new Field('region', new Int32(), true),
  new Field('tags', new List(new Field('item', new Utf8(), true)), true),
  new Field('vitals', new Struct([new Field('bpm', new Int32(), true), new Field('note', new Utf8(), true)]), true),
]);

/** Row `i` of the mixed tables: every column null now and then, values spread over their ranges. */
export function mixedRow(i: number): Record<string, unknown> {
  return {
    id: BigInt(i) * 1_000_003n - 7n,
    name: i % 17 === 0 ? null : `patient-${i % 1000}-${'é🩺'.repeat(i % 3)}`,
    score: i % 13 === 0 ? null : (i % 101) / 7 - 5,
    amount: i % 11 === 0 ? null : `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`,
    day: i % 19 === 0 ? null : 18000 + (i % 700),
    seen_at: i % 23 === 0 ? null : 1_700_000_000_000 + i * 1000,
    active: i % 29 === 0 ? null : i % 2 === 0,
    region: i % 31 === 0 ? null : i % 4,
    tags: i % 7 === 0 ? null : Array.from({ length: i % 3 }, (_, k) => `t${k}`),
    vitals: i % 9 === 0 ? null : { bpm: 50 + (i % 60), note: i % 2 === 0 ? null : 'ok' },
  };
}

/** A mixed table of `rowCount` rows. */
export function mixedTable(name: string, rowCount: number, extra: Partial<ReferenceTable> = {}): ReferenceTable {
  return {
    tableName: { schemaName: 'ehr', tableName: name },
    schema: mixedSchema,
    rowCount,
    row: mixedRow,
    splitsPerPartition: 3,
    ...extra,
  };
}
