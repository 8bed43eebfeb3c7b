// Key lookups and LIKE pushdown, judged by what dynalite itself served (operations and items its
// Queries and Scans examined), through the whole protocol (EngineDriver → Lambda handler → connector).
import {
  arrowTypeToJson,
  createLambdaHandler,
  DataSourceOptimizations,
  loadHandlerConfig,
  makeValueBlock,
  OptimizationSubTypes,
  readRows,
  StandardFunctionNames,
  type FederationExpression,
  type ValueSet,
} from '@athena-federation/connector-core';
import {
  EngineDriver,
  LambdaInvocationError,
  ensureBucket,
  inProcessTransport,
} from '@athena-federation/connector-core/testing';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Field, Int64, Utf8, type DataType } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbConnector, loadDynamoDbConfig } from '../src/index.js';
import { createTable, startDynalite, type DynaliteServer } from './support/dynalite-server.js';
import { likeExpression } from './support/like-expression.js';
import { readingItems, readingsTable } from './support/fixtures.js';

type Item = Record<string, AttributeValue>;

const config = { ...loadHandlerConfig({}), spillBucket: 'dynamodb-keys-spill' };
let dynamo: DynaliteServer;
let driver: () => EngineDriver;

/** 20 patients × 60 visits; the sort key is `<yyyy-mm>#<n>`; `Ward` and `Code` are plain strings. */
const visitItems: Item[] = Array.from({ length: 1200 }, (_, i) => ({
  PatientId: { S: `p${String(Math.floor(i / 60)).padStart(2, '0')}` },
  VisitKey: { S: `2026-${String((i % 12) + 1).padStart(2, '0')}#${i % 60}` },
  Ward: { S: ['north', 'south', 'north-east', 'lit_x', 'litXx'][i % 5] ?? '' },
  Code: { S: `c${i % 7}${i % 3 === 0 ? '%' : ''}` },
}));

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  dynamo = await startDynalite();
  await createTable(
    dynamo.client,
    {
      TableName: 'PatientVisits',
      AttributeDefinitions: [
        { AttributeName: 'PatientId', AttributeType: 'S' },
        { AttributeName: 'VisitKey', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PatientId', KeyType: 'HASH' },
        { AttributeName: 'VisitKey', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    },
    visitItems,
  );
  await createTable(dynamo.client, readingsTable, readingItems);
  const connector = createDynamoDbConnector({
    client: dynamo.client,
    config: { ...loadDynamoDbConfig({}), disableGlue: true },
  });
  const handler = createLambdaHandler(connector, { config });
  driver = () => new EngineDriver({ transport: inProcessTransport(handler) });
});

afterAll(async () => {
  await dynamo.stop();
});

const visits = { schemaName: 'default', tableName: 'patientvisits' };
const readings = { schemaName: 'default', tableName: 'readings' };

function equals(type: DataType, value: unknown): ValueSet {
  const marker = {
    valueBlock: makeValueBlock(new Field('v', type), [value]),
    bound: 'EXACTLY' as const,
    nullValue: false,
  };
  return {
    '@type': 'SortedRangeSet',
    type: arrowTypeToJson(type),
    ranges: [{ low: marker, high: marker }],
    nullAllowed: false,
  };
}

const like = likeExpression;

/** Scans `table` through the protocol, with dynalite's counters reset just before the reads. */
async function served(table: typeof visits, options: Parameters<EngineDriver['scan']>[1]) {
  const d = driver();
  await d.getTable(table);
  dynamo.resetServed();
  const result = await d.scan(table, options);
  const names = result.schema.fields.map((f) => f.name);
  const rows = result.table.batches
    .flatMap((b) => readRows(b))
    .map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
  return { rows, splits: result.splits, counts: dynamo.served() };
}

const keyOf = (row: Record<string, unknown>) => `${String(row['PatientId'])}/${String(row['VisitKey'])}`;
const sourceKeys = (keep: (item: Item) => boolean) =>
  visitItems
    .filter(keep)
    .map((item) => `${item['PatientId']?.S ?? ''}/${item['VisitKey']?.S ?? ''}`)
    .sort();

describe('key lookups use Query, not Scan (counted by dynalite)', () => {
  it('hash-key equality: one Query that examines only that partition', async () => {
    const { rows, counts } = await served(visits, {
      constraints: { summary: { PatientId: equals(new Utf8(), 'p03') } },
    });
    expect(rows.map(keyOf).sort()).toEqual(sourceKeys((item) => item['PatientId']?.S === 'p03'));
    expect(counts.operations.get('Query')).toBe(1);
    expect(counts.operations.get('Scan') ?? 0).toBe(0);
    expect(counts.scannedItems).toBe(60);
  });

  it('an IN list and a join-derived EquatableValueSet of several hash keys: one Query per key, no Scan', async () => {
    const keys = ['p01', 'p07', 'p19', 'p99'];
    const dynamicFilter: ValueSet = {
      '@type': 'EquatableValueSet',
      valueBlock: makeValueBlock(new Field('v', new Utf8()), keys),
      whiteList: true,
      nullAllowed: false,
    };
    const { rows, splits, counts } = await served(visits, { constraints: { summary: { PatientId: dynamicFilter } } });
    expect(rows.map(keyOf).sort()).toEqual(sourceKeys((item) => keys.includes(item['PatientId']?.S ?? '')));
    expect(splits).toBe(4);
    expect(counts.operations.get('Query')).toBe(4);
    expect(counts.operations.get('Scan') ?? 0).toBe(0);
    expect(counts.scannedItems).toBe(180);

    const numeric: ValueSet = {
      '@type': 'EquatableValueSet',
      valueBlock: makeValueBlock(new Field('v', new Int64()), [3n, 1500n, 1999n]),
      whiteList: true,
      nullAllowed: false,
    };
    const read = await served(readings, { constraints: { summary: { deviceId: numeric } } });
    expect(read.rows.map((r) => r['deviceId']).sort()).toEqual([1500n, 1999n, 3n]);
    expect(read.counts.operations.get('Query')).toBe(3);
    expect(read.counts.operations.get('Scan') ?? 0).toBe(0);
    expect(read.counts.scannedItems).toBe(3);
  });

  it('a hash value no key can hold (empty, or over 2,048 bytes) gets no Query: DynamoDB would refuse it, and it matches nothing', async () => {
    const keys = ['', 'p01', 'x'.repeat(2049)];
    const set: ValueSet = {
      '@type': 'EquatableValueSet',
      valueBlock: makeValueBlock(new Field('v', new Utf8()), keys),
      whiteList: true,
      nullAllowed: false,
    };
    const { rows, splits, counts } = await served(visits, { constraints: { summary: { PatientId: set } } });
    expect(rows.map(keyOf).sort()).toEqual(sourceKeys((item) => item['PatientId']?.S === 'p01'));
    expect(splits).toBe(1);
    expect(counts.operations.get('Query')).toBe(1);
  });

  it('an unconstrained hash key scans', async () => {
    const { rows, counts } = await served(visits, {});
    expect(rows).toHaveLength(visitItems.length);
    expect(counts.operations.get('Query') ?? 0).toBe(0);
    expect(counts.operations.get('Scan')).toBeGreaterThan(0);
  });
});

describe('LIKE pushdown', () => {
  it('advertises $like_pattern, and only that, as complex-expression pushdown', async () => {
    const d = driver();
    const response = await d.send<{
      '@type': 'GetDataSourceCapabilitiesResponse';
      catalogName: string;
      capabilities: Record<string, readonly { subType: string; properties: readonly string[] }[]>;
    }>(
      {
        '@type': 'GetDataSourceCapabilitiesRequest',
        identity: d.identity,
        queryId: d.queryId,
        catalogName: 'test_catalog',
      },
      'GetDataSourceCapabilitiesResponse',
    );
    expect(response.capabilities[DataSourceOptimizations.complexExpressionPushdown]).toEqual([
      { subType: OptimizationSubTypes.supportedFunctionExpressionTypes, properties: ['$like_pattern'] },
    ]);
  });

  it("turns a sort-key LIKE 'prefix%' into begins_with in the KeyConditionExpression", async () => {
    const summary = { PatientId: equals(new Utf8(), 'p05') };
    const all = await served(visits, { constraints: { summary } });
    const { rows, counts } = await served(visits, {
      constraints: { summary, expression: [like('VisitKey', '2026-03#%')] },
    });
    const expected = sourceKeys(
      (item) => item['PatientId']?.S === 'p05' && (item['VisitKey']?.S ?? '').startsWith('2026-03#'),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map(keyOf).sort()).toEqual(expected);
    expect(counts.operations.get('Query')).toBe(1);
    // DynamoDB examined only the matching items: the prefix was a key condition, not a filter.
    expect(counts.scannedItems).toBe(expected.length);
    expect(all.counts.scannedItems).toBe(60);
  });

  it('an empty sort-key bound stays out of the KeyConditionExpression, which DynamoDB would refuse', async () => {
    const text = (value: string) => ({
      valueBlock: makeValueBlock(new Field('v', new Utf8()), [value]),
      bound: 'EXACTLY' as const,
      nullValue: false,
    });
    const range = (low: string, high: string): ValueSet => ({
      '@type': 'SortedRangeSet',
      type: arrowTypeToJson(new Utf8()),
      ranges: [{ low: text(low), high: text(high) }],
      nullAllowed: false,
    });
    for (const [low, high] of [
      ['', '2026-03'],
      ['', ''],
    ] as const) {
      const summary = { PatientId: equals(new Utf8(), 'p05'), VisitKey: range(low, high) };
      const { rows, counts } = await served(visits, { constraints: { summary } });
      expect(rows.map(keyOf).sort()).toEqual(
        sourceKeys(
          (item) =>
            item['PatientId']?.S === 'p05' && (item['VisitKey']?.S ?? '') >= low && (item['VisitKey']?.S ?? '') <= high,
        ),
      );
      expect(counts.operations.get('Query')).toBe(1);
    }
  });

  it("a sort-key prefix that wins over a sort-key range leaves none of the range's placeholders behind (DynamoDB refuses unused ones)", async () => {
    const low = {
      valueBlock: makeValueBlock(new Field('v', new Utf8()), ['2026-0']),
      bound: 'EXACTLY' as const,
      nullValue: false,
    };
    const high = {
      valueBlock: makeValueBlock(new Field('v', new Utf8()), []),
      bound: 'BELOW' as const,
      nullValue: true,
    };
    const summary = {
      PatientId: equals(new Utf8(), 'p05'),
      VisitKey: {
        '@type': 'SortedRangeSet' as const,
        type: arrowTypeToJson(new Utf8()),
        ranges: [{ low, high }],
        nullAllowed: false,
      },
    };
    const { rows, counts } = await served(visits, {
      constraints: { summary, expression: [like('VisitKey', '2026-03#%')] },
    });
    const expected = sourceKeys(
      (item) => item['PatientId']?.S === 'p05' && (item['VisitKey']?.S ?? '').startsWith('2026-03#'),
    );
    expect(rows.map(keyOf).sort()).toEqual(expected);
    expect(counts.scannedItems).toBe(expected.length);
  });

  it('a LIKE on a plain string attribute becomes a FilterExpression begins_with; escapes are literal', async () => {
    // `lit\_%` ESCAPE '\' is the prefix `lit_`: `litXx` must not match, as an unescaped `_` would.
    const { rows, counts } = await served(visits, { constraints: { expression: [like('Ward', 'lit\\_%', '\\')] } });
    const expected = sourceKeys((item) => (item['Ward']?.S ?? '').startsWith('lit_'));
    expect(rows.map(keyOf).sort()).toEqual(expected);
    expect(counts.scannedItems).toBe(visitItems.length);
    // dynalite returned only matching items: the filter ran on its side.
    expect(counts.returnedItems).toBe(expected.length);
  });

  it('patterns that are not a plain prefix are applied exactly in the connector', async () => {
    // `north_%`: `_` is any one character (north-east matches, north does not).
    const underscore = await served(visits, { constraints: { expression: [like('Ward', 'north_%')] } });
    expect(underscore.rows.map(keyOf).sort()).toEqual(sourceKeys((item) => /^north.+$/su.test(item['Ward']?.S ?? '')));
    expect(underscore.counts.returnedItems).toBe(visitItems.length);
    // A literal `%` in the data, matched through an escape, and a suffix pattern, ANDed.
    const both = await served(visits, { constraints: { expression: [like('Code', '%#%', '#'), like('Ward', '%th')] } });
    expect(both.rows.map(keyOf).sort()).toEqual(
      sourceKeys((item) => (item['Code']?.S ?? '').endsWith('%') && (item['Ward']?.S ?? '').endsWith('th')),
    );
    expect(both.rows.length).toBeGreaterThan(0);
  });

  it('rejects an expression it did not advertise instead of ignoring it', async () => {
    const notLike: FederationExpression = {
      ...(like('Ward', 'x%') as Extract<FederationExpression, { '@type': 'FunctionCallExpression' }>),
      functionName: { functionName: StandardFunctionNames.equal },
    };
    const error = await driver()
      .scan(visits, { constraints: { expression: [notLike] } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(/\$equal is not one this connector advertises/);
  });
});
