/**
 * The connectors as Athena meets them: each one's Lambda handler, built in this process from the
 * connector's exported factory and core's `createLambdaHandler`, over a real source (MariaDB
 * database `reliability_fuzz`, a PostgreSQL database of its own, an in-process dynalite) and
 * spilling to moto S3. All hold the same patient rows, with the planted sentinels, so reads can be
 * checked row by row against {@link patientRow}.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { createAuroraConnector, type AuroraConnector } from '@athena-federation/connector-aurora';
import {
  createLambdaHandler,
  createS3SpillServices,
  loadHandlerConfig,
  type FederationLambdaHandler,
  type HandlerConfig,
  type TableName,
} from '@athena-federation/connector-core';
import { ensureBucket } from '@athena-federation/connector-core/harness';
import { createDynamoDbConnector, loadDynamoDbConfig } from '@athena-federation/connector-dynamodb';
import { type Connection, createConnection } from 'mysql2/promise';
import pg from 'pg';
import { createTable, startDynalite } from '../../../connector-dynamodb/test/support/dynalite-server.js';
import { CANARY_SECRET, PLANTED_SENTINELS, SENTINEL_MRNS, SENTINEL_NAMES, SENTINEL_READINGS } from './sentinels.js';

/** The MariaDB database and user of this suite (the user's password is the canary secret). */
export const AURORA_DATABASE = 'reliability_fuzz';
/** The DynamoDB table of this suite. */
export const DYNAMODB_TABLE = 'reliability_patients';
/** Where both handlers spill. */
export const SPILL_BUCKET = 'reliability-fuzz-spill';

/** Where the suite finds MariaDB (AURORA_TEST_HOST / AURORA_TEST_PORT override, as in the Aurora tests). */
export const MARIADB = {
  host: process.env['AURORA_TEST_HOST'] ?? '127.0.0.1',
  port: Number(process.env['AURORA_TEST_PORT'] ?? '3306'),
};

/** One patient row in canonical text form: what both sources hold for index `i`. */
export interface PatientRow {
  readonly id: string;
  readonly mrn: string;
  readonly full_name: string | null;
  readonly pulse: string;
  readonly steps: string;
}

/** Row `i` (0-based) of the fixture; the first rows carry the planted sentinels. */
export function patientRow(i: number): PatientRow {
  return {
    id: String(i + 1),
    mrn: SENTINEL_MRNS[i] ?? `MRN-R-${String(i).padStart(7, '0')}`,
    full_name: SENTINEL_NAMES[i] ?? (i % 9 === 4 ? null : `Patient ${i}`),
    pulse: i === 1 ? SENTINEL_READINGS[0] : `${50 + (i % 60)}.${String(i % 10_000).padStart(4, '0')}`,
    steps: i === 2 ? SENTINEL_READINGS[1] : String((i * 7919) % 100_000),
  };
}

/** A value as read by core's block reader, in the canonical text of {@link PatientRow} (decimals without trailing zeros). */
export function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  return /^-?\d+\.\d+$/.test(text) ? text.replace(/\.?0+$/, '') : text;
}

/** A connector under test: its handler, the table to read, and how to stop it. */
export interface Target {
  readonly name: 'aurora' | 'postgres' | 'dynamodb';
  readonly handler: FederationLambdaHandler;
  readonly table: TableName;
  readonly rows: number;
  /** What the handler logged (its logger runs at DEBUG). */
  readonly logs: LogCapture;
  /** The source's own digest of the target's table (SQL sources), compared before and after hostile input. */
  checksum?(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A handler's log lines: every line is scanned for the planted sentinels as it is written, and
 * kept only when the target was started with `keepLogLines` (a fuzz run logs megabyte-long request
 * values; keeping them would be the very heap growth the run measures).
 */
export interface LogCapture {
  /** Lines written so far. */
  count: number;
  /** Lines holding a planted sentinel. */
  readonly leaks: string[];
  /** Every line, with `keepLogLines`. */
  readonly lines: string[];
}

function newLogCapture(): LogCapture {
  return { count: 0, leaks: [], lines: [] };
}

/** Options shared by both targets. */
export interface TargetOptions {
  readonly rows: number;
  /** Extra connector environment (Aurora: split sizing; DynamoDB: segments). */
  readonly env?: Readonly<Record<string, string>>;
  readonly config?: Partial<HandlerConfig>;
  /** Keep every log line in `logs.lines` (short runs that scan them afterwards). */
  readonly keepLogLines?: boolean;
}

type Write = (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) => boolean;

/** Captures that want the lines of a logger `service`, and the stream writes replaced while any is active. */
const captures = new Map<string, { readonly logs: LogCapture; readonly keep: boolean }[]>();
let restoreStreams: (() => void) | undefined;

/**
 * Replaces process.stdout/stderr writes once: a line of a captured service goes to every capture of
 * that service (two targets of one connector both see it) and, with the suite-wide log scan on
 * (phi-log-capture.ts), on to the stream where the scan sees it too; otherwise it stays out of the
 * test output like every other log (POWERTOOLS_LOG_LEVEL=SILENT).
 */
function captureStreams(): void {
  if (restoreStreams !== undefined) return;
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    const write = originals[i] as Write;
    stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const [marker, sinks] of captures) {
        if (!text.includes(marker)) continue;
        const leaked = PLANTED_SENTINELS.some((sentinel) => text.includes(sentinel));
        for (const { logs, keep } of sinks) {
          logs.count++;
          if (leaked) logs.leaks.push(text);
          if (keep) logs.lines.push(text.trimEnd());
        }
        if (process.env['PHI_LOG_SCAN_DIR'] === undefined) return true;
      }
      return write.call(this, chunk, ...rest);
    } as typeof stream.write;
  });
  restoreStreams = () => {
    streams.forEach((stream, i) => {
      stream.write = originals[i] as typeof stream.write;
    });
  };
}

/**
 * Builds a handler whose own logger (core's default, service `athena-connector-<sourceType>`) runs
 * at DEBUG, its lines going to `logs`. Powertools prints through its own Console on process.stdout
 * and process.stderr, so the lines are caught where those are written.
 */
function withDebugLogs(
  sourceType: string,
  logs: LogCapture,
  keep: boolean,
  build: () => FederationLambdaHandler,
): { handler: FederationLambdaHandler; release: () => void } {
  const marker = `"service":"athena-connector-${sourceType}"`;
  const sink = { logs, keep };
  captures.set(marker, [...(captures.get(marker) ?? []), sink]);
  captureStreams();
  const release = () => {
    const rest = (captures.get(marker) ?? []).filter((s) => s !== sink);
    if (rest.length > 0) captures.set(marker, rest);
    else captures.delete(marker);
    if (captures.size === 0) {
      restoreStreams?.();
      restoreStreams = undefined;
    }
  };
  // The logger reads its level from the environment when it is created.
  const level = process.env['POWERTOOLS_LOG_LEVEL'];
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
  try {
    return { handler: build(), release };
  } finally {
    if (level === undefined) delete process.env['POWERTOOLS_LOG_LEVEL'];
    else process.env['POWERTOOLS_LOG_LEVEL'] = level;
  }
}

/** A spill S3 client signed with the canary secret (moto accepts any key), so a leaked secret would show. */
function spillClient(): S3Client {
  return new S3Client({
    forcePathStyle: true,
    credentials: { accessKeyId: 'reliability', secretAccessKey: CANARY_SECRET },
  });
}

function handlerConfig(extra: Partial<HandlerConfig> = {}): HandlerConfig {
  return { ...loadHandlerConfig({}), spillBucket: SPILL_BUCKET, ...extra };
}

/**
 * The Aurora connector over `env` (either engine) behind core's handler, spilling to moto with the
 * canary-signed client; `release` stops capturing its logs and closes its pools and client.
 */
async function auroraHandler(
  env: Readonly<Record<string, string>>,
  options: TargetOptions,
): Promise<{ handler: FederationLambdaHandler; logs: LogCapture; release: () => Promise<void> }> {
  const connector: AuroraConnector = createAuroraConnector({
    env,
    secrets: () => Promise.reject(new Error('this suite uses no Secrets Manager secret')),
  });
  const config = handlerConfig(options.config);
  const logs = newLogCapture();
  const s3 = spillClient();
  await ensureBucket(SPILL_BUCKET);
  const { handler, release } = withDebugLogs('mysql', logs, options.keepLogLines === true, () =>
    createLambdaHandler(connector, { config, spill: createS3SpillServices(config, { s3 }) }),
  );
  return {
    handler,
    logs,
    async release() {
      release();
      await connector.close();
      s3.destroy();
    },
  };
}

/**
 * (Re)creates table `table` in database `reliability_fuzz` (one table per test file: files run in
 * parallel) and the user `reliability_fuzz`, whose password is the canary, then builds the Aurora
 * handler over it.
 */
export async function startAuroraTarget(options: TargetOptions & { readonly table: string }): Promise<Target> {
  const table = options.table;
  let admin: Connection;
  try {
    admin = await createConnection({ ...MARIADB, user: 'root', connectTimeout: 3000 });
  } catch (error) {
    throw new Error(
      `MariaDB is not reachable at ${MARIADB.host}:${MARIADB.port} as root (${(error as { code?: string }).code ?? String(error)}); start it with \`service mariadb start\``,
    );
  }
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${AURORA_DATABASE}\` CHARACTER SET utf8mb4`);
    await admin.query(`DROP TABLE IF EXISTS \`${AURORA_DATABASE}\`.\`${table}\``);
    await admin.query(
      `CREATE TABLE \`${AURORA_DATABASE}\`.\`${table}\` (id INT PRIMARY KEY, mrn VARCHAR(24) NOT NULL, full_name VARCHAR(80), pulse DECIMAL(9,4) NOT NULL, steps BIGINT NOT NULL)`,
    );
    for (let start = 0; start < options.rows; start += 5000) {
      const batch = Array.from({ length: Math.min(5000, options.rows - start) }, (_, k) => {
        const row = patientRow(start + k);
        return [Number(row.id), row.mrn, row.full_name, row.pulse, row.steps];
      });
      await admin.query(`INSERT INTO \`${AURORA_DATABASE}\`.\`${table}\` VALUES ?`, [batch]);
    }
    // Idempotent, with no moment without grants: test files running in parallel all get here.
    for (const host of ['%', 'localhost', '127.0.0.1']) {
      await admin.query(`CREATE USER IF NOT EXISTS 'reliability_fuzz'@'${host}' IDENTIFIED BY '${CANARY_SECRET}'`);
      await admin.query(`ALTER USER 'reliability_fuzz'@'${host}' IDENTIFIED BY '${CANARY_SECRET}'`);
      await admin.query(
        `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER ON \`${AURORA_DATABASE}\`.* TO 'reliability_fuzz'@'${host}'`,
      );
    }
  } finally {
    await admin.end();
  }
  const env = {
    default: `mysql://jdbc:mysql://${MARIADB.host}:${MARIADB.port}/${AURORA_DATABASE}?user=reliability_fuzz&password=${CANARY_SECRET}`,
    ...options.env,
  };
  const { handler, logs, release } = await auroraHandler(env, options);
  return {
    name: 'aurora',
    handler,
    table: { schemaName: AURORA_DATABASE, tableName: table },
    rows: options.rows,
    logs,
    async checksum() {
      const root = await createConnection({ ...MARIADB, user: 'root' });
      try {
        return JSON.stringify((await root.query(`CHECKSUM TABLE \`${AURORA_DATABASE}\`.\`${table}\``))[0]);
      } finally {
        await root.end();
      }
    },
    stop: release,
  };
}

/** Where the suite finds PostgreSQL (PG_TEST_HOST / PG_TEST_PORT override, as in the Aurora tests). */
export const POSTGRES = {
  host: process.env['PG_TEST_HOST'] ?? '127.0.0.1',
  port: Number(process.env['PG_TEST_PORT'] ?? '5432'),
};

/** The PostgreSQL schema of the target's table: mixed case, so every request resolves Athena's lower-cased name. */
export const POSTGRES_SCHEMA = 'Reliability';

/** Every value as PostgreSQL's text: checks compare what the server holds, not what pg parses. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as pg.CustomTypesConfig;

/** A PostgreSQL target, with what its PostgreSQL-only tests need beyond {@link Target}. */
export interface PostgresTarget extends Target {
  readonly name: 'postgres';
  /** The random database and the role the connector logs in as (its password is the canary; it owns the database). */
  readonly database: string;
  readonly role: string;
  /** A superuser client on `database`, values as text. */
  readonly admin: pg.Client;
  /** The connector environment of the target (`default` = its connection string). */
  readonly env: Readonly<Record<string, string>>;
  /** The PostgreSQL name of the table (`POSTGRES_SCHEMA`.`tableName`), quoted. */
  readonly quotedTable: string;
}

/** A superuser connection to `database` of the shared PostgreSQL. */
export async function connectPostgres(database: string): Promise<pg.Client> {
  const client = new pg.Client({
    ...POSTGRES,
    user: 'postgres',
    database,
    types: RAW_TEXT,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES.host}:${POSTGRES.port} as postgres (${(error as { code?: string }).code ?? String(error)}); start it with \`pg_ctlcluster 15 main start\``,
    );
  }
  return client;
}

/**
 * Creates a random database owned by a random login role (password: the canary; it may write,
 * create and drop there, so an injection that ran would show), the table `"Reliability"."<table>"`
 * with the fixture's columns (`Full_Name` mixed case) plus PostgreSQL types the fixture does not
 * check (timestamptz, text[], uuid, jsonb, an enum), and builds the Aurora handler over it through
 * a `postgres://` connection string. `stop()` drops the database and the role.
 */
export async function startPostgresTarget(
  options: TargetOptions & { readonly table: string },
): Promise<PostgresTarget> {
  const suffix = randomBytes(5).toString('hex');
  const database = `reliability_pg_${suffix}`;
  const role = `reliability_pg_${suffix}`;
  const server = await connectPostgres('postgres');
  await server.query(`CREATE ROLE ${role} LOGIN PASSWORD '${CANARY_SECRET}'`);
  await server.query(`CREATE DATABASE ${database} OWNER ${role} ENCODING 'UTF8' TEMPLATE template0`);
  const admin = await connectPostgres(database);
  const quotedTable = `"${POSTGRES_SCHEMA}"."${options.table}"`;
  await admin.query(`CREATE SCHEMA "${POSTGRES_SCHEMA}" AUTHORIZATION ${role}`);
  await admin.query(`CREATE TYPE "${POSTGRES_SCHEMA}"."Mood" AS ENUM ('calm', 'tense', 'lively')`);
  await admin.query(
    `CREATE TABLE ${quotedTable} (id integer PRIMARY KEY, mrn varchar(24) NOT NULL, "Full_Name" text, pulse numeric(9,4) NOT NULL, steps bigint NOT NULL, "Visit_At" timestamptz, tags text[], token uuid, doc jsonb, mood "${POSTGRES_SCHEMA}"."Mood")`,
  );
  const rows = Array.from({ length: options.rows }, (_, i) => patientRow(i));
  await admin.query(
    `INSERT INTO ${quotedTable} SELECT r.id, r.mrn, r.full_name, r.pulse, r.steps, timestamptz '2024-02-29 23:59:59.999999+00' + r.id * interval '1 hour 1.000001 second', ARRAY['tag-' || r.id % 3, NULL, 'ü'], md5(r.id::text)::uuid, jsonb_build_object('id', r.id, 'odd', r.id % 2 = 1), (enum_range(NULL::"${POSTGRES_SCHEMA}"."Mood"))[1 + r.id % 3] FROM unnest($1::int[], $2::text[], $3::text[], $4::numeric[], $5::int8[]) AS r(id, mrn, full_name, pulse, steps)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.mrn),
      rows.map((r) => r.full_name),
      rows.map((r) => r.pulse),
      rows.map((r) => r.steps),
    ],
  );
  await admin.query(`ALTER TABLE ${quotedTable} OWNER TO ${role}`);
  // Fresh statistics (pg_class.reltuples), so the split planner cuts key ranges.
  await admin.query(`ANALYZE ${quotedTable}`);
  const env = {
    default: `postgres://jdbc:postgresql://${POSTGRES.host}:${POSTGRES.port}/${database}?user=${role}&password=${CANARY_SECRET}&sslmode=disable`,
    ...options.env,
  };
  const { handler, logs, release } = await auroraHandler(env, options);
  return {
    name: 'postgres',
    handler,
    // As Athena sends them: lower-cased.
    table: { schemaName: POSTGRES_SCHEMA.toLowerCase(), tableName: options.table.toLowerCase() },
    rows: options.rows,
    logs,
    database,
    role,
    admin,
    env,
    quotedTable,
    async checksum() {
      const { rows: sums } = await admin.query(
        `SELECT count(*) AS n, md5(string_agg(t::text, E'\\n' ORDER BY t.id)) AS digest FROM ${quotedTable} t`,
      );
      return JSON.stringify(sums);
    },
    async stop() {
      await release();
      await admin.end();
      await server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await server.query(`DROP ROLE IF EXISTS ${role}`);
      await server.end();
    },
  };
}

function dynamoItem(i: number): Record<string, AttributeValue> {
  const row = patientRow(i);
  return {
    id: { N: row.id },
    mrn: { S: row.mrn },
    ...(row.full_name === null ? {} : { full_name: { S: row.full_name } }),
    pulse: { N: row.pulse },
    steps: { N: row.steps },
  };
}

/** Starts dynalite in this process, fills `reliability_patients`, and builds the DynamoDB handler over it (Glue off). */
export async function startDynamoDbTarget(options: TargetOptions): Promise<Target> {
  const dynamo = await startDynalite();
  await createTable(
    dynamo.client,
    {
      TableName: DYNAMODB_TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    Array.from({ length: options.rows }, (_, i) => dynamoItem(i)),
  );
  // The connector's own client signs with the canary secret (dynalite checks no signature), so a leaked secret would show.
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'reliability', secretAccessKey: CANARY_SECRET },
  });
  const connector = createDynamoDbConnector({
    client,
    config: loadDynamoDbConfig({ disable_glue: 'true', ...options.env }),
  });
  const config = handlerConfig(options.config);
  const logs = newLogCapture();
  const s3 = spillClient();
  await ensureBucket(SPILL_BUCKET);
  const { handler, release } = withDebugLogs('dynamodb', logs, options.keepLogLines === true, () =>
    createLambdaHandler(connector, { config, spill: createS3SpillServices(config, { s3 }) }),
  );
  return {
    name: 'dynamodb',
    handler,
    table: { schemaName: 'default', tableName: DYNAMODB_TABLE },
    rows: options.rows,
    logs,
    async stop() {
      release();
      client.destroy();
      s3.destroy();
      await dynamo.stop();
    },
  };
}
