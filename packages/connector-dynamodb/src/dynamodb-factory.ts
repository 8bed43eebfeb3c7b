/**
 * The DynamoDB connector as the Lambda handler builds it: from the function's environment, or,
 * with `glue_connection`, from that connection's settings under the function's own variables.
 * Java's DynamoDB connector maps no connection property: each is a setting under its own name
 * (`disable_glue`, `cross_account_role_arn`, …), so core's default mapping is this connector's.
 */
import type { ConnectorFactory } from '@athena-federation/connector-core';
import { loadDynamoDbConfig } from './dynamodb-config.js';
import { type DynamoDbConnectorOptions, createDynamoDbConnector } from './dynamodb-connector.js';

/** A {@link ConnectorFactory} for {@link createDynamoDbConnector}; `options` (clients, clock) apply to every connector it builds. */
export function dynamoDbConnectorFactory(options: Omit<DynamoDbConnectorOptions, 'config'> = {}): ConnectorFactory {
  return {
    sourceType: 'dynamodb',
    create: (env) => createDynamoDbConnector({ ...options, config: loadDynamoDbConfig(env) }),
  };
}
