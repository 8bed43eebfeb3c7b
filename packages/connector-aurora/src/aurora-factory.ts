/**
 * The Aurora connector as the Lambda handler builds it: from the function's environment, or, with
 * `glue_connection`, from that connection's settings (turned into the `default` connection string,
 * MySQL or PostgreSQL by the connection's type, by aurora-glue-connection.ts) under the function's
 * own variables.
 */
import type { ConnectorFactory, Environment } from '@athena-federation/connector-core';
import { loadAuroraConfig } from './aurora-config.js';
import { type AuroraConnector, type AuroraConnectorOptions, createAuroraConnector } from './aurora-connector.js';
import { auroraConnectionProperties } from './aurora-glue-connection.js';

/** A {@link ConnectorFactory} whose connectors can be closed (tests, graceful shutdown). */
export interface AuroraConnectorFactory extends ConnectorFactory {
  /** Called by core's handler with the environment (Glue connection properties merged in) on the first request. */
  create(env: Environment): AuroraConnector;
}

/** A {@link ConnectorFactory} for {@link createAuroraConnector}; `options` (secrets, token signer) apply to every connector it builds. */
export function auroraConnectorFactory(
  options: Omit<AuroraConnectorOptions, 'env' | 'config'> = {},
): AuroraConnectorFactory {
  return {
    sourceType: 'mysql',
    create: (env) => createAuroraConnector({ ...options, config: loadAuroraConfig(env) }),
    connectionProperties: auroraConnectionProperties,
  };
}
