/**
 * Reads every split of a target's table through one warm handler, as Athena's parallel splits do,
 * and checks each row against the fixture: every id exactly once, every column as the source holds
 * it. Shared by the concurrency test and the memory soak.
 */
import { readValue, type GetTableResponse, type Split } from '@athena-federation/connector-core';
import {
  EngineDriver,
  inProcessTransport,
  makeConstraints,
  type Transport,
} from '@athena-federation/connector-core/testing';
import type { RecordBatch } from 'apache-arrow';
import { checkRows } from './fuzz-check.js';
import { canonical, type Target } from './targets.js';

/** A driver on the target's handler that counts ReadRecords calls in flight. */
export function countingDriver(
  target: Target,
  options: { readonly parallelism?: number; readonly maxBlockSize?: number; readonly maxInlineBlockSize?: number } = {},
) {
  const inner = inProcessTransport(target.handler);
  const flight = { now: 0, peak: 0 };
  const transport: Transport = async (payload) => {
    const isRead = (payload as { '@type'?: unknown })['@type'] === 'ReadRecordsRequest';
    if (isRead) flight.peak = Math.max(flight.peak, ++flight.now);
    try {
      return await inner(payload);
    } finally {
      if (isRead) flight.now--;
    }
  };
  return { driver: new EngineDriver({ transport, catalogName: 'reliability', ...options }), flight };
}

/** The table and its splits, planned once. */
export async function planReads(
  driver: EngineDriver,
  target: Target,
): Promise<{ table: GetTableResponse; splits: Split[] }> {
  await driver.ping();
  const table = await driver.getTable(target.table);
  const constraints = makeConstraints();
  const partitions = await driver.getTableLayout(table, constraints);
  return { table, splits: await driver.getSplits(table, partitions, constraints) };
}

/** Checks batches against the fixture; returns the ids seen, throwing on a wrong value or a duplicate. */
export function checkBatches(batches: readonly RecordBatch[], seen: Set<number>, label: string): void {
  for (const batch of batches) {
    checkRows(batch, label);
    const ids = batch.getChild('id');
    if (ids === null) throw new Error(`${label}: the batch has no id column`);
    for (let i = 0; i < batch.numRows; i++) {
      const id = Number(canonical(readValue(ids, i)));
      if (seen.has(id)) throw new Error(`${label}: row id ${id} was read twice`);
      seen.add(id);
    }
  }
}
