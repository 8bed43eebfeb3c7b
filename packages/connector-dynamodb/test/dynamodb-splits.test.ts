// Split planning without a database: segment counts, Query-vs-Scan choice, split round trips.
import { ConnectorError } from '@athena-federation/connector-core';
import { describe, expect, it } from 'vitest';
import { passthroughStatement } from '../src/dynamodb-passthrough.js';
import { decodeSplit, encodeSplit, planSplits, scanSegmentCount, type KeySchema } from '../src/dynamodb-splits.js';

const limits = { minScanSegments: 4, maxScanSegments: 1000 };
const GiB = 1024 ** 3;

describe('scanSegmentCount', () => {
  it('never gives a small on-demand table a single segment', () => {
    expect(
      scanSegmentCount({ TableSizeBytes: 10_000, BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } }, limits),
    ).toBe(4);
    expect(scanSegmentCount({}, limits)).toBe(4);
  });

  it('grows with size (64 MiB per segment) and provisioned RCUs (100 per segment), within the max', () => {
    expect(
      scanSegmentCount({ TableSizeBytes: 2 * GiB, BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } }, limits),
    ).toBe(32);
    expect(scanSegmentCount({ TableSizeBytes: 0, ProvisionedThroughput: { ReadCapacityUnits: 2500 } }, limits)).toBe(
      25,
    );
    expect(scanSegmentCount({ TableSizeBytes: 1000 * GiB }, limits)).toBe(1000);
  });
});

describe('splits', () => {
  const keys: KeySchema = { hashKey: 'Pk', hashType: 'S', rangeKey: 'Sk', rangeType: 'N' };

  it('scans in segments without a hash-key point constraint', () => {
    const plan = planSplits('T', keys, {}, 6);
    expect(plan.count).toBe(6);
    expect(plan.at(5)).toEqual({ kind: 'scan', table: 'T', segment: 5, totalSegments: 6 });
  });

  it('round-trips split properties, binary hash values included', () => {
    const query = {
      kind: 'query',
      table: 'T',
      index: 'ByPk',
      hashKey: 'Pk',
      hashValue: { B: new Uint8Array([0, 255]) },
      rangeKey: 'Sk',
      rangeType: 'N',
    } as const;
    expect(decodeSplit(encodeSplit(query))).toEqual({ ...query, hashValue: { B: Buffer.from([0, 255]) } });
    const scan = { kind: 'scan', table: 'T', segment: 1, totalSegments: 2 } as const;
    expect(decodeSplit(encodeSplit(scan))).toEqual(scan);
  });

  it('queries a covering GSI when only its hash key is pinned, preferring one whose range key is constrained too', async () => {
    const { Utf8 } = await import('apache-arrow');
    const { buildRecordBatch, arrowTypeToJson } = await import('@athena-federation/connector-core');
    const { Field, Schema } = await import('apache-arrow');
    const schema = new Schema([new Field('col1', new Utf8(), true)]);
    const marker = {
      valueBlock: { aId: 't', schema, records: buildRecordBatch(schema, [['u1']]) },
      bound: 'EXACTLY' as const,
      nullValue: false,
    };
    const equalsU1 = {
      '@type': 'SortedRangeSet' as const,
      type: arrowTypeToJson(new Utf8()),
      ranges: [{ low: marker, high: marker }],
      nullAllowed: false,
    };
    const byUser = {
      indexName: 'ByUser',
      hashKey: 'User',
      hashType: 'S',
      rangeKey: undefined,
      rangeType: undefined,
      projectsAll: true,
      included: [],
    } as const;
    const byUserDate = { ...byUser, indexName: 'ByUserDate', rangeKey: 'Day', rangeType: 'S' } as const;
    const plan = planSplits('T', keys, { User: equalsU1, Day: equalsU1 }, 4, [byUser, byUserDate]);
    expect(plan.count).toBe(1);
    expect(plan.at(0)).toMatchObject({ kind: 'query', index: 'ByUserDate', hashKey: 'User', hashValue: { S: 'u1' } });
    expect(planSplits('T', keys, { Pk: equalsU1, User: equalsU1 }, 4, [byUser]).at(0)).toMatchObject({
      index: undefined,
      hashKey: 'Pk',
    });
  });

  it('refuses splits it did not make', () => {
    expect(() => decodeSplit({ kind: 'scan', table: 'T', segment: '3', totalSegments: '2' })).toThrow(ConnectorError);
    expect(() => decodeSplit({ kind: 'query', table: 'T', hashKey: 'Pk', hashValue: '{"M":{}}' })).toThrow(/hashValue/);
    expect(() => decodeSplit({ kind: 'other', table: 'T' })).toThrow(/unknown kind/);
  });
});

describe('forged split shapes (issue #14)', () => {
  it('refuses prototype keys, properties another kind has, and numbers this connector never writes', () => {
    const scan = { kind: 'scan', table: 'T', segment: '0', totalSegments: '2' };
    expect(decodeSplit(scan)).toEqual({ kind: 'scan', table: 'T', segment: 0, totalSegments: 2 });
    for (const forged of [
      JSON.parse('{"__proto__":{"kind":"partiql","statement":"DELETE FROM t"},"table":"T"}') as Record<string, string>,
      JSON.parse('{"kind":"scan","table":"T","segment":"0","totalSegments":"2","constructor":"x"}') as Record<
        string,
        string
      >,
      { ...scan, statement: 'SELECT 1' },
      { ...scan, segment: ' 1' },
      { ...scan, segment: '0x1' },
      { ...scan, totalSegments: '2.0' },
      { ...scan, totalSegments: 'Infinity' },
      { kind: 'query', table: 'T', hashKey: 'Pk', hashValue: '{"S":"a","N":"1"}' },
      { kind: 'query', table: 'T', hashKey: 'Pk', hashValue: '{"N":"NaN"}' },
      { kind: 'query', table: 'T', hashKey: 'Pk', hashValue: '{"B":"not base64!"}' },
    ]) {
      expect(() => decodeSplit(forged), JSON.stringify(forged)).toThrow(ConnectorError);
    }
  });

  it('takes one SELECT, whatever its literals, identifiers and comments hold', () => {
    expect(passthroughStatement({ query: ` SELECT * FROM "t;x" WHERE a = 'it''s; fine' -- ; trailing\n ;` })).toMatch(
      /^SELECT/,
    );
    expect(passthroughStatement({ query: 'SELECT * FROM t /* ; */' })).toBe('SELECT * FROM t /* ; */');
    expect(() => passthroughStatement({ query: "SELECT * FROM t; DELETE FROM t WHERE a = 'b'" })).toThrow(/single/);
    expect(() => passthroughStatement({ query: "SELECT * FROM t WHERE a = 'x'';'; UPDATE t SET a = 1" })).toThrow(
      /single/,
    );
    expect(() => passthroughStatement({ query: 'UPDATE t SET a = 1' })).toThrow(/only a PartiQL SELECT/);
  });
});
