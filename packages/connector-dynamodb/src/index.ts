/**
 * @athena-federation/connector-dynamodb: Amazon DynamoDB as an Athena federated source, on
 * connector-core. Everything public is exported here by name, so this file is the API.
 */
export { createDynamoDbConnector } from './dynamodb-connector.js';
export { DEFAULT_SCHEMA } from './dynamodb-catalog.js';
export { PARTIQL_PASSTHROUGH } from './dynamodb-passthrough.js';
export type { DynamoDbConnectorOptions } from './dynamodb-connector.js';
export { dynamoDbConnectorFactory } from './dynamodb-factory.js';
export { CROSS_ACCOUNT_SESSION_NAME, assumeRoleCredentials } from './dynamodb-cross-account.js';
export type { AssumedRoleCredentials } from './dynamodb-cross-account.js';
export { createDefaultDynamoDbClient } from './dynamodb-client.js';
export type { DynamoDbClientLike, DynamoDbClientSource, DynamoDbSendOptions } from './dynamodb-client.js';
export { DYNAMODB_DATABASE_FLAG, SCHEMA_SOURCE_METADATA, parseGlueType } from './dynamodb-glue.js';
export type { GlueClientLike, GlueClientSource } from './dynamodb-glue.js';
export { loadDynamoDbConfig } from './dynamodb-config.js';
export type { DynamoDbConfig, ProjectionAndCasingMode } from './dynamodb-config.js';
export { classifyDynamoDbError, isDynamoDbThrottle } from './dynamodb-errors.js';
export { scanSegmentCount } from './dynamodb-splits.js';
export { SOURCE_TYPE_METADATA, describeSchema, parseNumber, plainNumber } from './dynamodb-types.js';
export type { ParsedNumber } from './dynamodb-types.js';
