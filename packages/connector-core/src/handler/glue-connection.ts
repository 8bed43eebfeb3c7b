/**
 * Glue connection mode, as Java's `EnvironmentProperties` has it: a function whose `glue_connection`
 * names a Glue connection takes its settings from Glue `GetConnection` (the connection's properties,
 * the secret of its authentication configuration, its Athena properties), and its own environment
 * wins over all of them. Reading Glue is a network call, so the Lambda handler does it once, on the
 * first invocation, not at import.
 */
import type { GetConnectionCommandOutput } from '@aws-sdk/client-glue';
import { ConfigurationError } from '../env-settings.js';

/** A function's settings by variable name: `process.env`, or it merged with a Glue connection's. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Java's variable naming the Glue connection (`EnvironmentConstants.DEFAULT_GLUE_CONNECTION`). */
export const GLUE_CONNECTION_VARIABLE = 'glue_connection';

/** What a {@link ConnectionPropertiesMapping} knows of the connection besides its properties. */
export interface GlueConnectionDescription {
  /** Glue's `ConnectionType` (`MYSQL`, `POSTGRESQL`, `DYNAMODB`, …) as Glue answers it; undefined when Glue gives none. */
  readonly connectionType: string | undefined;
}

/**
 * Maps a connection's properties (with `secret_name` added from its authentication configuration)
 * to environment variables: Java's `connectionPropertiesToEnvironment`. Java's base class passes
 * them on as they are (DynamoDB); JDBC connectors build their `default` connection string instead,
 * and a connector serving several engines picks the string's format by `connection.connectionType`
 * (Java has one connector per engine, so its mapping never needs to).
 */
export type ConnectionPropertiesMapping = (
  properties: Readonly<Record<string, string>>,
  connection: GlueConnectionDescription,
) => Record<string, string>;

/** The part of a Glue `Connection` that settings come from. */
export type GlueConnection = Pick<
  NonNullable<GetConnectionCommandOutput['Connection']>,
  'ConnectionProperties' | 'AthenaProperties' | 'AuthenticationConfiguration' | 'ConnectionType'
>;

/** Reads one Glue connection by name; the default calls Glue `GetConnection`. */
export type GlueConnectionReader = (name: string) => Promise<GlueConnection>;

/** Java's: Glue connections are read with a 2 s connect timeout (`EnvironmentConstants.CONNECT_TIMEOUT`). */
const GLUE_CONNECT_TIMEOUT_MS = 2_000;
const GLUE_REQUEST_TIMEOUT_MS = 10_000;

/** The connection name `env` sets, or undefined when the function is configured by its environment alone. */
export function glueConnectionName(env: Environment): string | undefined {
  const name = env[GLUE_CONNECTION_VARIABLE]?.trim();
  return name === undefined || name === '' ? undefined : name;
}

/**
 * The secret's name from a Secrets Manager secret ARN, as Java derives it: the last `:` field
 * without the `-` and six random characters Secrets Manager appends (`…:secret:db/sales-AbCdEf` → `db/sales`).
 */
export function secretNameOfArn(arn: string): string {
  const resource = arn.slice(arn.lastIndexOf(':') + 1);
  const dash = resource.lastIndexOf('-');
  return dash < 0 ? resource : resource.slice(0, dash);
}

/** Java's mapping of Athena properties: `spill_kms_key_id` is the `kms_key_id` setting, the rest keep their names. */
function athenaPropertiesToEnvironment(properties: Readonly<Record<string, string>>): Record<string, string> {
  const { spill_kms_key_id: kmsKeyId, ...rest } = properties;
  return kmsKeyId === undefined ? rest : { ...rest, kms_key_id: kmsKeyId };
}

/**
 * The settings a Glue connection supplies: `glue_connection` itself, the mapped connection
 * properties (with `secret_name` from the authentication configuration's secret ARN), then the
 * Athena properties. The function's own environment is not in it; see {@link withConnection}.
 */
export function connectionEnvironment(
  name: string,
  connection: GlueConnection,
  mapping: ConnectionPropertiesMapping = (properties) => ({ ...properties }),
): Record<string, string> {
  const properties: Record<string, string> = { ...connection.ConnectionProperties };
  const secretArn = connection.AuthenticationConfiguration?.SecretArn?.trim();
  if (secretArn !== undefined && secretArn !== '') properties['secret_name'] = secretNameOfArn(secretArn);
  return {
    [GLUE_CONNECTION_VARIABLE]: name,
    ...mapping(properties, { connectionType: connection.ConnectionType }),
    ...athenaPropertiesToEnvironment(connection.AthenaProperties ?? {}),
  };
}

/** The function's environment over the connection's settings: a variable set on the function wins (Java's order). */
export function withConnection(fromConnection: Readonly<Record<string, string>>, env: Environment): Environment {
  const merged: Record<string, string | undefined> = { ...fromConnection };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}

/**
 * Reads connections with Glue `GetConnection`, the SDK loaded on first use so that functions
 * configured by their environment never load it. The endpoint is the standard AWS one
 * (`AWS_ENDPOINT_URL_GLUE`, …), or Java's `GLUE_ENDPOINT` when that is set.
 */
export function glueConnectionReader(env: Environment): GlueConnectionReader {
  return async (name) => {
    const { GlueClient, GetConnectionCommand } = await import('@aws-sdk/client-glue');
    const endpoint = env['GLUE_ENDPOINT']?.trim();
    const client = new GlueClient({
      ...(endpoint === undefined || endpoint === '' ? {} : { endpoint }),
      requestHandler: {
        connectionTimeout: GLUE_CONNECT_TIMEOUT_MS,
        requestTimeout: GLUE_REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    });
    try {
      const { Connection } = await client.send(new GetConnectionCommand({ Name: name }));
      if (Connection === undefined) throw new Error('GetConnection answered without a connection');
      return Connection;
    } finally {
      client.destroy();
    }
  };
}

/**
 * The environment a function runs with: `env` itself when it names no Glue connection, else the
 * connection's settings under `env`.
 *
 * @throws {ConfigurationError} naming `glue_connection`, the connection and Glue's error, when the
 *   connection cannot be read.
 */
export async function resolveEnvironment(
  env: Environment,
  options: { readonly mapping?: ConnectionPropertiesMapping; readonly read?: GlueConnectionReader } = {},
): Promise<Environment> {
  const name = glueConnectionName(env);
  if (name === undefined) return env;
  let connection: GlueConnection;
  try {
    connection = await (options.read ?? glueConnectionReader(env))(name);
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ConfigurationError(
      GLUE_CONNECTION_VARIABLE,
      `names ${JSON.stringify(name)}, which Glue GetConnection could not read (${detail})`,
      { cause: error },
    );
  }
  return withConnection(connectionEnvironment(name, connection, options.mapping), env);
}
