// The hello connector over the real wire (EngineDriver → Lambda handler → connector → moto S3):
// folders as schemas and tables, paging, sidecar types, every value read back exactly, a filtered
// and projected query, and bad data failing with the object and line it is in.
import {
  DataSourceOptimizations,
  OptimizationSubTypes,
  arrowTypeToJson,
  createLambdaHandler,
  loadHandlerConfig,
  makeValueBlock,
  readRows,
  type GetDataSourceCapabilitiesResponse,
  type Marker,
  type ValueSet,
} from '@athena-federation/connector-core';
import {
  EngineDriver,
  LambdaInvocationError,
  ensureBucket,
  inProcessTransport,
  makeConstraints,
} from '@athena-federation/connector-core/testing';
import {
  Bool,
  DateDay,
  DateMillisecond,
  Decimal,
  Float64,
  Int32,
  Int64,
  Utf8,
  type DataType,
  type Field,
  type Table,
} from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHelloConnector } from '../src/index.js';
import { type Order, orders, ordersObjects, putObjects } from './support/s3-tables.js';

const bucket = 'hello-connector-data';
const config = { ...loadHandlerConfig({}), spillBucket: 'hello-spill' };
const driver = () =>
  new EngineDriver({
    transport: inProcessTransport(
      createLambdaHandler(createHelloConnector({ bucket, prefix: '/tables/' }), { config }),
    ),
  });
const table = (schemaName: string, tableName: string) => ({ schemaName, tableName });
const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

beforeAll(async () => {
  await ensureBucket(config.spillBucket);
  await putObjects(bucket, '', { 'outside/ignored/_schema.json': '{"x": "int"}' });
  await putObjects(bucket, 'tables/retail/orders/', ordersObjects());
  for (const name of ['customers', 'products', 'returns', 'stores', 'suppliers']) {
    await putObjects(bucket, `tables/retail/${name}/`, { '_schema.json': '{"id": "int"}', 'all.jsonl': '{"id": 1}\n' });
  }
  await putObjects(bucket, 'tables/broken/', {
    'bad_json/_schema.json': '{"id": "bigint", "name": "varchar"}',
    'bad_json/a.jsonl': lines('{"id": 1, "name": "ok"}', '', '{"id": 3, "name": "SECRET-VALUE"', '{"id": 4}'),
    'not_object/_schema.json': '{"id": "bigint"}',
    'not_object/a.jsonl': lines('{"id": 1}', '[2]'),
    'wrong_type/_schema.json': '{"id": "bigint", "qty": "int"}',
    'wrong_type/a.jsonl': lines('{"id": 1, "qty": 2}', '{"id": 2, "qty": 3}', '{"id": 3, "qty": "SECRET-VALUE"}'),
    'bad_utf8/_schema.json': '{"name": "varchar"}',
    'bad_utf8/a.jsonl': new Uint8Array([
      ...Buffer.from('{"name": "fine"}\n{"name": "'),
      0xff,
      0xfe,
      ...Buffer.from('"}\n'),
    ]),
    'big_number/_schema.json': '{"id": "bigint", "price": "decimal(38,20)"}',
    'big_number/a.jsonl': lines('{"id": 1, "price": 1.5}', '{"id": 9007199254740993, "price": 2}'),
    'unknown_type/_schema.json': '{"id": "bigint", "tags": "array<string>"}',
    'upper_column/_schema.json': '{"Id": "bigint"}',
    'not_json_schema/_schema.json': '{"id": bigint}',
    'no_schema/a.jsonl': '{"id": 1}\n',
    'bad_at_5/_schema.json': '{"id": "int"}',
    'bad_at_5/a.jsonl': lines('{"id": 1}', '{"id": 2}', '{"id": 3}', '{"id": 4}', 'not json'),
  });
});

function rowsOf(result: Table): unknown[][] {
  return result.batches.flatMap((b) => readRows(b));
}

/** An order as the reader returns it (readValue conventions), computed from the source record, not from the connector. */
function expectedRow(order: Order, columns: readonly (keyof Order)[]): unknown[] {
  const converted: Record<keyof Order, unknown> = {
    ...order,
    day: order.day === null ? null : Date.parse(`${order.day}T00:00:00Z`) / 86_400_000,
    placed: order.placed === null ? null : Date.parse(order.placed),
  };
  return columns.map((c) => converted[c]);
}

const byId = (a: unknown[], b: unknown[]) => (BigInt(a[0] as bigint) < BigInt(b[0] as bigint) ? -1 : 1);

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LambdaInvocationError);
  return (error as LambdaInvocationError).error.errorMessage;
}

describe('metadata', () => {
  it('lists the folders under the prefix as schemas and tables, page by page', async () => {
    const d = driver();
    expect(await d.listSchemas()).toEqual(['broken', 'retail']);
    const all = await d.listTables('retail');
    expect(all.map((t) => t.tableName)).toEqual(['customers', 'orders', 'products', 'returns', 'stores', 'suppliers']);
    const before = d.trace.length;
    expect(await d.listTables('retail', 2)).toEqual(all);
    expect(d.trace.slice(before).filter((t) => t.requestType === 'ListTablesRequest')).toHaveLength(3);
  });

  it('types columns from the sidecar, in its order', async () => {
    const response = await driver().getTable(table('retail', 'orders'));
    const expected: [string, DataType][] = [
      ['id', new Int64()],
      ['customer', new Utf8()],
      ['amount', new Decimal(2, 10, 128)],
      ['quantity', new Int32()],
      ['shipped', new Bool()],
      ['day', new DateDay()],
      ['placed', new DateMillisecond()],
      ['score', new Float64()],
    ];
    expect(response.schema.fields.map((f) => [f.name, arrowTypeToJson(f.type)])).toEqual(
      expected.map(([n, t]) => [n, arrowTypeToJson(t)]),
    );
    expect(response.partitionColumns).toEqual([]);
  });

  it('reports a missing table, sidecar or bad sidecar by name', async () => {
    const d = driver();
    expect(await failure(d.getTable(table('retail', 'nope')))).toMatch(
      /EntityNotFoundException.*Table retail\.nope does not exist/,
    );
    expect(await failure(d.getTable(table('broken', 'no_schema')))).toMatch(
      /Table broken\.no_schema does not exist.*s3:\/\/hello-connector-data\/tables\/broken\/no_schema\/_schema\.json/,
    );
    expect(await failure(d.getTable(table('broken', 'unknown_type')))).toContain(
      's3://hello-connector-data/tables/broken/unknown_type/_schema.json: column "tags" has type "array<string>"',
    );
    expect(await failure(d.getTable(table('broken', 'upper_column')))).toContain(
      'column name "Id" must be non-empty and lower-case',
    );
    expect(await failure(d.getTable(table('broken', 'not_json_schema')))).toContain(
      'tables/broken/not_json_schema/_schema.json is not valid JSON',
    );
  });

  it('reports a bucket that does not exist as not found, naming it', async () => {
    const handler = createLambdaHandler(createHelloConnector({ bucket: 'hello-no-such-bucket', prefix: 'x' }), {
      config,
    });
    const message = await failure(new EngineDriver({ transport: inProcessTransport(handler) }).listSchemas());
    expect(message).toContain(
      '[EntityNotFoundException] Not found (NoSuchBucket while listing s3://hello-no-such-bucket/x/)',
    );
  });
});

describe('reads', () => {
  const columns = ['id', 'customer', 'amount', 'quantity', 'shipped', 'day', 'placed', 'score'] as const;

  it('reads every value exactly, one split per .jsonl object, skipping other files and subfolders', async () => {
    const result = await driver().scan(table('retail', 'orders'));
    expect(result.splits).toBe(4);
    expect(rowsOf(result.table).sort(byId)).toEqual(orders.map((o) => expectedRow(o, columns)).sort(byId));
  });

  it('answers a filtered, projected query with exactly the matching rows', async () => {
    // Prepare: amount > 100.00 AND quantity BETWEEN 2 AND 4, reading id, customer, amount, quantity.
    const d = driver();
    const { schema } = await d.getTable(table('retail', 'orders'));
    const field = (name: string) => schema.fields.find((f) => f.name === name) as Field;
    const marker = (f: Field, value: unknown, bound: Marker['bound']): Marker =>
      value === undefined
        ? { valueBlock: makeValueBlock(f, []), bound, nullValue: true }
        : { valueBlock: makeValueBlock(f, [value]), bound, nullValue: false };
    const range = (f: Field, low: [unknown, Marker['bound']], high: [unknown, Marker['bound']]): ValueSet => ({
      '@type': 'SortedRangeSet',
      type: arrowTypeToJson(f.type),
      ranges: [{ low: marker(f, ...low), high: marker(f, ...high) }],
      nullAllowed: false,
    });
    const summary = {
      amount: range(field('amount'), ['100.00', 'ABOVE'], [undefined, 'BELOW']),
      quantity: range(field('quantity'), [2, 'EXACTLY'], [4, 'EXACTLY']),
    };
    const projected = ['id', 'customer', 'amount', 'quantity'] as const;
    // Act
    const result = await d.scan(table('retail', 'orders'), {
      columns: projected,
      constraints: makeConstraints({ summary }),
    });
    // Assess
    const expected = orders.filter(
      (o) => o.amount !== null && Number(o.amount) > 100 && o.quantity !== null && o.quantity >= 2 && o.quantity <= 4,
    );
    expect(expected.length).toBeGreaterThan(2);
    expect(expected.length).toBeLessThan(orders.length / 2);
    expect(result.schema.fields.map((f) => f.name)).toEqual([...projected]);
    expect(rowsOf(result.table).sort(byId)).toEqual(expected.map((o) => expectedRow(o, projected)).sort(byId));
  });

  it('spills large results to S3 and reads back the same rows', async () => {
    const inline = await driver().scan(table('retail', 'orders'));
    const spilled = await new EngineDriver({
      transport: inProcessTransport(
        createLambdaHandler(createHelloConnector({ bucket, prefix: 'tables' }), { config }),
      ),
      maxBlockSize: 1024,
      maxInlineBlockSize: 1,
    }).scan(table('retail', 'orders'));
    expect(spilled.spilledObjects).toBeGreaterThan(0);
    expect(rowsOf(spilled.table).sort(byId)).toEqual(rowsOf(inline.table).sort(byId));
  });
});

describe('limit pushdown', () => {
  it('is advertised', async () => {
    const d = driver();
    const response = await d.send<GetDataSourceCapabilitiesResponse>(
      { '@type': 'GetDataSourceCapabilitiesRequest', identity: d.identity, queryId: d.queryId, catalogName: 'hello' },
      'GetDataSourceCapabilitiesResponse',
    );
    expect(response.capabilities).toEqual({
      [DataSourceOptimizations.limitPushdown]: [{ subType: OptimizationSubTypes.integerConstant, properties: [] }],
    });
  });

  it('stops reading an object at the limit when nothing filters, and reads on when something does', async () => {
    // Line 5 of the object is not JSON: only a read that stops early can succeed.
    const limited = await driver().scan(table('broken', 'bad_at_5'), { constraints: makeConstraints({ limit: 3n }) });
    expect(rowsOf(limited.table).map((r) => r[0])).toEqual([1, 2, 3]);
    expect(await failure(driver().scan(table('broken', 'bad_at_5')))).toContain(
      'bad_at_5/a.jsonl line 5 is not valid JSON',
    );
    const { schema } = await driver().getTable(table('broken', 'bad_at_5'));
    const id = schema.fields[0] as Field;
    const notNull: ValueSet = {
      '@type': 'AllOrNoneValueSet',
      type: arrowTypeToJson(id.type),
      all: true,
      nullAllowed: false,
    };
    const filtered = driver().scan(table('broken', 'bad_at_5'), {
      constraints: makeConstraints({ limit: 3n, summary: { id: notNull } }),
    });
    expect(await failure(filtered)).toContain('bad_at_5/a.jsonl line 5 is not valid JSON');
  });
});

describe('bad data', () => {
  const object = (name: string) => `s3://hello-connector-data/tables/broken/${name}/a.jsonl`;

  it('names the object and line of malformed JSON, never its text', async () => {
    const message = await failure(driver().scan(table('broken', 'bad_json')));
    expect(message).toContain(`${object('bad_json')} line 3 is not valid JSON`);
    expect(message).not.toContain('SECRET-VALUE');
  });

  it('names the object and line of a line that is not an object', async () => {
    expect(await failure(driver().scan(table('broken', 'not_object')))).toContain(
      `${object('not_object')} line 2 is not a JSON object`,
    );
  });

  it('names the table, row and column of a value its column cannot hold, never the value', async () => {
    const message = await failure(driver().scan(table('broken', 'wrong_type')));
    expect(message).toContain(
      'Table broken.wrong_type, row 3 of the split: a string value in column "qty" cannot be stored as Int32',
    );
    expect(message).not.toContain('SECRET-VALUE');
  });

  it('does not read a column the query does not ask for', async () => {
    const result = await driver().scan(table('broken', 'wrong_type'), { columns: ['id'] });
    expect(
      rowsOf(result.table)
        .map((r) => r[0])
        .sort(),
    ).toEqual([1n, 2n, 3n]);
  });

  it('refuses bytes that are not UTF-8 instead of replacing them', async () => {
    expect(await failure(driver().scan(table('broken', 'bad_utf8')))).toContain(
      `${object('bad_utf8')} line 2 is not valid UTF-8`,
    );
  });

  it('reads a bigint beyond 2^53 exactly, or refuses it where JSON.parse cannot show its digits', async () => {
    // Node.js ≥ 21 hands revivers the source text (Lambda's nodejs22.x does); Node.js 20 does not.
    let sourceAware = false;
    JSON.parse('1', (_key: string, value: unknown, context?: { source?: string }) => {
      sourceAware = context?.source === '1';
      return value;
    });
    const scan = driver().scan(table('broken', 'big_number'));
    if (sourceAware) {
      expect(rowsOf((await scan).table).sort(byId)).toEqual([
        [1n, '1.50000000000000000000'],
        [9007199254740993n, '2.00000000000000000000'],
      ]);
    } else {
      expect(await failure(scan)).toContain(`${object('big_number')} line 2: column "id" holds an integer beyond 2^53`);
    }
  });

  it('fails a read when the object changed after the splits were planned', async () => {
    // Prepare: plan the query, then rewrite the object the split points at.
    await putObjects(bucket, 'tables/broken/changing/', { '_schema.json': '{"id": "int"}', 'a.jsonl': '{"id": 1}\n' });
    const d = driver();
    await d.ping();
    const response = await d.getTable(table('broken', 'changing'));
    const constraints = makeConstraints();
    const splits = await d.getSplits(response, await d.getTableLayout(response, constraints), constraints);
    await putObjects(bucket, 'tables/broken/changing/', { 'a.jsonl': '{"id": 2}\n' });
    // Act
    const message = await failure(
      d.readSplit(response.tableName, response.schema, splits[0] ?? expect.fail('no split'), constraints),
    );
    // Assess
    expect(message).toContain(
      'The object changed after the query was planned (reading s3://hello-connector-data/tables/broken/changing/a.jsonl)',
    );
  });
});
