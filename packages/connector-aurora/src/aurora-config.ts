/**
 * Reads the connector's configuration from the environment, with the Java MySQL connector's names:
 * `default` and `<catalog>_connection_string` hold `mysql://jdbc:mysql://host:port/db?…` strings
 * whose `${SecretName}` placeholder names a Secrets Manager secret. Parsing happens once at cold
 * start and fails fast with the variable at fault; secrets are resolved later, per pool.
 */
import { ConfigurationError, numberSetting } from '@athena-federation/connector-core';

/** TLS as Connector/J's `sslMode` names it. */
export type SslMode = 'DISABLED' | 'PREFERRED' | 'REQUIRED' | 'VERIFY_CA' | 'VERIFY_IDENTITY';

/** One parsed connection string. Credentials may be absent when a secret supplies them. */
export interface ConnectionSettings {
  /** The environment variable it came from, for messages. */
  readonly source: string;
  readonly host: string;
  readonly port: number;
  /** Database in the URL path; informational (every query names its schema). */
  readonly database: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Name inside the first `${…}` placeholder, without any `prefix!` part removed. */
  readonly secretName: string | undefined;
  readonly sslMode: SslMode;
  /** Connect timeout in ms (`connectTimeout`, Connector/J default 10 s here). */
  readonly connectTimeoutMs: number;
}

/** Everything the Aurora plugin reads from the environment (see {@link loadAuroraConfig}). */
export interface AuroraConfig {
  /** Catalog name → connection; `default` is always present. */
  readonly catalogs: ReadonlyMap<string, ConnectionSettings>;
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

const SECRET_PLACEHOLDER = /\$\{([a-zA-Z0-9:/_+=.@!-]+)\}/;
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
  let rest = text.slice(engineEnd + 3);
  if (!rest.startsWith('jdbc:mysql://')) fail('must continue with jdbc:mysql:// after the mysql:// prefix');
  rest = rest.slice('jdbc:mysql://'.length);

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
  const port = portMatch?.[2] === undefined ? 3306 : Number(portMatch[2]);
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
    database: databaseText === '' ? undefined : decodeURIComponent(databaseText),
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
    throw new ConfigurationError('default', 'is required: set it to mysql://jdbc:mysql://host:3306/db?${SecretName}');
  const catalogs = new Map<string, ConnectionSettings>([['default', parseConnectionString('default', defaultText)]]);
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith(CONNECTION_SUFFIX) || value === undefined || value === '') continue;
    const catalog = name.slice(0, -CONNECTION_SUFFIX.length);
    if (catalog === '') continue;
    catalogs.set(catalog, parseConnectionString(name, value));
  }
  if (catalogs.size > MAX_CATALOGS + 1)
    throw new ConfigurationError(
      '<catalog>_connection_string',
      `at most ${MAX_CATALOGS} catalogs are supported, found ${catalogs.size - 1}`,
    );
  const overflow = env['decimal_precision_overflow']?.toLowerCase() ?? 'error';
  if (overflow !== 'error' && overflow !== 'varchar')
    throw new ConfigurationError('decimal_precision_overflow', 'must be "error" or "varchar"');
  const functionName = env['AWS_LAMBDA_FUNCTION_NAME'];
  const iamAuthentication = loadIamAuthentication(env, catalogs);
  return {
    catalogs,
    multiplexed: catalogs.size > 1,
    defaultAlias: functionName === undefined || functionName === '' ? undefined : `lambda:${functionName}`,
    targetRowsPerSplit: positiveInt(env, 'target_rows_per_split', 1_000_000),
    maxSplitsPerTable: positiveInt(env, 'max_splits_per_table', 1000),
    poolConnectionLimit: positiveInt(env, 'pool_connection_limit', 4),
    decimalOverflow: overflow,
    secretCacheTtlMs: positiveInt(env, 'secret_cache_ttl_seconds', 60) * 1000,
    iamAuthentication,
  };
}

/**
 * `iam_database_authentication=true` switches every catalog to RDS IAM tokens. RDS accepts them
 * only over TLS, so `sslMode=PREFERRED` (the default, which would fall back to plain text) becomes
 * `REQUIRED` and an explicit `DISABLED` is refused; every connection string must name its `user`.
 */
function loadIamAuthentication(
  env: Readonly<Record<string, string | undefined>>,
  catalogs: Map<string, ConnectionSettings>,
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
  for (const [catalog, settings] of catalogs) {
    if (settings.sslMode === 'DISABLED')
      throw new ConfigurationError(settings.source, 'disables TLS, which IAM database authentication requires');
    if (settings.user === undefined && settings.secretName === undefined)
      throw new ConfigurationError(
        settings.source,
        'needs user=… (the database user IAM authenticates) for IAM database authentication',
      );
    if (settings.sslMode === 'PREFERRED') catalogs.set(catalog, { ...settings, sslMode: 'REQUIRED' });
  }
  return { region };
}

/**
 * The connection for an Athena catalog. Without multiplexing every catalog uses `default`; with it,
 * `<catalog>_connection_string` (or `default` for `default` and `lambda:<function>`) must exist.
 */
export function connectionFor(settings: AuroraConfig, catalogName: string): ConnectionSettings | undefined {
  const direct = settings.catalogs.get(catalogName);
  if (direct !== undefined) return direct;
  if (!settings.multiplexed || catalogName === settings.defaultAlias) return settings.catalogs.get('default');
  return undefined;
}

/** @deprecated The earlier name of {@link AuroraConfig}, kept for existing callers. */
export type AuroraSettings = AuroraConfig;

/** @deprecated The earlier name of {@link loadAuroraConfig}, kept for existing callers. */
export const loadAuroraSettings: (env: Readonly<Record<string, string | undefined>>) => AuroraConfig = loadAuroraConfig;
