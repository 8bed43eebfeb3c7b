/**
 * @athena-federation/connector-core/engine: plays Athena's side of the wire — the engine driver,
 * the transports that reach a connector (in process, a bundle file, a deployed Lambda) and the
 * helpers tests and tools use around them. A subpath of its own because the Lambda transport
 * imports `@aws-sdk/client-lambda`, which a plugin's Lambda bundle must not carry.
 */
export {
  ATHENA_BLOCK_SIZES,
  EngineDriver,
  LambdaInvocationError,
  LambdaRequestTooLargeError,
  inProcessTransport,
  makeConstraints,
  decryptSpillObject,
} from './engine-driver.js';
export type { EngineDriverOptions, ScanOptions, ScanResult, TraceEntry, Transport } from './engine-driver.js';
export { parseConnectorTarget, transportFor } from './transports.js';
export type { ConnectorTarget } from './transports.js';
export { ensureBucket } from './ensure-bucket.js';
