/**
 * The Aurora MySQL connector in Glue connection mode: Java's `MySqlEnvironmentProperties` turns a
 * connection's `HOST`, `PORT`, `DATABASE` and `JDBC_PARAMS` properties, and the secret of its
 * authentication configuration, into the `default` connection string
 * `mysql://jdbc:mysql://HOST:PORT/DATABASE?JDBC_PARAMS&${secret}`; nothing else of the connection
 * properties is kept (its Athena properties are, by core).
 */

/** The Glue connection properties Java reads for a MySQL connection (`EnvironmentConstants`). */
const HOST = 'HOST';
const PORT = 'PORT';
const DATABASE = 'DATABASE';
const JDBC_PARAMS = 'JDBC_PARAMS';

function property(properties: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = properties[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Java's `connectionPropertiesToEnvironment` for MySQL: the `default` connection string. Where
 * Java would write `null` for a missing property this leaves the part out (the port then defaults
 * to 3306), and without `HOST` there is no `default` to build: the function's own `default`, or
 * the error that none is set, decides.
 */
export function mysqlConnectionProperties(properties: Readonly<Record<string, string>>): Record<string, string> {
  const host = property(properties, HOST);
  if (host === undefined) return {};
  const port = property(properties, PORT);
  const database = property(properties, DATABASE);
  const params = [
    property(properties, JDBC_PARAMS),
    ...(properties['secret_name'] === undefined ? [] : [`\${${properties['secret_name']}}`]),
  ].filter((part) => part !== undefined);
  return {
    default: `mysql://jdbc:mysql://${host}${port === undefined ? '' : `:${port}`}${database === undefined ? '' : `/${database}`}?${params.join('&')}`,
  };
}
