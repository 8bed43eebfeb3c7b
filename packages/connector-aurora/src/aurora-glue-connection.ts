/**
 * The Aurora connector in Glue connection mode: Java's `MySqlEnvironmentProperties` and
 * `PostGreSqlEnvironmentProperties` turn a connection's `HOST`, `PORT`, `DATABASE` and
 * `JDBC_PARAMS` properties, and the secret of its authentication configuration, into the `default`
 * connection string `<prefix>HOST:PORT/DATABASE?JDBC_PARAMS&${secret}`; nothing else of the
 * connection properties is kept (its Athena properties are, by core). Java has one connector per
 * engine; this one serves both, so Glue's connection type picks the prefix.
 */
import type { GlueConnectionDescription } from '@athena-federation/connector-core';

/** The Glue connection properties Java reads for a JDBC connection (`EnvironmentConstants`). */
const HOST = 'HOST';
const PORT = 'PORT';
const DATABASE = 'DATABASE';
const JDBC_PARAMS = 'JDBC_PARAMS';

/** Glue's `ConnectionType` of a PostgreSQL connection. */
const POSTGRESQL_CONNECTION_TYPE = 'POSTGRESQL';

function property(properties: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = properties[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Java's `connectionPropertiesToEnvironment` for one engine: the `default` connection string with
 * `prefix`. Where Java would write `null` for a missing property this leaves the part out (the port
 * then defaults to the engine's), and without `HOST` there is no `default` to build: the function's
 * own `default`, or the error that none is set, decides.
 */
function jdbcConnectionProperties(
  prefix: string,
  properties: Readonly<Record<string, string>>,
): Record<string, string> {
  const host = property(properties, HOST);
  if (host === undefined) return {};
  const port = property(properties, PORT);
  const database = property(properties, DATABASE);
  const params = [
    property(properties, JDBC_PARAMS),
    ...(properties['secret_name'] === undefined ? [] : [`\${${properties['secret_name']}}`]),
  ].filter((part) => part !== undefined);
  return {
    default: `${prefix}${host}${port === undefined ? '' : `:${port}`}${database === undefined ? '' : `/${database}`}?${params.join('&')}`,
  };
}

/** A MySQL connection's `default`: `mysql://jdbc:mysql://…`. */
export function mysqlConnectionProperties(properties: Readonly<Record<string, string>>): Record<string, string> {
  return jdbcConnectionProperties('mysql://jdbc:mysql://', properties);
}

/** A PostgreSQL connection's `default`: `postgres://jdbc:postgresql://…`, as Java's PostgreSQL connector builds it. */
export function postgresConnectionProperties(properties: Readonly<Record<string, string>>): Record<string, string> {
  return jdbcConnectionProperties('postgres://jdbc:postgresql://', properties);
}

/**
 * The mapping core's handler calls (once, on the first request of a function whose
 * `glue_connection` names a connection): a `POSTGRESQL` connection becomes a PostgreSQL catalog,
 * any other type (`MYSQL`, `JDBC`, none) a MySQL one, as before the type was known.
 */
export function auroraConnectionProperties(
  properties: Readonly<Record<string, string>>,
  connection: GlueConnectionDescription,
): Record<string, string> {
  return connection.connectionType?.toUpperCase() === POSTGRESQL_CONNECTION_TYPE
    ? postgresConnectionProperties(properties)
    : mysqlConnectionProperties(properties);
}
