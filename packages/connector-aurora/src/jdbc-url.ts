/**
 * The part of a JDBC connection string both engines read alike (Java's connection-string parsers):
 * `host[:port][/db][?k=v&…]` after `jdbc:<driver>://`, with the first `${SecretName}` placeholder
 * taken out. aurora-config.ts reads MySQL's parameters from it, postgres-config.ts PostgreSQL's.
 */
import { ConfigurationError } from '@athena-federation/connector-core';

/** Java's secret placeholder: `${name}`, with an optional `prefix!` form. */
const SECRET_PLACEHOLDER = /\$\{([a-zA-Z0-9:/_+=.@!-]+)\}/;

/** What both engines' parsed connection strings hold besides their TLS mode and timeout. */
export interface JdbcConnection {
  /** The environment variable it came from, for messages. */
  readonly source: string;
  readonly host: string;
  readonly port: number;
  /** Database in the URL path (MySQL: informational, every query names its schema; PostgreSQL: the one it connects to). */
  readonly database: string | undefined;
  /** Credentials in the URL; absent when a secret supplies them. */
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Name inside the first `${…}` placeholder, without any `prefix!` part removed. */
  readonly secretName: string | undefined;
}

/** The parts of a `jdbc:<driver>://host[:port][/db][?k=v&…]` URL both engines read alike. */
export interface JdbcUrlParts {
  readonly host: string;
  readonly port: number;
  readonly database: string | undefined;
  /** Name inside the first `${…}` placeholder, which is removed from the URL. */
  readonly secretName: string | undefined;
  /** Query parameters, percent-decoded (`+` stays `+`, as JDBC keeps it). */
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Splits what follows `jdbc:<driver>://` into host, port, database, secret and parameters, as
 * Java's connection-string parsers read them. One host only.
 *
 * @throws {ConfigurationError} naming `source` for anything malformed; never quoting the password.
 */
export function parseJdbcUrl(source: string, afterScheme: string, defaultPort: number): JdbcUrlParts {
  const fail = (why: string): never => {
    throw new ConfigurationError(source, why);
  };
  let rest = afterScheme;
  const secret = SECRET_PLACEHOLDER.exec(rest);
  let secretName: string | undefined;
  if (secret !== null) {
    secretName = secret[1];
    rest = rest.slice(0, secret.index) + rest.slice(secret.index + secret[0].length);
  }

  const queryStart = rest.indexOf('?');
  const authority = queryStart < 0 ? rest : rest.slice(0, queryStart);
  const query = queryStart < 0 ? '' : rest.slice(queryStart + 1);
  const slash = authority.indexOf('/');
  const hostPort = slash < 0 ? authority : authority.slice(0, slash);
  const databaseText = slash < 0 ? '' : authority.slice(slash + 1);
  if (hostPort.includes(',')) fail('lists several hosts; only one host is supported');
  const portMatch = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  if (portMatch === null) fail('has no valid host[:port]');
  const host = (portMatch?.[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  const port = portMatch?.[2] === undefined ? defaultPort : Number(portMatch[2]);
  if (!(port > 0 && port < 65536)) fail('has a port outside 1..65535');

  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    let value: string;
    try {
      // Percent-decoding only: JDBC does not turn `+` into a space, and passwords may contain `+`.
      value = decodeURIComponent(raw);
    } catch {
      return fail(`parameter ${JSON.stringify(key)} is not valid percent-encoding`);
    }
    params.set(key, value);
  }
  let database: string | undefined;
  try {
    database = databaseText === '' ? undefined : decodeURIComponent(databaseText);
  } catch {
    return fail('has a database name that is not valid percent-encoding');
  }
  return { host, port, database, secretName, params };
}
