/**
 * Test and benchmark support: spill services that hand each spilled block to `onBlock` and keep
 * only made-up locations, so a read through the Lambda handler spills as it would to S3 without
 * S3 (spill encryption and uploads are core's own tests and benchmark).
 */
import { randomUUID } from 'node:crypto';
import type { S3SpillLocation, SpillServices } from '@athena-federation/connector-core';
import type { RecordBatch } from 'apache-arrow';

const location = (directory: boolean): S3SpillLocation => ({
  '@type': 'S3SpillLocation',
  bucket: 'memory-spill',
  key: `spill/${randomUUID()}`,
  directory,
});

/** Spill services calling `onBlock` for every spilled block. */
export function memorySpillServices(onBlock: (batch: RecordBatch) => void): SpillServices {
  return {
    async prepareSplits() {
      return { directory: () => location(true), key: async () => null };
    },
    createSpiller() {
      const locations: S3SpillLocation[] = [];
      return {
        async spill(batch) {
          onBlock(batch);
          locations.push(location(false));
        },
        async finish() {
          return locations;
        },
        async abort() {},
      };
    },
  };
}
