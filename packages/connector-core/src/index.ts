/**
 * @athena-federation/connector-core: the Athena federation wire protocol in TypeScript.
 * Everything public is exported here by name, so this file is the API.
 */
export {
  decodeRequest,
  encodeResponse,
  encodedResponseBytes,
  decodeResponse,
  encodeRequest,
  decodeLambdaFunctionError,
  encodeLambdaFunctionError,
} from './protocol/codec.js';
export type { DecodedRequest, WireInput } from './protocol/codec.js';
export { DocumentTooLargeError, ProtocolError } from './protocol/protocol-error.js';
export { OLDEST_SERDE_VERSION, NEWEST_SERDE_VERSION } from './protocol/serde.js';
export {
  StandardFunctionNames,
  ComparisonOperators,
  DataSourceOptimizations,
  OptimizationSubTypes,
} from './protocol/types.js';
export type * from './protocol/types.js';
export { zoneKeyOf, zoneIdOf, packTimestampWithZone, unpackTimestampWithZone } from './arrow/time-zone-key.js';
export { encodeSchemaMessage, encodeRecordBatchMessage, decodeSchemaMessage, emptyRecordBatch } from './arrow/ipc.js';
export type { IpcFraming } from './arrow/ipc.js';
export { arrowTypeToJson, arrowTypeFromJson } from './arrow/arrow-type-json.js';
export { RecordBatchWriter, buildRecordBatch, ValueCoercionError } from './arrow/block-writer/index.js';
export type { Row, ValueCoercionDetails } from './arrow/block-writer/index.js';
export { readValue, readRows } from './arrow/block-reader.js';
export type { TimestampWithZone } from './arrow/block-reader.js';
export { formatDecimal, toUnscaledDecimal } from './arrow/decimal.js';
export {
  MILLIS_PER_DAY,
  daysFromCivil,
  daysInMonth,
  isCalendarDate,
  isLeapYear,
  parseIsoDateTime,
} from './arrow/calendar.js';
export type { IsoDateTime } from './arrow/calendar.js';
export type {
  Connector,
  ConnectorContext,
  TableDefinition,
  TablePage,
  ListTablesInput,
  PartitionsInput,
  SplitsInput,
  SplitPage,
  ReadSplitInput,
  RowChunk,
  ConnectorSettings,
  SourceNameLookup,
  QueryPassthroughSignature,
} from './connector.js';
export { pageOf, resolveSourceName, listedName } from './connector.js';
export {
  ConnectorError,
  ErrorReasons,
  SourceErrorCodes,
  JavaExceptionTypes,
  isConnectorError,
  toConnectorError,
} from './errors.js';
export type { ErrorReason } from './errors.js';
export { createLambdaHandler } from './handler/lambda-handler.js';
export type { LambdaHandlerOptions, FederationLambdaHandler, ConnectorFactory } from './handler/lambda-handler.js';
export {
  GLUE_CONNECTION_VARIABLE,
  connectionEnvironment,
  glueConnectionName,
  glueConnectionReader,
  resolveEnvironment,
  secretNameOfArn,
  withConnection,
} from './handler/glue-connection.js';
export type {
  ConnectionPropertiesMapping,
  Environment,
  GlueConnection,
  GlueConnectionDescription,
  GlueConnectionReader,
} from './handler/glue-connection.js';
export { LAMBDA_REQUEST_LIMIT_BYTES, LAMBDA_RESPONSE_LIMIT_BYTES } from './handler/lambda-limits.js';
export { loadHandlerConfig, CasingModes } from './handler/handler-config.js';
export type { HandlerConfig, CasingMode, ThrottleConfig } from './handler/handler-config.js';
export { ConfigurationError, numberSetting } from './env-settings.js';
export type { NumberSettingCheck } from './env-settings.js';
export { loadSpillConfig, spillTarget } from './spill/spill-config.js';
export type { SpillConfig } from './spill/spill-config.js';
export { dispatch, PING_CAPABILITIES, PING_SERDE_VERSION } from './handler/dispatcher.js';
export type { SpillServices, SplitSpillTarget, BlockSpiller } from './spill/spill-services.js';
export { createS3SpillServices } from './spill/s3-spill-services.js';
export { findUnsupportedField, isSupportedSchema } from './arrow/supported-types.js';
export { createConstraintEvaluator, filterRecordBatch, normalizeRanges } from './constraints/evaluator.js';
export type { ConstraintEvaluator } from './constraints/evaluator.js';
export { compileValueSet, contains } from './constraints/value-set.js';
export { createValueComparator, compareValues, valuesEqual } from './constraints/value-compare.js';
export { S3BlockSpiller, readSpilledBlock, verifySpillBucket } from './spill/s3-spiller.js';
export type { SpillS3Client } from './spill/s3-spiller.js';
export {
  encryptBlock,
  decryptBlock,
  createLocalKeyFactory,
  createKmsKeyFactory,
  SpillCryptoError,
} from './spill/spill-crypto.js';
export type { EncryptionKeyFactory } from './spill/spill-crypto.js';
export { makeSpillDirectory, spillBlockLocation } from './spill/spill-location.js';
export { createUdfHandler, columnValues } from './handler/udf-handler.js';
export type { ScalarFunction } from './handler/udf-handler.js';
export { createThrottlingInvoker } from './throttling-invoker.js';
export type { ThrottlingInvoker, ThrottlingInvokerOptions } from './throttling-invoker.js';
export { blockOf, makeValueBlock } from './arrow/value-block.js';
