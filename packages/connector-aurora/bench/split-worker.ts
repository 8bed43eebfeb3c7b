/**
 * One "Lambda" for the parallel-splits benchmark: a worker thread with its own connector and pool
 * that reads the splits it is sent, as Athena runs each split in its own Lambda invocation. Sent a
 * statement instead, it reads it with raw mysql2: the reference for what parallel reads gain here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Split } from '@athena-federation/connector-core';
import { type ProtocolSource, createProtocolReader } from './protocol-reader.js';
import { rawRead } from './raw-read.js';

const { targetRowsPerSplit, source } = workerData as { targetRowsPerSplit: number; source?: ProtocolSource };
const reader = createProtocolReader(targetRowsPerSplit, source);
parentPort?.on('message', (message: { split: Split } | { sql: string } | 'close') => {
  if (message === 'close') {
    void reader.close().then(() => process.exit(0));
    return;
  }
  ('sql' in message ? rawRead('binary', message.sql) : reader.read(message.split)).then(
    (rows) => parentPort?.postMessage({ rows }),
    (error: unknown) => parentPort?.postMessage({ error: String(error) }),
  );
});
