// The block writer's public surface; everything else in this folder is internal to it.

export { RecordBatchWriter, buildRecordBatch, type Row } from './record-batch-writer.js';
export { ValueCoercionError, type ValueCoercionDetails } from './value-coercion-error.js';
