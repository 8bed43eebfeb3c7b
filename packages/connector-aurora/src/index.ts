/**
 * @athena-federation/connector-aurora: Aurora MySQL (and MySQL, MariaDB) and Aurora PostgreSQL (and
 * PostgreSQL) as an Athena federated source. Everything public is exported here by name, so this
 * file is the package's API.
 */
export { createAuroraConnector } from './aurora-connector.js';
export type { AuroraConnector, AuroraConnectorOptions } from './aurora-connector.js';
export { auroraConnectorFactory } from './aurora-factory.js';
export type { AuroraConnectorFactory } from './aurora-factory.js';
export {
  auroraConnectionProperties,
  mysqlConnectionProperties,
  postgresConnectionProperties,
} from './aurora-glue-connection.js';
export {
  loadAuroraConfig,
  loadAuroraSettings,
  parseConnectionString,
  connectionFor,
  postgresConnectionFor,
  catalogEngine,
} from './aurora-config.js';
export { parsePostgresConnectionString, POSTGRES_SSL_MODES } from './postgres/postgres-config.js';
export type { PostgresConnectionSettings, PostgresSslMode } from './postgres/postgres-config.js';
export { classifyPostgresError } from './postgres/postgres-errors.js';
export type { AuroraConfig, AuroraSettings, ConnectionSettings, IamAuthentication, SslMode } from './aurora-config.js';
export type { TokenSigner, TokenSignerOptions } from './aurora-client.js';
export { createSecretsManagerResolver, parseCredentials } from './aurora-secrets.js';
export type {
  SecretResolver,
  SecretsManagerLike,
  SecretsManagerResolverOptions,
  Credentials,
} from './aurora-secrets.js';
export { classifyMysqlError, classifySecretError } from './aurora-errors.js';
export { quoteIdentifier } from './aurora-sql.js';
export { createLambdaHandler } from '@athena-federation/connector-core';
