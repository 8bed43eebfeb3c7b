/**
 * Puts the generated data where the connectors read it: EHR and claims into MySQL (database `ehr`),
 * or the EHR tables into PostgreSQL (schema `ehr`) and only the claims into MySQL; device readings
 * into the DynamoDB table `device_readings` (hash key patient_id, sort key reading_time), as a
 * hospital's systems would hold them.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import type { Condition, Encounter, Patient, PatientCareData } from './generate.js';

/** Where MySQL is. */
export interface MysqlTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Where PostgreSQL is. */
export type PostgresTarget = MysqlTarget;

/**
 * Creates the EHR/claims database afresh and inserts the data; with `claimsOnly`, only the claim
 * lines (the EHR tables then live in PostgreSQL, see {@link loadPostgresEhr}).
 */
export async function loadMysql(target: MysqlTarget, data: PatientCareData, claimsOnly = false): Promise<void> {
  const connection = await createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    multipleStatements: true,
  });
  try {
    const db = `\`${target.database.replaceAll('`', '``')}\``;
    await connection.query(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; USE ${db};
      CREATE TABLE patients (patient_id INT PRIMARY KEY, mrn VARCHAR(16) NOT NULL, full_name VARCHAR(100) NOT NULL, birth_date DATE NOT NULL, sex CHAR(1) NOT NULL) CHARACTER SET utf8mb4;
      CREATE TABLE conditions (condition_id INT PRIMARY KEY, patient_id INT NOT NULL, icd10_code VARCHAR(10) NOT NULL, description VARCHAR(120) NOT NULL, onset_date DATE NOT NULL, KEY (patient_id));
      CREATE TABLE encounters (encounter_id INT PRIMARY KEY, patient_id INT NOT NULL, encounter_date DATE NOT NULL, kind ENUM('office','emergency','inpatient','telehealth') NOT NULL);
      CREATE TABLE claim_lines (claim_id INT NOT NULL, line_no INT NOT NULL, patient_id INT NOT NULL, service_date DATE NOT NULL, procedure_code VARCHAR(10) NOT NULL, amount DECIMAL(12,2) NOT NULL, status VARCHAR(10) NOT NULL, PRIMARY KEY (claim_id, line_no));`);
    const insert = async (table: string, rows: readonly object[]) => {
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000);
        if (chunk.length === 0) continue;
        const columns = Object.keys(chunk[0] as object);
        await connection.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [
          chunk.map((r) => Object.values(r)),
        ]);
      }
    };
    if (claimsOnly) await connection.query('DROP TABLE patients, conditions, encounters');
    else {
      await insert('patients', data.patients);
      await insert('conditions', data.conditions);
      await insert('encounters', data.encounters);
    }
    await insert('claim_lines', data.claims);
  } finally {
    await connection.end();
  }
}

/** Creates the readings table afresh and writes every reading (25 per BatchWriteItem, retrying unprocessed ones). */
export async function loadDynamoDb(
  client: DynamoDBClient,
  data: PatientCareData,
  tableName = 'device_readings',
): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'patient_id', AttributeType: 'N' },
        { AttributeName: 'reading_time', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'patient_id', KeyType: 'HASH' },
        { AttributeName: 'reading_time', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const requests: WriteRequest[] = data.readings.map((r) => ({
    PutRequest: {
      Item: {
        patient_id: { N: String(r.patient_id) },
        reading_time: { S: r.reading_time },
        steps: { N: String(r.steps) },
        sleep_minutes: { N: String(r.sleep_minutes) },
        resting_pulse: { N: String(r.resting_pulse) },
      },
    },
  }));
  const inFlight = 8;
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      let batch = requests.slice(next, next + 25);
      next += 25;
      for (let attempt = 0; batch.length > 0; attempt++) {
        if (attempt > 10) throw new Error(`DynamoDB kept ${batch.length} readings unprocessed`);
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }));
        batch = result.UnprocessedItems?.[tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Drops a database the example created (tests clean up after themselves). */
export async function dropMysqlDatabase(target: Omit<MysqlTarget, 'database'>, database: string): Promise<void> {
  const connection = await createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
  });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database.replaceAll('`', '``')}\``);
  } finally {
    await connection.end();
  }
}

/** A client of `database` on the PostgreSQL server of `target`. */
async function connectPostgres(target: Omit<PostgresTarget, 'database'>, database: string): Promise<pg.Client> {
  const client = new pg.Client({ ...target, database });
  await client.connect();
  return client;
}

/**
 * Creates the PostgreSQL database afresh with the EHR tables in schema `ehr` (an encounter's kind is
 * an enum type, as clinical schemas often have) and inserts them, one statement per table (arrays
 * unnested, so a table costs one round trip).
 */
export async function loadPostgresEhr(target: PostgresTarget, data: PatientCareData): Promise<void> {
  await dropPostgresDatabase(target, target.database);
  const admin = await connectPostgres(target, 'postgres');
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(target.database)}`);
  } finally {
    await admin.end();
  }
  const client = await connectPostgres(target, target.database);
  try {
    await client.query(`CREATE SCHEMA ehr;
      CREATE TYPE ehr.encounter_kind AS ENUM ('office', 'emergency', 'inpatient', 'telehealth');
      CREATE TABLE ehr.patients (patient_id integer PRIMARY KEY, mrn varchar(16) NOT NULL, full_name varchar(100) NOT NULL, birth_date date NOT NULL, sex char(1) NOT NULL);
      CREATE TABLE ehr.conditions (condition_id integer PRIMARY KEY, patient_id integer NOT NULL, icd10_code varchar(10) NOT NULL, description varchar(120) NOT NULL, onset_date date NOT NULL);
      CREATE INDEX ON ehr.conditions (patient_id);
      CREATE TABLE ehr.encounters (encounter_id integer PRIMARY KEY, patient_id integer NOT NULL, encounter_date date NOT NULL, kind ehr.encounter_kind NOT NULL);`);
    // Column → PostgreSQL type: the arrays are bound as text and cast by unnest's parameters.
    const insert = async <Row extends object>(
      table: string,
      types: Record<keyof Row & string, string>,
      rows: readonly Row[],
    ) => {
      const columns = Object.keys(types) as (keyof Row & string)[];
      const unnest = columns.map((column, k) => `$${k + 1}::${types[column]}[]`).join(', ');
      await client.query(
        `INSERT INTO ehr.${table} (${columns.join(', ')}) SELECT * FROM unnest(${unnest})`,
        columns.map((column) => rows.map((row) => row[column])),
      );
    };
    await insert<Patient>(
      'patients',
      { patient_id: 'integer', mrn: 'varchar', full_name: 'varchar', birth_date: 'date', sex: 'char' },
      data.patients,
    );
    await insert<Condition>(
      'conditions',
      {
        condition_id: 'integer',
        patient_id: 'integer',
        icd10_code: 'varchar',
        description: 'varchar',
        onset_date: 'date',
      },
      data.conditions,
    );
    await insert<Encounter>(
      'encounters',
      { encounter_id: 'integer', patient_id: 'integer', encounter_date: 'date', kind: 'ehr.encounter_kind' },
      data.encounters,
    );
  } finally {
    await client.end();
  }
}

/** Drops a PostgreSQL database the example created, closing its sessions first. */
export async function dropPostgresDatabase(target: Omit<PostgresTarget, 'database'>, database: string): Promise<void> {
  const admin = await connectPostgres(target, 'postgres');
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
