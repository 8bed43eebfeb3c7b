/**
 * Owns the mysql2 pools (one small pool per catalog) and the connections the connector talks to
 * MySQL on: metadata queries, described passthrough queries, and the connections of streamed reads
 * (whose rows wire/wire-execute.ts decodes). Every statement goes through
 * `execute` (server-side prepared), so request values travel as bound parameters, never as SQL text.
 */
import { createHash } from 'node:crypto';
import type { FieldPacket, Pool, PoolConnection, PoolOptions } from 'mysql2';
import { ConnectorError } from '@athena-federation/connector-core';
import { type AuroraConfig, type ConnectionSettings, type IamAuthentication, connectionFor } from './aurora-config.js';
import { classifyMysqlError } from './aurora-errors.js';
import { type SecretResolver, parseCredentials } from './aurora-secrets.js';
import { NO_TLS_OFFERED, checkIdentity, tlsFailure, tlsOptionsFor } from './aurora-tls.js';
import { PoolRegistry } from './pool-registry.js';

/** The connection each pool was made for, so a failure to connect can be explained with its TLS mode. */
const poolSettings = new WeakMap<Pool, ConnectionSettings>();

/** Classifies a failure on `pool`: TLS failures with the connection's mode, the rest by MySQL code. */
function classifyPoolError(pool: Pool, error: unknown, action: string): ConnectorError {
  const settings = poolSettings.get(pool);
  return (settings === undefined ? undefined : tlsFailure(error, settings)) ?? classifyMysqlError(error, action);
}

/** A bound parameter: values are always sent as strings, numbers, or bytes. */
export type SqlParam = string | number | Uint8Array | null;

/** A statement with its bound parameters. */
export interface Statement {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/**
 * The mysql2 options every pool uses, for the values mysql2 itself parses (metadata queries; table
 * rows never reach its parser, see wire/). `supportBigNumbers` keeps BIGINT exact (a number when
 * safe, else a digit string), DECIMAL stays a string (`decimalNumbers: false`), `dateStrings` keeps
 * dates as MySQL prints them so no host time zone is applied, `jsonStrings` keeps JSON as text.
 * `utf8mb4` is also what the wire decoder relies on: the server converts text columns to it.
 */
const EXACT_VALUE_OPTIONS = {
  supportBigNumbers: true,
  bigNumberStrings: false,
  dateStrings: true,
  jsonStrings: true,
  decimalNumbers: false,
  charset: 'utf8mb4_general_ci',
  timezone: 'Z',
} as const satisfies PoolOptions;

/** Options of {@link AuroraPools}. */
export interface AuroraPoolsOptions {
  readonly secrets: SecretResolver;
  readonly connectionLimit: number;
  /** IAM database authentication instead of passwords (see aurora-config.ts). */
  readonly iamAuthentication?: IamAuthentication | undefined;
  /** Signs RDS auth tokens; default `@aws-sdk/rds-signer` with the default credential chain. */
  readonly createTokenSigner?: (options: TokenSignerOptions) => TokenSigner;
}

/** What an RDS auth token is signed for. */
export interface TokenSignerOptions {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
}

/** The subset of `@aws-sdk/rds-signer`'s Signer the pools use. */
export interface TokenSigner {
  getAuthToken(): Promise<string>;
}

/**
 * mysql2's `authPlugins` answering RDS's switch to `mysql_clear_password` with a freshly signed
 * token. mysql2 calls the plugin during each new connection's handshake, so every connection gets a
 * token of its own (they are valid for 15 minutes and only checked at connect time).
 */
export function iamAuthPlugins(signer: TokenSigner): NonNullable<PoolOptions['authPlugins']> {
  return {
    mysql_clear_password: () => async () => Buffer.from(`${await signer.getAuthToken()}\0`),
  };
}

/**
 * One pool per connection string, rebuilt when the secret's credentials change (the Java
 * connector rebuilds its Hikari pool on an identity change too). Pools open connections lazily.
 */
export class AuroraPools {
  readonly #options: AuroraPoolsOptions;
  readonly #pools = new PoolRegistry<Pool>((pool) => new Promise<void>((resolve) => pool.end(() => resolve())));

  constructor(options: AuroraPoolsOptions) {
    this.#options = options;
  }

  /** The pool for `settings`, resolving its secret (cached by the resolver). */
  async pool(settings: ConnectionSettings): Promise<Pool> {
    let user = settings.user;
    let password = settings.password;
    if (settings.secretName !== undefined) {
      const credentials = parseCredentials(settings.secretName, await this.#options.secrets(settings.secretName));
      user = credentials.user;
      password = credentials.password;
    }
    const iam = this.#options.iamAuthentication;
    const identity = createHash('sha256')
      .update(
        JSON.stringify([settings.host, settings.port, user ?? null, iam === undefined ? (password ?? null) : 'iam']),
      )
      .digest('hex');
    return this.#pools.get(settings.source, identity, () => this.#create(settings, user, password));
  }

  /** Makes the pool of `settings` with these credentials, settling TLS for PREFERRED on its first connection. */
  async #create(settings: ConnectionSettings, user: string | undefined, password: string | undefined): Promise<Pool> {
    const iam = this.#options.iamAuthentication;
    // mysql2 (with its code pages and the RDS CA bundle) is half the Lambda bundle: loaded with the
    // first pool, so a cold start that opens no connection (Ping, a bad request) never compiles it,
    // and imported only when a pool is made (a dynamic import per request costs a module lookup).
    // `default` is module.exports both in Node and in the bundle's chunk (which has no named exports).
    const { createPool } = (await import('mysql2')).default;
    let credentials: PoolOptions = {
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
    };
    if (iam !== undefined) {
      if (user === undefined)
        throw new ConnectorError(
          'InvalidInput',
          `${settings.source} names no database user for IAM database authentication`,
        );
      const signerOptions = { hostname: settings.host, port: settings.port, username: user, region: iam.region };
      // Loaded here, not at module scope: only IAM deployments need the signer, and cold start should not compile it.
      let signer: TokenSigner;
      if (this.#options.createTokenSigner !== undefined) {
        signer = this.#options.createTokenSigner(signerOptions);
      } else {
        const { Signer } = await import('@aws-sdk/rds-signer');
        signer = new Signer(signerOptions);
      }
      // No password: the token is the password, sent only when RDS asks for mysql_clear_password (over TLS).
      credentials = { user, authPlugins: iamAuthPlugins(signer) };
    }
    const make = (ssl: Awaited<ReturnType<typeof tlsOptionsFor>>): Pool => {
      const created = createPool({
        ...EXACT_VALUE_OPTIONS,
        host: settings.host,
        port: settings.port,
        ...credentials,
        ...(ssl === undefined ? {} : { ssl }),
        connectTimeout: settings.connectTimeoutMs,
        connectionLimit: this.#options.connectionLimit,
        maxIdle: 1,
        idleTimeout: 60_000,
        enableKeepAlive: true,
        // Server-side statements count against the server-wide max_prepared_stmt_count (16382 by
        // default), shared by every Lambda; a small per-connection cache keeps many Lambdas under it.
        maxPreparedStatements: 32,
      });
      // TIMESTAMP columns are read in UTC, like DATETIME wall-clock values (see README "time zones").
      created.on('connection', (connection) => {
        // mysql2 queues this before the connection's first use; a connection that cannot switch is not used.
        connection.query("SET time_zone = '+00:00'", (error) => {
          if (error !== null) connection.destroy();
        });
      });
      poolSettings.set(created, settings);
      return created;
    };
    let pool = make(await tlsOptionsFor(settings));
    if (settings.sslMode === 'PREFERRED') {
      // Connector/J's PREFERRED: TLS when the server offers it, plain text only when it does not.
      // mysql2 cannot fall back within a handshake, so the first connection tells; it then stays in
      // the pool for the query that asked for the pool.
      try {
        (await getConnection(pool)).release();
      } catch (error) {
        pool.end(() => undefined);
        if ((error as { code?: unknown }).code !== NO_TLS_OFFERED)
          throw classifyMysqlError(error, `connecting to MySQL (${settings.source})`);
        pool = make(undefined);
      }
    }
    return pool;
  }

  /** Closes every pool (tests, and a graceful shutdown). */
  end(): Promise<void> {
    return this.#pools.endAll();
  }
}

/**
 * What every request to one connector shares, passed to the catalog, split and read functions:
 * its configuration and its pools (which hold the secret resolver and the token signer).
 */
export interface AuroraState {
  readonly config: AuroraConfig;
  readonly pools: AuroraPools;
}

/**
 * The pool of an Athena catalog's connection; the first request of a catalog creates it.
 *
 * @throws {ConnectorError} `InvalidInput` when the catalog has no connection (multiplexing names each one).
 */
export async function poolFor(state: AuroraState, catalogName: string): Promise<Pool> {
  const connection = connectionFor(state.config, catalogName);
  if (connection === undefined) {
    throw new ConnectorError(
      'InvalidInput',
      `Catalog ${JSON.stringify(catalogName)} has no connection: set the environment variable ${catalogName}_connection_string`,
    );
  }
  return state.pools.pool(connection);
}

/** Connections whose certificate was checked (VERIFY_IDENTITY), so the check runs once per connection. */
const identityChecked = new WeakSet<PoolConnection>();
/** Pools with a connection that passed the check: their resumed TLS sessions are the same server's. */
const identityVerified = new WeakSet<Pool>();

/** A connection from `pool`; every statement's connection comes through here, so VERIFY_IDENTITY is checked for each. */
async function getConnection(pool: Pool): Promise<PoolConnection> {
  const connection = await new Promise<PoolConnection>((resolve, reject) =>
    pool.getConnection((error, c) => (error === null ? resolve(c) : reject(error))),
  );
  const settings = poolSettings.get(pool);
  if (settings === undefined || identityChecked.has(connection)) return connection;
  const mismatch = checkIdentity(
    settings,
    (connection as unknown as { stream?: unknown }).stream,
    identityVerified.has(pool),
  );
  if (mismatch !== undefined) {
    connection.destroy();
    throw mismatch;
  }
  identityChecked.add(connection);
  identityVerified.add(pool);
  return connection;
}

/**
 * Runs a small statement and returns its rows as objects. `action` goes into error messages.
 * For metadata only: it buffers the whole result.
 */
export async function queryRows<T>(pool: Pool, statement: Statement, action: string): Promise<T[]> {
  let connection: PoolConnection;
  try {
    connection = await getConnection(pool);
  } catch (error) {
    throw classifyPoolError(pool, error, action);
  }
  try {
    const [rows] = await connection.promise().execute(statement.sql, [...statement.params]);
    connection.release();
    return rows as T[];
  } catch (error) {
    // A failed statement leaves the connection usable; a lost one mysql2 has already closed.
    connection.release();
    throw classifyMysqlError(error, action);
  }
}

/**
 * A connection of `pool` for one streamed read (see wire/wire-execute.ts, which releases or
 * destroys it). `isolated` (query passthrough): the connection is in a READ ONLY transaction, and
 * the caller closes it afterwards, so nothing the user's query did to its session (user variables,
 * named locks, the insert id) reaches the next caller of the pool.
 */
export async function readConnection(pool: Pool, action: string, isolated: boolean): Promise<PoolConnection> {
  let connection: PoolConnection;
  try {
    connection = await getConnection(pool);
  } catch (error) {
    throw classifyPoolError(pool, error, action);
  }
  if (isolated) {
    try {
      await connection.promise().query('START TRANSACTION READ ONLY');
    } catch (error) {
      connection.destroy();
      throw classifyMysqlError(error, action);
    }
  }
  return connection;
}

/**
 * The result columns of a statement, run in a READ ONLY transaction on its own connection so that
 * a query calling data-modifying functions fails instead of writing; the connection is closed
 * afterwards, as in {@link readConnection}'s `isolated` reads.
 */
export async function describeReadOnly(pool: Pool, statement: Statement, action: string): Promise<FieldPacket[]> {
  let connection: PoolConnection;
  try {
    connection = await getConnection(pool);
  } catch (error) {
    throw classifyPoolError(pool, error, action);
  }
  const session = connection.promise();
  try {
    await session.query('START TRANSACTION READ ONLY');
    const [, fields] = await session.execute(statement.sql, [...statement.params]);
    return fields;
  } catch (error) {
    throw classifyMysqlError(error, action);
  } finally {
    connection.destroy();
  }
}
