/**
 * One "Lambda" for the parallel-splits benchmark: a worker thread with its own connector and pool
 * that reads the splits it is sent, as Athena runs each split in its own Lambda invocation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Split } from '@athena-federation/connector-core';
import { createProtocolReader } from './protocol-reader.js';

const reader = createProtocolReader((workerData as { targetRowsPerSplit: number }).targetRowsPerSplit);
parentPort?.on('message', (message: { split: Split } | 'close') => {
  if (message === 'close') {
    void reader.close().then(() => process.exit(0));
    return;
  }
  reader.read(message.split).then(
    (rows) => parentPort?.postMessage({ rows }),
    (error: unknown) => parentPort?.postMessage({ error: String(error) }),
  );
});
