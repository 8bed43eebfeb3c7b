/**
 * The check behind issue #14, shared by every connector's test: at Athena's block sizes a split just
 * under `maxInlineBlockSize` of raw Arrow is about a third larger once base64 and JSON wrap it, too
 * large for Lambda to return — so it must come back spilled, within the limit, with every row.
 */
import { expect } from 'vitest';
import { readValue } from '../arrow/block-reader.js';
import { ATHENA_BLOCK_SIZES, type EngineDriver, type ScanResult } from '../engine/engine-driver.js';
import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../handler/lambda-limits.js';

/** Java's `Block.getSize()` of a scan: the Arrow buffer bytes of every batch. */
function rawBytes(result: ScanResult): number {
  return result.table.batches.reduce(
    (sum, batch) => sum + batch.data.children.reduce((n, child) => n + child.byteLength, 0),
    0,
  );
}

/**
 * Asserts that `result`, one split scanned by `driver` at {@link ATHENA_BLOCK_SIZES}, is the case of
 * the issue — under `maxInlineBlockSize` raw, so Java's raw rule alone would answer it inline, yet
 * over Lambda's response limit in base64 — and that the handler answered it within the limit, by
 * spilling. Returns column `value` keyed by the text of column `key`, to compare with the source.
 */
export function expectSpilledWithinLambdaLimit(
  driver: EngineDriver,
  result: ScanResult,
  key: string,
  value: string,
): Map<string, unknown> {
  expect(result.splits, 'splits').toBe(1);
  const raw = rawBytes(result);
  expect(raw, 'raw Arrow bytes').toBeLessThan(ATHENA_BLOCK_SIZES.maxInlineBlockSize);
  expect((raw * 4) / 3, 'raw Arrow bytes in base64').toBeGreaterThan(LAMBDA_RESPONSE_LIMIT_BYTES);
  const reads = driver.trace.filter((t) => t.requestType === 'ReadRecordsRequest');
  expect(reads.map((t) => t.responseType)).toEqual(['RemoteReadRecordsResponse']);
  expect(reads[0]?.responseBytes).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT_BYTES);
  expect(result.spilledObjects).toBeGreaterThan(0);
  const values = new Map<string, unknown>();
  for (const batch of result.table.batches) {
    const keys = batch.getChild(key);
    const column = batch.getChild(value);
    if (keys === null || column === null) throw new Error(`The answer lacks column ${keys === null ? key : value}`);
    for (let row = 0; row < batch.numRows; row++) values.set(String(readValue(keys, row)), readValue(column, row));
  }
  return values;
}
