/**
 * @athena-federation/connector-core: the Athena federation wire protocol in TypeScript.
 * Everything public is exported here by name, so this file is the API.
 */
export { decodeRequest, encodeResponse, decodeResponse, encodeRequest, decodeLambdaFunctionError, encodeLambdaFunctionError } from './protocol/codec.js';
export type { DecodedRequest, WireInput } from './protocol/codec.js';
export { ProtocolError } from './protocol/protocol-error.js';
export { OLDEST_SERDE_VERSION, NEWEST_SERDE_VERSION } from './protocol/serde.js';
export { StandardFunctionNames, DataSourceOptimizations, OptimizationSubTypes } from './protocol/types.js';
export type * from './protocol/types.js';
export { zoneKeyOf, zoneIdOf, packTimestampWithZone, unpackTimestampWithZone } from './arrow/time-zone-key.js';
export { encodeSchemaMessage, encodeRecordBatchMessage, decodeSchemaMessage, emptyRecordBatch } from './arrow/ipc.js';
export type { IpcFraming } from './arrow/ipc.js';
export { arrowTypeToJson, arrowTypeFromJson } from './arrow/arrow-type-json.js';
export { RecordBatchWriter, buildRecordBatch, ValueCoercionError } from './arrow/block-writer.js';
export type { Row, ValueCoercionDetails } from './arrow/block-writer.js';
export { readValue, readRows } from './arrow/block-reader.js';
export type { TimestampWithZone } from './arrow/block-reader.js';
export { formatDecimal, toUnscaledDecimal } from './arrow/decimal.js';
