/**
 * @athena-federation/example-hello-connector: JSON-lines objects in S3 as an Athena source, the
 * smallest complete plugin. Everything public is exported here by name.
 */
export { createHelloConnector, loadHelloConfig } from './hello-connector.js';
export type { HelloConfig, HelloConnectorOptions, HelloS3Client, HelloSendOptions } from './hello-connector.js';
export { parseSchemaFile } from './hello-schema.js';
export { lineChunksOf, parseLine } from './json-lines.js';
export type { RawLine } from './json-lines.js';
