/**
 * Reads the connector's configuration from the environment, with the Java MySQL connector's names:
 * `default` and `<catalog>_connection_string` hold `mysql://jdbc:mysql://host:port/db?…` strings
 * whose `${SecretName}` placeholder names a Secrets Manager secret. Parsing happens once at cold
 * start and fails fast with the variable at fault; secrets are resolved later, per pool.
 */
import { ConfigurationError, numberSetting } from '@athena-federation/connector-core';
import { type JdbcConnection, parseJdbcUrl } from './jdbc-url.js';
import {
  POSTGRES_PREFIX,
  type PostgresConnectionSettings,
  parsePostgresConnectionString,
} from './postgres/postgres-config.js';

/** TLS as Connector/J's `sslMode` names it. */
export type SslMode = 'DISABLED' | 'PREFERRED' | 'REQUIRED' | 'VERIFY_CA' | 'VERIFY_IDENTITY';

/** One parsed MySQL connection string. Credentials may be absent when a secret supplies them. */
export interface ConnectionSettings extends JdbcConnection {
  readonly sslMode: SslMode;
  /** Connect timeout in ms (`connectTimeout`, Connector/J default 10 s here). */
  readonly connectTimeoutMs: number;
}

/** Everything the Aurora plugin reads from the environment (see {@link loadAuroraConfig}). */
export interface AuroraConfig {
  /** MySQL catalogs: catalog name → connection (`mysql://…` strings; `default` when it is one). */
  readonly catalogs: ReadonlyMap<string, ConnectionSettings>;
  /** PostgreSQL catalogs: catalog name → connection (`postgres://…` strings; `default` when it is one). */
  readonly postgresCatalogs: ReadonlyMap<string, PostgresConnectionSettings>;
  /** True when any `<catalog>_connection_string` is set: unknown catalogs are then refused, as in Java. */
  readonly multiplexed: boolean;
  /** `lambda:<AWS_LAMBDA_FUNCTION_NAME>`, Java's alias for the default catalog, when the name is known. */
  readonly defaultAlias: string | undefined;
  /** Rows each range split should cover (`target_rows_per_split`). */
  readonly targetRowsPerSplit: number;
  /** Most range splits for one table (`max_splits_per_table`). */
  readonly maxSplitsPerTable: number;
  /** Connections per catalog pool (`pool_connection_limit`). */
  readonly poolConnectionLimit: number;
  /** DECIMAL with precision above 38: `error` (default) or read as `varchar` (`decimal_precision_overflow`). */
  readonly decimalOverflow: 'error' | 'varchar';
  /** Scale of PostgreSQL's unbounded NUMERIC read as decimal(38, s) (`default_scale`, Java's name; default 0). */
  readonly defaultScale: number;
  /** How long a resolved secret is reused (`secret_cache_ttl_seconds`, Java: 60). */
  readonly secretCacheTtlMs: number;
  /** IAM database authentication (`iam_database_authentication`), or undefined for passwords. */
  readonly iamAuthentication: IamAuthentication | undefined;
}

/** IAM database authentication: a fresh RDS auth token is signed for every new connection. */
export interface IamAuthentication {
  /** The database's region (`iam_region`, else Lambda's `AWS_REGION`). */
  readonly region: string;
}

const SSL_MODES: readonly SslMode[] = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'];
const CONNECTION_SUFFIX = '_connection_string';
const MAX_CATALOGS = 100;

/**
 * Parses one `mysql://jdbc:mysql://host[:port][/db][?k=v&…]` string (Java's format). The first
 * `${SecretName}` is removed from the URL and remembered; `user`, `password`, `sslMode` (or
 * `useSSL`/`requireSSL`/`verifyServerCertificate`) and `connectTimeout` are read, other JDBC
 * parameters are ignored.
 *
 * @throws {ConfigurationError} naming `source` for anything malformed; never quoting the password.
 */
export function parseConnectionString(source: string, text: string): ConnectionSettings {
  const fail = (why: string): never => {
    throw new ConfigurationError(source, why);
  };
  const engineEnd = text.indexOf('://');
  if (engineEnd < 0 || text.slice(0, engineEnd) !== 'mysql')
    fail('must start with mysql://jdbc:mysql:// (the engine prefix must be "mysql")');
  const rest = text.slice(engineEnd + 3);
  if (!rest.startsWith('jdbc:mysql://')) fail('must continue with jdbc:mysql:// after the mysql:// prefix');
  const { host, port, database, secretName, params } = parseJdbcUrl(source, rest.slice('jdbc:mysql://'.length), 3306);

  let sslMode: SslMode = 'PREFERRED';
  const mode = params.get('sslMode')?.toUpperCase();
  if (mode !== undefined) {
    if (!(SSL_MODES as readonly string[]).includes(mode)) fail(`sslMode must be one of ${SSL_MODES.join(', ')}`);
    sslMode = mode as SslMode;
  } else {
    // Connector/J translates its deprecated spellings when sslMode is absent: useSSL=false turns TLS
    // off; otherwise verifyServerCertificate=true is VERIFY_CA and requireSSL=true is REQUIRED.
    const flag = (name: string): boolean | undefined => {
      const value = params.get(name)?.toLowerCase();
      if (value === undefined) return undefined;
      if (value === 'true' || value === 'yes') return true;
      if (value === 'false' || value === 'no') return false;
      return fail(`${name} must be true or false`);
    };
    const useSsl = flag('useSSL');
    const verify = flag('verifyServerCertificate');
    const require = flag('requireSSL');
    if (useSsl === false) sslMode = 'DISABLED';
    else if (verify === true) sslMode = 'VERIFY_CA';
    else if (require === true) sslMode = 'REQUIRED';
  }
  const timeoutText = params.get('connectTimeout');
  // Digits only: Number() alone would also read `0x10` or `1e3`, which JDBC rejects.
  const connectTimeoutMs =
    timeoutText === undefined ? 10_000 : /^\d+$/.test(timeoutText) ? Number(timeoutText) : Number.NaN;
  if (!Number.isSafeInteger(connectTimeoutMs) || connectTimeoutMs <= 0)
    fail('connectTimeout must be a positive number of milliseconds');

  return {
    source,
    host,
    port,
    database,
    user: params.get('user'),
    password: params.get('password'),
    secretName,
    sslMode,
    connectTimeoutMs,
  };
}

function positiveInt(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  return numberSetting(env, name, fallback, { integer: true, min: 1 });
}

/**
 * Reads every setting from `env`. `default` is required, as in Java.
 *
 * @throws {ConfigurationError} naming the variable at fault.
 */
export function loadAuroraConfig(env: Readonly<Record<string, string | undefined>> = process.env): AuroraConfig {
  const defaultText = env['default'];
  if (defaultText === undefined || defaultText === '')
    throw new ConfigurationError(
      'default',
      'is required: set it to mysql://jdbc:mysql://host:3306/db?${SecretName} or postgres://jdbc:postgresql://host:5432/db?${SecretName}',
    );
  const catalogs = new Map<string, ConnectionSettings>();
  const postgresCatalogs = new Map<string, PostgresConnectionSettings>();
  // The prefix picks the engine, as Java's connectors each take their own (`mysql://`, `postgres://`).
  const add = (catalog: string, source: string, text: string) => {
    if (text.startsWith(POSTGRES_PREFIX)) postgresCatalogs.set(catalog, parsePostgresConnectionString(source, text));
    else catalogs.set(catalog, parseConnectionString(source, text));
  };
  add('default', 'default', defaultText);
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith(CONNECTION_SUFFIX) || value === undefined || value === '') continue;
    const catalog = name.slice(0, -CONNECTION_SUFFIX.length);
    if (catalog === '') continue;
    catalogs.delete(catalog);
    postgresCatalogs.delete(catalog);
    add(catalog, name, value);
  }
  const catalogCount = catalogs.size + postgresCatalogs.size;
  if (catalogCount > MAX_CATALOGS + 1)
    throw new ConfigurationError(
      '<catalog>_connection_string',
      `at most ${MAX_CATALOGS} catalogs are supported, found ${catalogCount - 1}`,
    );
  const overflow = env['decimal_precision_overflow']?.toLowerCase() ?? 'error';
  if (overflow !== 'error' && overflow !== 'varchar')
    throw new ConfigurationError('decimal_precision_overflow', 'must be "error" or "varchar"');
  const functionName = env['AWS_LAMBDA_FUNCTION_NAME'];
  const iamAuthentication = loadIamAuthentication(env, catalogs, postgresCatalogs);
  return {
    catalogs,
    postgresCatalogs,
    multiplexed: catalogCount > 1,
    defaultAlias: functionName === undefined || functionName === '' ? undefined : `lambda:${functionName}`,
    targetRowsPerSplit: positiveInt(env, 'target_rows_per_split', 1_000_000),
    maxSplitsPerTable: positiveInt(env, 'max_splits_per_table', 1000),
    poolConnectionLimit: positiveInt(env, 'pool_connection_limit', 4),
    decimalOverflow: overflow,
    defaultScale: numberSetting(env, 'default_scale', 0, { integer: true, min: 0, max: 38 }),
    secretCacheTtlMs: positiveInt(env, 'secret_cache_ttl_seconds', 60) * 1000,
    iamAuthentication,
  };
}

/**
 * `iam_database_authentication=true` switches every catalog to RDS IAM tokens. RDS accepts them
 * only over TLS, so a mode that could fall back to plain text (MySQL's `sslMode=PREFERRED`, the
 * default; PostgreSQL's `sslmode=prefer`, the default, and `allow`) becomes the "required" one, and
 * an explicit "disabled" is refused; every connection string must name its `user` (or a secret that does).
 */
function loadIamAuthentication(
  env: Readonly<Record<string, string | undefined>>,
  catalogs: Map<string, ConnectionSettings>,
  postgresCatalogs: Map<string, PostgresConnectionSettings>,
): IamAuthentication | undefined {
  const flag = env['iam_database_authentication']?.toLowerCase() ?? 'false';
  if (flag !== 'true' && flag !== 'false')
    throw new ConfigurationError('iam_database_authentication', 'must be "true" or "false"');
  if (flag === 'false') return undefined;
  const region = env['iam_region'] || env['AWS_REGION'];
  if (region === undefined || region === '')
    throw new ConfigurationError(
      'iam_region',
      'is required for IAM database authentication when AWS_REGION is not set',
    );
  const checkIamSettings = (settings: JdbcConnection, disablesTls: boolean) => {
    if (disablesTls)
      throw new ConfigurationError(settings.source, 'disables TLS, which IAM database authentication requires');
    if (settings.user === undefined && settings.secretName === undefined)
      throw new ConfigurationError(
        settings.source,
        'needs user=… (the database user IAM authenticates) for IAM database authentication',
      );
  };
  for (const [catalog, settings] of catalogs) {
    checkIamSettings(settings, settings.sslMode === 'DISABLED');
    if (settings.sslMode === 'PREFERRED') catalogs.set(catalog, { ...settings, sslMode: 'REQUIRED' });
  }
  for (const [catalog, settings] of postgresCatalogs) {
    checkIamSettings(settings, settings.sslMode === 'disable');
    if (settings.sslMode === 'prefer' || settings.sslMode === 'allow')
      postgresCatalogs.set(catalog, { ...settings, sslMode: 'require' });
  }
  return { region };
}

/** The name a catalog's connection is registered under: itself, or `default` when it falls back to it; undefined when it has none. */
function registeredName(config: AuroraConfig, catalogName: string): string | undefined {
  if (config.catalogs.has(catalogName) || config.postgresCatalogs.has(catalogName)) return catalogName;
  if (!config.multiplexed || catalogName === config.defaultAlias) return 'default';
  return undefined;
}

/**
 * The MySQL connection for an Athena catalog. Without multiplexing every catalog uses `default`;
 * with it, `<catalog>_connection_string` (or `default` for `default` and `lambda:<function>`) must
 * exist. Undefined for a catalog with no connection, or a PostgreSQL one ({@link catalogEngine}).
 */
export function connectionFor(settings: AuroraConfig, catalogName: string): ConnectionSettings | undefined {
  const name = registeredName(settings, catalogName);
  return name === undefined ? undefined : settings.catalogs.get(name);
}

/** The PostgreSQL connection for an Athena catalog, by the same rules as {@link connectionFor}. */
export function postgresConnectionFor(
  settings: AuroraConfig,
  catalogName: string,
): PostgresConnectionSettings | undefined {
  const name = registeredName(settings, catalogName);
  return name === undefined ? undefined : settings.postgresCatalogs.get(name);
}

/** Which engine serves an Athena catalog; undefined when it has no connection (multiplexing names each one). */
export function catalogEngine(settings: AuroraConfig, catalogName: string): 'mysql' | 'postgresql' | undefined {
  if (connectionFor(settings, catalogName) !== undefined) return 'mysql';
  if (postgresConnectionFor(settings, catalogName) !== undefined) return 'postgresql';
  return undefined;
}

/** @deprecated The earlier name of {@link AuroraConfig}, kept for existing callers. */
export type AuroraSettings = AuroraConfig;

/** @deprecated The earlier name of {@link loadAuroraConfig}, kept for existing callers. */
export const loadAuroraSettings: (env: Readonly<Record<string, string | undefined>>) => AuroraConfig = loadAuroraConfig;
