/**
 * The patient-care example end to end: generate the data set, load MySQL (or PostgreSQL for the EHR
 * tables and MySQL for the claims) and DynamoDB, then ask local-athena — driving the connectors'
 * Lambda bundles over the real protocol — which patients need urgent care. Services it needs are
 * started here when the environment does not point at them.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureBucket, startMoto } from '@athena-federation/connector-core/harness';
import { LocalAthena, type QueryResult, formatExplain, formatRows } from '@athena-federation/local-athena';
import { type PatientCareData, generate } from './generate.js';
import { loadDynamoDb, loadMysql, loadPostgresEhr } from './load.js';
import { urgentCareSql } from './urgent-care.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

/** What a run needs; everything has a default that works on a fresh machine of this project. */
export interface PatientCareOptions {
  /** Called with a line of progress (loading, querying). */
  readonly progress?: (message: string) => void;
  readonly patients?: number;
  readonly days?: number;
  readonly seed?: number;
  readonly mysql?: { readonly host: string; readonly port: number; readonly user: string; readonly password: string };
  /** MySQL database for the EHR tables (default `ehr`); it is dropped and recreated. */
  readonly ehrDatabase?: string;
  /**
   * Where the EHR tables (patients, conditions, encounters) live: `mysql` (default, beside the
   * claims) or `postgres` — then PostgreSQL database `ehrDatabase`, schema `ehr`, read through the
   * same Aurora bundle as catalog `ehr` (`ehr_connection_string`), the claims staying in MySQL as
   * catalog `claims` (`default`).
   */
  readonly ehrEngine?: EhrEngine;
  readonly postgres?: {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly password: string;
  };
}

/** The engines the example can keep its EHR tables in. */
export type EhrEngine = 'mysql' | 'postgres';
const EHR_ENGINES: readonly EhrEngine[] = ['mysql', 'postgres'];

/** The run's answer and the data it was computed from. */
export interface PatientCareRun {
  readonly data: PatientCareData;
  readonly result: QueryResult;
}

/** Starts moto_server (S3 for spill) on a free port unless AWS_ENDPOINT_URL already points somewhere. */
async function startS3(): Promise<(() => Promise<void>) | undefined> {
  if (process.env['AWS_ENDPOINT_URL'] !== undefined || process.env['AWS_ENDPOINT_URL_S3'] !== undefined)
    return undefined;
  const moto = await startMoto();
  process.env['AWS_ENDPOINT_URL_S3'] = moto.endpoint;
  return async () => {
    delete process.env['AWS_ENDPOINT_URL_S3'];
    await moto.stop();
  };
}

/** Starts what is missing (dynalite in-process, moto for S3), loads the data, runs the query. */
export async function runPatientCare(options: PatientCareOptions = {}): Promise<PatientCareRun> {
  const data = generate({
    ...(options.patients === undefined ? {} : { patients: options.patients }),
    ...(options.days === undefined ? {} : { days: options.days }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const mysql = options.mysql ?? {
    host: process.env['MYSQL_HOST'] ?? '127.0.0.1',
    port: Number(process.env['MYSQL_PORT'] ?? 3306),
    user: process.env['MYSQL_USER'] ?? 'root',
    password: process.env['MYSQL_PASSWORD'] ?? '',
  };
  const postgres = options.postgres ?? {
    host: process.env['PGHOST'] ?? '127.0.0.1',
    port: Number(process.env['PGPORT'] ?? 5432),
    user: process.env['PGUSER'] ?? 'postgres',
    password: process.env['PGPASSWORD'] ?? '',
  };
  const ehrDatabase = options.ehrDatabase ?? 'ehr';
  const inPostgres = options.ehrEngine === 'postgres';
  const credentials = (user: string, password: string) =>
    `user=${encodeURIComponent(user)}&password=${encodeURIComponent(password)}`;
  const mysqlConnection = `mysql://jdbc:mysql://${mysql.host}:${mysql.port}/${ehrDatabase}?${credentials(mysql.user, mysql.password)}`;
  const stopS3 = await startS3();
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', () => resolve()));
  const port = (dynamo.address() as AddressInfo).port;
  const previous = { ...process.env };
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'] ?? 'test',
      AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'test',
      default: mysqlConnection,
      // One function, two engines: catalog `ehr` reads PostgreSQL and `claims` MySQL. Once one
      // catalog has a string of its own, every catalog needs one (Java's rule), `default` included.
      // The local server speaks no TLS, which sslmode says outright instead of trying it first.
      ...(inPostgres
        ? {
            ehr_connection_string: `postgres://jdbc:postgresql://${postgres.host}:${postgres.port}/${ehrDatabase}?${credentials(postgres.user, postgres.password)}&sslmode=disable`,
            claims_connection_string: mysqlConnection,
          }
        : {}),
      spill_bucket: 'patient-care-spill',
      disable_glue: 'true',
    });
    await ensureBucket('patient-care-spill');
    const say = options.progress ?? (() => undefined);
    if (inPostgres) {
      say(
        `loading ${data.patients.length} patients and ${data.conditions.length} conditions into PostgreSQL ${postgres.host}:${postgres.port}, ${data.claims.length} claim lines into MySQL ${mysql.host}:${mysql.port}`,
      );
      await loadPostgresEhr({ ...postgres, database: ehrDatabase }, data);
    } else
      say(
        `loading ${data.patients.length} patients, ${data.conditions.length} conditions and ${data.claims.length} claim lines into MySQL ${mysql.host}:${mysql.port}`,
      );
    await loadMysql({ ...mysql, database: ehrDatabase }, data, inPostgres);
    say(`loading ${data.readings.length} device readings into DynamoDB`);
    const client = new DynamoDBClient({});
    await loadDynamoDb(client, data);
    client.destroy();
    const aurora = { kind: 'bundle', path: join(repo, 'packages/connector-aurora/dist/lambda/index.mjs') } as const;
    const athena = await LocalAthena.create({
      // Smaller blocks than Athena's 16 MB / 5 MB, so the example's modest data set still exercises spill.
      maxBlockSize: 1_000_000,
      maxInlineBlockSize: 500_000,
      catalogs: {
        ehr: aurora,
        ...(inPostgres ? { claims: aurora } : {}),
        devices: { kind: 'bundle', path: join(repo, 'packages/connector-dynamodb/dist/lambda/index.mjs') },
      },
    });
    try {
      say('running the urgent-care query through local-athena');
      return {
        data,
        result: await athena.query(
          urgentCareSql(
            data.asOf,
            inPostgres
              ? { ehr: 'ehr', ehrSchema: 'ehr', claims: 'claims', claimsSchema: ehrDatabase, devices: 'devices' }
              : { ehr: 'ehr', devices: 'devices', ehrSchema: ehrDatabase },
          ),
        ),
      };
    } finally {
      await athena.close();
    }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in previous)) delete process.env[key];
    Object.assign(process.env, previous);
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    await stopS3?.();
  }
}

function count(option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new Error(`--${option} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** `pnpm start -- [--patients N] [--days N] [--ehr-engine mysql|postgres] [--explain]` */
async function main(): Promise<void> {
  // The connectors' per-request INFO lines belong in CloudWatch, not in the example's output
  // (POWERTOOLS_LOG_LEVEL=INFO pnpm start to see them), as with `local-athena query`.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
  // The bundles' AWS SDK warns about Node versions below the nodejs22.x they are built for; on this
  // machine's Node that is three copies of one warning before any output.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  // The bundles would ask Athena whether each long read's query still runs; local-athena's queries exist in no Athena.
  process.env['query_status_check_interval_ms'] ??= '0';
  const { values } = parseArgs({
    options: {
      patients: { type: 'string' },
      days: { type: 'string' },
      'ehr-engine': { type: 'string', default: 'mysql' },
      explain: { type: 'boolean', default: false },
    },
  });
  const ehrEngine = EHR_ENGINES.find((engine) => engine === values['ehr-engine']);
  if (ehrEngine === undefined)
    throw new Error(`--ehr-engine must be mysql or postgres, got ${JSON.stringify(values['ehr-engine'])}`);
  const started = performance.now();
  const { data, result } = await runPatientCare({
    progress: (message) => console.error(`… ${message}`),
    ...(values.patients === undefined ? {} : { patients: count('patients', values.patients) }),
    ...(values.days === undefined ? {} : { days: count('days', values.days) }),
    ehrEngine,
  });
  // The same per-table report as `local-athena query --explain`.
  if (values.explain === true) console.error(formatExplain(result.scans, result.duckdbMs));
  console.log(
    `Patients needing urgent care (${data.patients.length} patients, ${data.readings.length} device readings, as of ${data.asOf}):\n`,
  );
  console.log(formatRows(result.columns, result.rows, 'table', result.columnZones));
  console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Exit explicitly: the connector bundles keep their MySQL pools and HTTP sockets open, as they
  // should inside a Lambda, which would otherwise keep the finished example alive.
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`patient-care: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
