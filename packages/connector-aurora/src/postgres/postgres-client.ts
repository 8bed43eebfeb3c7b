/**
 * Owns the pg (node-postgres) pools, one per PostgreSQL catalog, and the ways the connector talks
 * to PostgreSQL: metadata queries, reads through a server-side cursor (bounded memory), and the
 * read-only description of a passthrough query. pg itself is imported when the first pool is made,
 * so a MySQL-only function never loads it. Every value travels as a bound `$n` parameter of the
 * extended protocol, and every value comes back as PostgreSQL's text, converted by postgres-types.ts.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ConnectorError } from '@athena-federation/connector-core';
import type { TokenSigner, TokenSignerOptions } from '../aurora-client.js';
import type { AuroraConfig, IamAuthentication } from '../aurora-config.js';
import { postgresConnectionFor } from '../aurora-config.js';
import { type SecretResolver, parseCredentials } from '../aurora-secrets.js';
import { trustedCertificates } from '../aurora-tls.js';
import { PoolRegistry } from '../pool-registry.js';
import type { PostgresConnectionSettings } from './postgres-config.js';
import { NO_TLS_OFFERED, classifyPostgresError, isLostConnection, postgresTlsFailure } from './postgres-errors.js';

/** A bound parameter: text (PostgreSQL casts it), or NULL. */
export type PostgresParam = string | number | Uint8Array | null;

/** A statement with its bound parameters, `$1…$n` in order. */
export interface PostgresStatement {
  readonly sql: string;
  readonly params: readonly PostgresParam[];
}

/**
 * Every session reads values the same way whatever the server's or database's defaults: UTC (so
 * `timestamptz` text is the instant in UTC), ISO dates, PostgreSQL's own interval text, floats
 * with every digit that tells them apart, bytea as hex.
 */
const SESSION_SETUP =
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex'";

/** Every column as PostgreSQL's text: postgres-types.ts converts it, so no local time zone or float parsing applies. */
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value } as pg.CustomTypesConfig;

/**
 * A statement for the extended protocol (Parse/Bind/Execute), which binds every parameter and
 * refuses a second statement in the text. pg reads `queryMode`, which its type declarations lack.
 */
function extended(statement: PostgresStatement): pg.QueryConfig {
  const config = { text: statement.sql, values: [...statement.params], queryMode: 'extended' };
  return config;
}

/** The connection each pool was made for, to explain a failure to connect with its TLS mode. */
const poolSettings = new WeakMap<pg.Pool, PostgresConnectionSettings>();
/** Connections whose session is set up ({@link SESSION_SETUP}). */
const prepared = new WeakSet<pg.PoolClient>();

/** pg's `ssl` option for a connection's `sslmode`, with TLS (`useTls`) or without. */
async function sslOptions(settings: PostgresConnectionSettings, useTls: boolean): Promise<pg.PoolConfig['ssl']> {
  if (!useTls) return false;
  switch (settings.sslMode) {
    case 'verify-ca':
      // The chain is checked, the name is not (libpq's verify-ca).
      return { rejectUnauthorized: true, ca: await trustedCertificates(), checkServerIdentity: () => undefined };
    case 'verify-full':
      // pg hands the connection string's host to tls.connect, which checks that the certificate names it.
      return { rejectUnauthorized: true, ca: await trustedCertificates() };
    default:
      // allow, prefer, require: encrypted, certificate unchecked (libpq's meaning).
      return { rejectUnauthorized: false };
  }
}

/** Options of {@link PostgresPools}. */
export interface PostgresPoolsOptions {
  readonly secrets: SecretResolver;
  readonly connectionLimit: number;
  /** IAM database authentication instead of passwords (see aurora-config.ts). */
  readonly iamAuthentication?: IamAuthentication | undefined;
  /** Signs RDS auth tokens; default `@aws-sdk/rds-signer` with the default credential chain. */
  readonly createTokenSigner?: ((options: TokenSignerOptions) => TokenSigner) | undefined;
}

/** pg's `password`: a fixed one, or a function pg calls for every new connection. */
type PostgresPassword = string | (() => Promise<string>);

/**
 * One pg pool per connection string, rebuilt when the secret's credentials change (as the MySQL
 * pools are). Pools open connections lazily.
 */
export class PostgresPools {
  readonly #options: PostgresPoolsOptions;
  readonly #pools = new PoolRegistry<pg.Pool>((pool) => pool.end());

  constructor(options: PostgresPoolsOptions) {
    this.#options = options;
  }

  /** The pool for `settings`, resolving its secret (cached by the resolver). */
  async pool(settings: PostgresConnectionSettings): Promise<pg.Pool> {
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
        JSON.stringify([
          settings.host,
          settings.port,
          settings.database ?? null,
          user ?? null,
          iam === undefined ? (password ?? null) : 'iam',
        ]),
      )
      .digest('hex');
    return this.#pools.get(settings.source, identity, () =>
      iam === undefined
        ? this.#create(settings, user, password)
        : this.#tokens(settings, user).then((tokens) => this.#create(settings, user, tokens)),
    );
  }

  /**
   * IAM database authentication: a function signing a fresh RDS auth token, which pg calls for each
   * new connection (a token is valid for 15 minutes and only checked when connecting).
   */
  async #tokens(settings: PostgresConnectionSettings, user: string | undefined): Promise<() => Promise<string>> {
    const region = this.#options.iamAuthentication?.region;
    if (region === undefined) throw new Error('IAM tokens asked for without IAM database authentication');
    if (user === undefined)
      throw new ConnectorError(
        'InvalidInput',
        `${settings.source} names no database user for IAM database authentication`,
      );
    const signerOptions = { hostname: settings.host, port: settings.port, username: user, region };
    // The SDK's signer is loaded only here: only IAM deployments need it, and cold start should not compile it.
    const signer: TokenSigner =
      this.#options.createTokenSigner?.(signerOptions) ??
      new (await import('@aws-sdk/rds-signer')).Signer(signerOptions);
    return () => signer.getAuthToken();
  }

  /** Makes the pool of `settings` with these credentials, settling TLS for prefer and allow on its first connection. */
  async #create(
    settings: PostgresConnectionSettings,
    user: string | undefined,
    password: PostgresPassword | undefined,
  ): Promise<pg.Pool> {
    // Loaded with the first PostgreSQL pool, so MySQL-only functions never compile it.
    const { Pool } = (await import('pg')).default;
    const make = async (useTls: boolean): Promise<pg.Pool> => {
      const created = new Pool({
        host: settings.host,
        port: settings.port,
        ...(settings.database === undefined ? {} : { database: settings.database }),
        ...(user === undefined ? {} : { user }),
        ...(password === undefined ? {} : { password }),
        ssl: await sslOptions(settings, useTls),
        types: RAW_TEXT,
        connectionTimeoutMillis: settings.connectTimeoutMs,
        max: this.#options.connectionLimit,
        idleTimeoutMillis: 60_000,
        keepAlive: true,
        application_name: 'athena-federation',
      });
      // An idle connection the server drops must not crash the process; the next checkout reconnects.
      created.on('error', () => undefined);
      poolSettings.set(created, settings);
      return created;
    };
    const firstTls = settings.sslMode !== 'disable' && settings.sslMode !== 'allow';
    let pool = await make(firstTls);
    if (settings.sslMode === 'prefer' || settings.sslMode === 'allow') {
      // libpq's prefer: TLS, and plain text only when the server has none; allow: plain text, and
      // TLS only when the server refuses plain text (pg_hba.conf's hostssl). pg cannot fall back
      // within a handshake, so the first connection tells; it stays in the pool for the query.
      try {
        (await checkout(pool, 'connecting to PostgreSQL', { probing: true })).client.release();
      } catch (error) {
        void pool.end().catch(() => undefined);
        const fallBack =
          settings.sslMode === 'prefer'
            ? error instanceof Error && error.message === NO_TLS_OFFERED
            : (error as { code?: unknown }).code === '28000';
        if (!fallBack) throw connectFailure(pool, error, `connecting to PostgreSQL (${settings.source})`);
        pool = await make(!firstTls);
      }
    }
    return pool;
  }

  /** Closes every pool (tests, and a graceful shutdown). */
  end(): Promise<void> {
    return this.#pools.endAll();
  }
}

/** A failure to connect, explained with the connection's TLS mode when it is a TLS failure. */
function connectFailure(pool: pg.Pool, error: unknown, action: string): ConnectorError {
  const settings = poolSettings.get(pool);
  return (
    (settings === undefined ? undefined : postgresTlsFailure(error, settings)) ?? classifyPostgresError(error, action)
  );
}

/** What the PostgreSQL half of the connector shares across requests: the configuration and the pools. */
export interface PostgresState {
  readonly config: AuroraConfig;
  readonly pools: PostgresPools;
}

/**
 * The pool of an Athena catalog served by PostgreSQL; the first request of a catalog creates it.
 *
 * @throws {ConnectorError} `InvalidInput` when the catalog has no PostgreSQL connection.
 */
export async function postgresPoolFor(state: PostgresState, catalogName: string): Promise<pg.Pool> {
  const connection = postgresConnectionFor(state.config, catalogName);
  if (connection === undefined)
    throw new ConnectorError(
      'InvalidInput',
      `Catalog ${JSON.stringify(catalogName)} has no PostgreSQL connection: set the environment variable ${catalogName}_connection_string`,
    );
  return state.pools.pool(connection);
}

/** A connection checked out of a pool, and whether it had served earlier requests. */
interface CheckedOut {
  readonly client: pg.PoolClient;
  /**
   * Taken from the pool's idle connections. Its server side may have gone while it sat there (a
   * restart or failover while the Lambda was frozen) without pg having seen the socket close yet.
   */
  readonly reused: boolean;
}

/**
 * A connection of `pool` with its session set up. Failures to connect are classified (TLS ones with
 * the connection's mode), except when `probing` (the first connection of prefer/allow, whose
 * caller reads the driver's own error to decide on the fallback). `fresh`: never an idle one (they
 * are closed instead), for the retry after an idle connection turned out lost — the others idle
 * beside it are likely lost too.
 */
async function checkout(
  pool: pg.Pool,
  action = 'connecting to PostgreSQL',
  options: { readonly probing?: boolean; readonly fresh?: boolean } = {},
): Promise<CheckedOut> {
  for (;;) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      if (options.probing === true) throw error;
      throw connectFailure(pool, error, action);
    }
    const reused = prepared.has(client);
    if (reused && options.fresh === true) {
      client.release(true);
      continue;
    }
    if (!reused) {
      try {
        await client.query(SESSION_SETUP);
      } catch (error) {
        client.release(true);
        throw classifyPostgresError(error, action);
      }
      prepared.add(client);
    }
    return { client, reused };
  }
}

/**
 * Whether a failure is retried on a new connection: the connection came from the idle pool and is
 * lost, most likely ended by the server while it sat there. Once only; a new connection that is
 * lost fails the request.
 */
function retryOnNewConnection(checkedOut: CheckedOut, attempt: number, error: unknown): boolean {
  return attempt === 0 && checkedOut.reused && isLostConnection(error);
}

/**
 * Runs `use` with a connection of `pool`, retried once on a new connection when the pooled one
 * turns out lost ({@link retryOnNewConnection}); for metadata and descriptions only, which hand
 * nothing on before they return and so may run twice. `close`: the connection is closed afterwards instead of
 * returned (the user's query ran in it). `action` goes into error messages.
 */
async function withConnection<T>(
  pool: pg.Pool,
  action: string,
  close: boolean,
  use: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const checkedOut = await checkout(pool, action, { fresh: attempt > 0 });
    let closeAfter = close;
    try {
      return await use(checkedOut.client);
    } catch (error) {
      // A failed statement leaves the session usable outside a transaction; a lost one is closed.
      closeAfter ||= isLostConnection(error);
      if (retryOnNewConnection(checkedOut, attempt, error)) continue;
      throw classifyPostgresError(error, action);
    } finally {
      checkedOut.client.release(closeAfter ? true : undefined);
    }
  }
}

/**
 * Runs a small statement and returns its rows as objects of text. For metadata only: it buffers
 * the whole result. `action` goes into error messages.
 */
export async function queryRows<T>(pool: pg.Pool, statement: PostgresStatement, action: string): Promise<T[]> {
  return withConnection(pool, action, false, async (client) => (await client.query(extended(statement))).rows as T[]);
}

/** Rows fetched per round trip: enough to amortise it, few enough to keep memory bounded. */
const FETCH_ROWS = 1024;
const CURSOR = 'athena_read';

/**
 * Streams a statement's rows (arrays of text, in select-list order) through a server-side cursor in
 * a READ ONLY transaction: `DECLARE … CURSOR`, then `FETCH FORWARD 1024` per chunk, so at most one
 * chunk is in memory whatever the result's size. Returning early (core has enough rows, or `signal`
 * fired) closes the connection rather than leave a cursor open in it. `isolated` (query
 * passthrough): the connection is closed afterwards too, so nothing the user's query did to its
 * session reaches the next caller of the pool. A pooled connection found lost at `BEGIN` (the
 * server ended it while idle) is replaced by a new one, once.
 */
export async function* streamPostgresRows(
  pool: pg.Pool,
  statement: PostgresStatement,
  signal: AbortSignal,
  action: string,
  options: { readonly isolated?: boolean } = {},
): AsyncGenerator<unknown[][]> {
  for (let attempt = 0; ; attempt++) {
    const checkedOut = await checkout(pool, action, { fresh: attempt > 0 });
    const client = checkedOut.client;
    // Between FETCHes the connection is ours but idle while core consumes a chunk: when the server
    // ends it then (pg_terminate_backend, a restart), pg reports it as an 'error' event, which without
    // a listener would end the process. It is kept and reported by the next FETCH instead.
    let lost: unknown;
    const onLost = (error: unknown) => {
      lost ??= error;
    };
    client.on('error', onLost);
    let finished = false;
    let begun = false;
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      begun = true;
      // Extended protocol: the statement's parameters are bound, and a second statement cannot ride along.
      await client.query(extended({ ...statement, sql: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${statement.sql}` }));
      for (;;) {
        if (signal.aborted) return;
        const result = await client.query({ text: `FETCH FORWARD ${FETCH_ROWS} FROM ${CURSOR}`, rowMode: 'array' });
        const rows = result.rows as unknown[][];
        if (rows.length > 0) yield rows;
        if (rows.length < FETCH_ROWS) break;
      }
      // ROLLBACK, not COMMIT: a read has nothing to keep, and what PostgreSQL lets a READ ONLY
      // transaction change anyway (large objects: lo_from_bytea, lo_put, lo_unlink) is undone.
      await client.query('ROLLBACK');
      finished = true;
      return;
    } catch (error) {
      if (signal.aborted) return;
      // Only BEGIN, before any row exists, is retried: a connection lost during the statement or
      // after rows were handed on fails the read (running it again could repeat rows).
      if (!begun && retryOnNewConnection(checkedOut, attempt, lost ?? error)) continue;
      throw classifyPostgresError(lost ?? error, action);
    } finally {
      // A half-read cursor or a passthrough session is never handed to the next caller. A connection
      // closed here keeps its listener: ending a lost connection can report the loss once more.
      const reuse = finished && options.isolated !== true;
      if (reuse) client.off('error', onLost);
      client.release(reuse ? undefined : true);
    }
  }
}

/** A result column as pg describes it: its name, type OID and type modifier. */
export interface PostgresFieldDescription {
  readonly name: string;
  readonly typeOid: number;
  readonly typeModifier: number;
}

/**
 * The result columns of a query, from a `LIMIT 0` read in a READ ONLY transaction on a connection
 * closed afterwards (the query is the user's: nothing it does may outlive the description).
 */
export async function describeReadOnly(
  pool: pg.Pool,
  statement: PostgresStatement,
  action: string,
): Promise<PostgresFieldDescription[]> {
  return withConnection(pool, action, true, async (client) => {
    await client.query('BEGIN TRANSACTION READ ONLY');
    const result = await client.query(extended(statement));
    return result.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID, typeModifier: f.dataTypeModifier }));
  });
}
