// local-athena against core's reference connector, in process, with spill to moto S3: pushdown
// derivation, the protocol run, loading into DuckDB, joins across catalogs, and errors with context.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectorError,
  createLambdaHandler,
  loadHandlerConfig,
  type Connector,
} from '@athena-federation/connector-core';
import { createReferenceConnector } from '@athena-federation/connector-core/testing';
import {
  AthenaSqlError,
  LocalAthena,
  QueryBindingError,
  UnknownCatalogError,
  analyzeQuery,
  athenaText,
} from '../src/index.js';
import { mixedRow, mixedTable } from '../../connector-core/test/support/reference-tables.js';
import { DuckDBInstance } from '@duckdb/node-api';

const bucket = 'local-athena-spill';
const s3 = new S3Client({ forcePathStyle: true });
const config = { ...loadHandlerConfig({}), spillBucket: bucket };
const ehr = createReferenceConnector({
  tables: [mixedTable('patients', 400), mixedTable('visits', 300, { partitionColumns: ['region'] })],
});
const devices = createReferenceConnector({
  tables: [{ ...mixedTable('readings', 250), tableName: { schemaName: 'wearables', tableName: 'readings' } }],
});
const handler = (connector: Connector) =>
  ({ kind: 'handler', handler: createLambdaHandler(connector, { config }) }) as const;

let athena: LocalAthena;
beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  athena = await LocalAthena.create({
    catalogs: { ehr_db: handler(ehr), devices: handler(devices) },
    maxBlockSize: 8192,
    maxInlineBlockSize: 4096,
  });
});
afterAll(async () => {
  await athena.close();
  s3.destroy();
});

const rows = (n: number) => Array.from({ length: n }, (_, i) => mixedRow(i));

describe('pushdown derivation', () => {
  it('finds federated tables and the WHERE conjuncts on their columns, through DuckDB’s parser', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const analysis = await analyzeQuery(
      connection,
      "SELECT p.name FROM ehr_db.ehr.patients p JOIN devices.wearables.readings r ON p.id = r.id WHERE p.region = 2 AND r.score BETWEEN 1 AND 3 AND p.name IN ('a', 'b') AND r.day IS NOT NULL AND 5 < p.score AND local_col = 1 OR false",
      new Set(['ehr_db', 'devices']),
    );
    expect(analysis.tables.map((t) => `${t.catalog}.${t.schemaName}.${t.tableName} as ${t.alias}`)).toEqual([
      'ehr_db.ehr.patients as p',
      'devices.wearables.readings as r',
    ]);
    // The top-level OR makes nothing a conjunct: nothing may be pushed.
    expect(analysis.predicates).toEqual([]);
    const plain = await analyzeQuery(
      connection,
      "SELECT * FROM ehr_db.ehr.patients p WHERE p.region = 2 AND p.name IN ('a', 'b') AND 5 < p.score AND p.day IS NOT NULL AND p.amount <= 12.50",
      new Set(['ehr_db']),
    );
    expect(plain.predicates.map((p) => `${p.column} ${p.op} ${JSON.stringify(p.values)}`)).toEqual([
      'region eq [2]',
      'name in ["a","b"]',
      'score gt [5]',
      'day is_not_null []',
      'amount le ["12.50"]',
    ]);
    connection.closeSync();
    db.closeSync();
  });
});

describe('queries', () => {
  it('runs a filtered query with the filter pushed down, through spill, and gets exactly the right rows', async () => {
    const result = await athena.query(
      'SELECT id, name, region FROM ehr_db.ehr.patients WHERE region = 2 AND score >= 0 ORDER BY id',
    );
    const expected = rows(400).filter((r) => r['region'] === 2 && r['score'] !== null && (r['score'] as number) >= 0);
    expect(result.rows.map((r) => r[0])).toEqual(expected.map((r) => r['id']));
    const [scan] = result.scans;
    expect(Object.keys(scan?.pushdown ?? {}).sort()).toEqual(['region', 'score']);
    expect(scan?.rows).toBe(expected.length);
  });

  it('joins tables of two catalogs', async () => {
    const result = await athena.query(
      'SELECT count(*) AS n FROM ehr_db.ehr.patients p JOIN devices.wearables.readings r ON p.id = r.id WHERE p.active AND r.region = 1',
    );
    const readings = new Map(rows(250).map((r) => [r['id'], r]));
    const expected = rows(400).filter((p) => p['active'] === true && readings.get(p['id'])?.['region'] === 1).length;
    expect(result.rows).toEqual([[BigInt(expected)]]);
    expect(result.scans.map((s) => s.table).sort()).toEqual(['devices.wearables.readings', 'ehr_db.ehr.patients']);
  });

  it('reads large results back through spill (small Athena-like block sizes)', async () => {
    const result = await athena.query('SELECT count(*) AS n, count(DISTINCT name) AS names FROM ehr_db.ehr.patients');
    expect(result.rows[0]?.[0]).toBe(400n);
    expect(result.scans[0]?.spilledObjects).toBeGreaterThan(0);
  });

  it('pushes the join keys of the filtered side into the other side (dynamic filtering)', async () => {
    const sql =
      'SELECT p.id, r.score FROM ehr_db.ehr.patients p JOIN devices.wearables.readings r ON p.id = r.id WHERE p.region = 2 AND p.active ORDER BY p.id';
    const result = await athena.query(sql);
    const readings = new Map(rows(250).map((r) => [r['id'], r]));
    const expected = rows(400).filter((p) => p['region'] === 2 && p['active'] === true && readings.has(p['id']));
    expect(result.rows.map((r) => r[0])).toEqual(expected.map((p) => p['id']));
    const [first, second] = result.scans;
    expect(first?.table).toBe('ehr_db.ehr.patients');
    expect(second?.table).toBe('devices.wearables.readings');
    expect(second?.dynamicFilters).toEqual(['id']);
    expect(second?.pushed.dynamicFilters).toEqual(['id']);
    expect(Object.keys(second?.timings ?? {})).toContain('joinKeysFromDuckDB');
    expect(Object.keys(first?.timings ?? {})).not.toContain('joinKeysFromDuckDB');
    expect(second?.pushdown['id']?.['@type']).toBe('EquatableValueSet');
    // Only readings whose id is among the filtered patients' ids came back, not all 250.
    expect(first?.rows).toBe(rows(400).filter((p) => p['region'] === 2 && p['active'] === true).length);
    expect(second?.rows).toBe(
      rows(250).filter((r) => rows(400).some((p) => p['region'] === 2 && p['active'] === true && p['id'] === r['id']))
        .length,
    );
    expect(second?.rows).toBeLessThan(250);
    const off = await LocalAthena.create({
      catalogs: { ehr_db: handler(ehr), devices: handler(devices) },
      dynamicFilterLimit: 0,
    });
    const unfiltered = await off.query(sql);
    expect(unfiltered.rows).toEqual(result.rows);
    expect(unfiltered.scans[1]?.rows).toBe(250);
    await off.close();
  });

  it('pushes WHERE conjuncts of CTEs and subqueries into the tables they read', async () => {
    const result = await athena.query(
      'WITH two AS (SELECT id, region FROM ehr_db.ehr.patients WHERE region = 2) SELECT count(*) FROM two WHERE id IN (SELECT id FROM devices.wearables.readings WHERE score > 0)',
    );
    const readings = new Set(
      rows(250)
        .filter((r) => r['score'] !== null && (r['score'] as number) > 0)
        .map((r) => r['id']),
    );
    expect(result.rows).toEqual([[BigInt(rows(400).filter((p) => p['region'] === 2 && readings.has(p['id'])).length)]]);
    expect(Object.keys(result.scans.find((s) => s.table === 'ehr_db.ehr.patients')?.pushdown ?? {})).toEqual([
      'region',
    ]);
    expect(Object.keys(result.scans.find((s) => s.table === 'devices.wearables.readings')?.pushdown ?? {})).toEqual([
      'score',
    ]);
  });

  it('loads every type the connectors return', async () => {
    const result = await athena.query(
      'SELECT amount, day, seen_at, tags, vitals FROM ehr_db.ehr.patients WHERE id = 999996',
    );
    expect(result.rows).toHaveLength(1);
    expect(String(result.rows[0]?.[0])).toBe(String(mixedRow(1)['amount']));
  });

  it('names the catalog, table and request when a connector fails', async () => {
    const failing: Connector = {
      ...ehr,
      getSplits: () => Promise.reject(new ConnectorError('AccessDenied', 'No access to the partitions')),
    };
    const local = await LocalAthena.create({ catalogs: { broken: handler(failing) } });
    await expect(local.query('SELECT * FROM broken.ehr.patients')).rejects.toThrow(
      /Catalog broken, table broken\.ehr\.patients \(GetSplitsRequest\): .*AccessDeniedException.*No access/,
    );
    await local.close();
  });

  it('names the split when a read fails', async () => {
    const failing: Connector = {
      ...ehr,
      readSplit: (ctx, input) => {
        if (input.split['start'] === '133') throw new ConnectorError('Throttled', 'The source is busy');
        return ehr.readSplit(ctx, input);
      },
    };
    const local = await LocalAthena.create({ catalogs: { broken: handler(failing) } });
    // The reference connector cuts 400 rows into 3 splits: 0–133, 133–266, 266–400.
    await expect(local.query('SELECT * FROM broken.ehr.patients')).rejects.toThrow(
      /^Catalog broken, table broken\.ehr\.patients \(ReadRecordsRequest, split 2 of 3, properties start, end\): .*The source is busy/,
    );
    await local.close();
  });

  it('refuses a date column compared with a varchar, as Athena does, before any split is read; the Athena spelling runs (https://trino.io/docs/current/functions/conversion.html)', async () => {
    const calls: string[] = [];
    const counting: Connector = {
      ...ehr,
      getSplits: (ctx, input) => {
        calls.push('getSplits');
        return ehr.getSplits(ctx, input);
      },
    };
    const local = await LocalAthena.create({ catalogs: { ehr_db: handler(counting) } });
    try {
      const error = await local.query("SELECT count(*) FROM ehr_db.ehr.patients WHERE day >= '2019-06-30'").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AthenaSqlError);
      expect((error as Error).message).toBe(
        "line 1:48: Cannot apply operator: date >= varchar(10) (Athena does not convert a varchar implicitly: use DATE '2019-06-30')",
      );
      expect(calls).toEqual([]);
      const fixed = await local.query("SELECT count(*) FROM ehr_db.ehr.patients WHERE day >= DATE '2019-06-30'");
      expect(fixed.rows[0]?.[0]).toBe(
        BigInt(rows(400).filter((r) => r['day'] !== null && (r['day'] as number) >= 18077).length),
      );
    } finally {
      await local.close();
    }
  });

  it('averages a decimal column as a decimal of its scale, rounded half up (Trino: avg(decimal(p,s)) is decimal(p,s))', async () => {
    const result = await athena.query('SELECT avg(amount) FROM ehr_db.ehr.patients');
    // The exact mean of the amounts in cents, rounded half up to cents.
    const cents = rows(400)
      .filter((r) => r['amount'] !== null)
      .map((r) => BigInt(String(r['amount']).replace('.', '')));
    const total = cents.reduce((a, b) => a + b, 0n);
    const n = BigInt(cents.length);
    const mean = (2n * total + n) / (2n * n);
    expect(athenaText(result.rows[0]?.[0])).toBe(`${mean / 100n}.${String(mean % 100n).padStart(2, '0')}`);
  });

  it("binds the SQL against the tables' schemas before any split is read: a misspelt column fails with DuckDB's message about the user's SQL", async () => {
    const calls: string[] = [];
    const counting: Connector = {
      ...ehr,
      getSplits: (ctx, input) => {
        calls.push('getSplits');
        return ehr.getSplits(ctx, input);
      },
      readSplit: (ctx, input) => {
        calls.push('readSplit');
        return ehr.readSplit(ctx, input);
      },
    };
    const local = await LocalAthena.create({ catalogs: { ehr_db: handler(counting), devices: handler(devices) } });
    try {
      const sql =
        'SELECT p.nmae, r.score FROM ehr_db.ehr.patients p JOIN devices.wearables.readings r ON p.id = r.id WHERE p.region = 2';
      const error = await local.query(sql).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(QueryBindingError);
      const message = (error as Error).message;
      expect(message).toMatch(/Binder Error: .*nmae/);
      expect(message).toContain('SELECT p.nmae');
      expect(message).not.toMatch(/CREATE|ATTACH|DETACH|DISTINCT/);
      expect(calls).toEqual([]);
      // The parser database is left clean: the same instance answers the corrected query.
      const fixed = await local.query(sql.replace('nmae', 'name'));
      expect(fixed.rows.length).toBe(
        rows(400).filter((r) => r['region'] === 2 && r['id'] !== null && rows(250).some((x) => x['id'] === r['id']))
          .length,
      );
    } finally {
      await local.close();
    }
  });

  it('names an unknown catalog and the registered ones, before asking any connector', async () => {
    const error = await athena
      .query('SELECT * FROM ehr_db.ehr.patients p JOIN claims.billing.lines l ON p.id = l.id')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(UnknownCatalogError);
    expect((error as Error).message).toBe('Catalog claims is not registered (registered: ehr_db, devices)');
  });
});
