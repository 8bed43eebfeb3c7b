/**
 * PostgreSQL connection strings as Java's athena-postgresql connector takes them:
 * `postgres://jdbc:postgresql://host[:port][/db][?user=…&password=…&sslmode=…]`, with the first
 * `${SecretName}` naming a Secrets Manager secret. Parsed once at cold start by aurora-config.ts,
 * which picks the engine by the string's prefix, so MySQL and PostgreSQL catalogs live side by side.
 */
import { ConfigurationError } from '@athena-federation/connector-core';
import { type JdbcConnection, parseJdbcUrl } from '../jdbc-url.js';

/** libpq's `sslmode` values (pgjdbc takes the same). */
export const POSTGRES_SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** TLS as libpq's `sslmode` names it. */
export type PostgresSslMode = (typeof POSTGRES_SSL_MODES)[number];

/**
 * One parsed PostgreSQL connection string. Credentials may be absent when a secret supplies them;
 * `database` is the one every query of the catalog reads (default: the user's name, as libpq does).
 */
export interface PostgresConnectionSettings extends JdbcConnection {
  readonly sslMode: PostgresSslMode;
  /** Connect timeout in ms (pgjdbc's `connectTimeout` is in seconds, default 10). */
  readonly connectTimeoutMs: number;
}

/** The engine prefix of a PostgreSQL connection string. */
export const POSTGRES_PREFIX = 'postgres://';

/**
 * Parses one PostgreSQL connection string. `sslmode` takes libpq's values (default `prefer`: TLS
 * whenever the server offers it); pgjdbc's `ssl=true` without `sslmode` means `verify-full`, as in
 * pgjdbc. `connectTimeout` is in seconds, as pgjdbc reads it. Other parameters are ignored.
 *
 * @throws {ConfigurationError} naming `source` for anything malformed; never quoting the password.
 */
export function parsePostgresConnectionString(source: string, text: string): PostgresConnectionSettings {
  const fail = (why: string): never => {
    throw new ConfigurationError(source, why);
  };
  if (!text.startsWith(POSTGRES_PREFIX)) fail('must start with postgres://jdbc:postgresql://');
  const rest = text.slice(POSTGRES_PREFIX.length);
  if (!rest.startsWith('jdbc:postgresql://'))
    fail('must continue with jdbc:postgresql:// after the postgres:// prefix');
  const { host, port, database, secretName, params } = parseJdbcUrl(
    source,
    rest.slice('jdbc:postgresql://'.length),
    5432,
  );
  let sslMode: PostgresSslMode = 'prefer';
  const mode = params.get('sslmode')?.toLowerCase();
  if (mode !== undefined) {
    if (!(POSTGRES_SSL_MODES as readonly string[]).includes(mode))
      fail(`sslmode must be one of ${POSTGRES_SSL_MODES.join(', ')}`);
    sslMode = mode as PostgresSslMode;
  } else {
    const ssl = params.get('ssl')?.toLowerCase();
    if (ssl !== undefined && ssl !== 'true' && ssl !== 'false') fail('ssl must be true or false');
    if (ssl === 'true') sslMode = 'verify-full';
  }
  const timeoutText = params.get('connectTimeout');
  const seconds = timeoutText === undefined ? 10 : /^\d+$/.test(timeoutText) ? Number(timeoutText) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) fail('connectTimeout must be a positive number of seconds');
  return {
    source,
    host,
    port,
    database,
    user: params.get('user'),
    password: params.get('password'),
    secretName,
    sslMode,
    connectTimeoutMs: seconds * 1000,
  };
}
