/**
 * Building Blocks: the wire's `{aId, schema, records}` around a batch, and the one-column `col1`
 * blocks that markers, value sets and constants carry. One place, so every writer of constraints
 * (engines, tests, local-athena) builds them the same way.
 */
import { type Field, type RecordBatch, Schema } from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import type { Block } from '../protocol/types.js';
import { buildRecordBatch } from './block-writer/index.js';

/** A Block around `batch`, with a fresh allocator id as Java writes one per invocation. */
export function blockOf(batch: RecordBatch): Block {
  return { aId: randomUUID(), schema: batch.schema, records: batch };
}

/**
 * A value block: one nullable column `col1` of `field`'s type holding `values` (zero rows for an
 * unbounded marker). Throws `ValueCoercionError` when a value does not fit the type exactly.
 */
export function makeValueBlock(field: Field, values: readonly unknown[]): Block {
  const schema = new Schema([field.clone({ name: 'col1', nullable: true })]);
  return blockOf(
    buildRecordBatch(
      schema,
      values.map((v) => [v]),
    ),
  );
}
