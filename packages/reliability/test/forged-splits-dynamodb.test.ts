// Forged splits through the DynamoDB connector's Lambda handler (issue #14, finding 1). Anyone who
// may invoke the function can send a ReadRecords request with any split properties, so each is
// attacker input: the fixed corpus and FORGED_SPLIT_RUNS random mixtures (seed FUZZ_SEED) of
// PartiQL writes, disabled passthrough, statements that are not the request's, other tables and
// indexes, bogus keys, segments, capacity shares and prototype keys must each be refused with a
// clear InvalidInput/Unsupported error or do no more than a legitimate request: only true rows of
// the request's own table, never a row of the other table, and both tables unchanged. moto serves
// DynamoDB here because it runs PartiQL writes (dynalite has no PartiQL), so a forged write that
// got through would show in the tables' checksums.
import { createHash } from 'node:crypto';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  arrowTypeToJson,
  createLambdaHandler,
  decodeResponse,
  encodeRequest,
  loadHandlerConfig,
  makeValueBlock,
  readRows,
  type FederatedIdentity,
  type FederationLambdaHandler,
  type GetTableResponse,
  type ReadRecordsRequest,
  type Split,
  type ValueSet,
} from '@athena-federation/connector-core';
import { ensureBucket } from '@athena-federation/connector-core/harness';
import { EngineDriver, inProcessTransport, makeConstraints } from '@athena-federation/connector-core/testing';
import { createDynamoDbConnector, loadDynamoDbConfig } from '@athena-federation/connector-dynamodb';
import { Field, Schema, Utf8, type RecordBatch } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable } from '../../connector-dynamodb/test/support/dynalite-server.js';
import {
  fixedCorpus,
  randomCase,
  type CorpusTables,
  type ForgedCase,
  type HandlerKind,
} from './support/forged-split-corpus.js';
import { checkError } from './support/fuzz-check.js';
import { canonical } from './support/targets.js';

/** Random forged splits per run after the fixed corpus (FORGED_SPLIT_RUNS overrides). */
const RUNS = Number(process.env['FORGED_SPLIT_RUNS'] ?? 300);
/** The seed of the random part; FUZZ_SEED reproduces another run. */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);
const PATIENTS = 40;
const SPILL_BUCKET = 'reliability-forged-spill';
/** Codes a refused forgery may carry: the request is at fault, or asks for what is switched off. */
const REFUSALS = new Set(['InvalidInputException', 'OperationNotSupportedException']);

// moto's endpoint and fake credentials come from the root vitest setup (AWS_ENDPOINT_URL).
const moto = new DynamoDBClient({ region: 'us-east-1' });
const stamp = Date.now();
const tables: CorpusTables = { patients: `ForgedPatients${stamp}`, secret: `ForgedSecret${stamp}` };
const identity: FederatedIdentity = {
  id: 'UNKNOWN',
  principal: 'UNKNOWN',
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/reliability',
  tags: {},
  groups: [],
  configOptions: {},
};
const athenaTable = { schemaName: 'default', tableName: tables.patients.toLowerCase() };

type Item = Record<string, AttributeValue>;

/** Patient `i`: hash `ward`, range `id`; every seventh has no name. */
function patient(i: number): Item {
  return {
    ward: { S: `w${i % 5}` },
    id: { N: String(i) },
    mrn: { S: `MRN-${String(i).padStart(4, '0')}` },
    ...(i % 7 === 3 ? {} : { full_name: { S: `Patient ${i}` } }),
    pulse: { N: `${60 + (i % 30)}.5` },
  };
}

/** A row of the other table: the same attribute names (and one shared MRN), ids the patients never have, and a SECRET- marker. */
function secretRow(i: number): Item {
  return {
    id: { N: String(1000 + i) },
    ward: { S: 'w1' },
    mrn: { S: 'MRN-0001' },
    full_name: { S: `SECRET-${i}` },
    pulse: { N: '99.5' },
    secret: { S: `SECRET-${i}` },
  };
}

const patients = new Map(Array.from({ length: PATIENTS }, (_, i) => [String(i), patient(i)]));

/** A checksum of a table's whole contents, item order aside. */
async function checksum(table: string): Promise<string> {
  const items: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await moto.send(
      new ScanCommand({ TableName: table, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }),
    );
    for (const item of page.Items ?? [])
      items.push(JSON.stringify(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1))));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return createHash('sha256').update(items.sort().join('\n')).digest('hex');
}

const checksums = async () => `${await checksum(tables.patients)} ${await checksum(tables.secret)}`;

function handlerFor(kind: HandlerKind): FederationLambdaHandler {
  const config = { ...loadHandlerConfig({}), spillBucket: SPILL_BUCKET, enableQueryPassthrough: kind !== 'closed' };
  const connector = createDynamoDbConnector({
    client: moto,
    config: loadDynamoDbConfig({
      disable_glue: 'true',
      ...(kind === 'capped' ? { max_read_capacity_units: '1000' } : {}),
    }),
  });
  return createLambdaHandler(connector, { config });
}

const handlers: Record<HandlerKind, FederationLambdaHandler> = {
  open: handlerFor('open'),
  closed: handlerFor('closed'),
  capped: handlerFor('capped'),
};
let table: GetTableResponse;
let keysOnly: Schema;
/** A real split of the request: its spill location and key carry the forged properties. */
let template: Split;

beforeAll(async () => {
  await ensureBucket(SPILL_BUCKET);
  await createTable(
    moto,
    {
      TableName: tables.patients,
      AttributeDefinitions: [
        { AttributeName: 'ward', AttributeType: 'S' },
        { AttributeName: 'id', AttributeType: 'N' },
        { AttributeName: 'mrn', AttributeType: 'S' },
        { AttributeName: 'pulse', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'ward', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'ByMrn',
          KeySchema: [{ AttributeName: 'mrn', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'ByPulse',
          KeySchema: [
            { AttributeName: 'ward', KeyType: 'HASH' },
            { AttributeName: 'pulse', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    },
    [...patients.values()],
  );
  await createTable(
    moto,
    {
      TableName: tables.secret,
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'N' },
        { AttributeName: 'mrn', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'ByMrn',
          KeySchema: [{ AttributeName: 'mrn', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    },
    Array.from({ length: 10 }, (_, i) => secretRow(i)),
  );
  const driver = new EngineDriver({ transport: inProcessTransport(handlers.open), identity });
  await driver.ping();
  table = await driver.getTable(athenaTable);
  keysOnly = new Schema(table.schema.fields.filter((f) => f.name === 'ward' || f.name === 'id'));
  const constraints = makeConstraints();
  const splits = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
  template =
    splits[0] ??
    (() => {
      throw new Error('GetSplits returned no split');
    })();
});

afterAll(() => {
  moto.destroy();
});

/** Every value of an answered row must be the request table's own, for the row its id names. */
function checkRowsOf(batch: RecordBatch, label: string): number {
  const names = batch.schema.fields.map((f) => f.name);
  for (const values of readRows(batch)) {
    const text = values.map((v) => canonical(v));
    if (text.some((v) => v?.includes('SECRET-'))) throw new Error(`${label}: answered a row of the other table`);
    const id = text[names.indexOf('id')];
    const item = id === null || id === undefined ? undefined : patients.get(id);
    if (item === undefined)
      throw new Error(`${label}: answered a row with id ${String(id)}, which the request's table does not hold`);
    names.forEach((name, i) => {
      const held = item[name];
      const expected = held === undefined ? null : canonical(held.S ?? held.N);
      if (text[i] !== expected)
        throw new Error(
          `${label}: row ${id} column ${name} read ${JSON.stringify(text[i])}, the table holds ${JSON.stringify(expected)}`,
        );
    });
  }
  return batch.numRows;
}

type Outcome =
  | { readonly answered: true; readonly rows: number }
  | { readonly answered: false; readonly code: string; readonly message: string };

/** Sends one forged ReadRecords straight to the handler, as a caller with invoke rights could. */
async function send(forged: ForgedCase, readRemote: EngineDriver): Promise<Outcome> {
  const passthrough =
    forged.passthrough === undefined ? {} : { schemaFunctionName: 'SYSTEM.QUERY', QUERY: forged.passthrough };
  const request: ReadRecordsRequest = {
    '@type': 'ReadRecordsRequest',
    identity,
    queryId: 'forged-splits',
    catalogName: 'reliability',
    tableName: athenaTable,
    schema: forged.keysOnly ? keysOnly : table.schema,
    split: { ...template, properties: forged.properties },
    constraints: makeConstraints({ queryPassthroughArguments: passthrough }),
    maxBlockSize: 16_000_000,
    maxInlineBlockSize: 5_242_880,
  };
  const event = JSON.parse(encodeRequest(request, 6)) as object;
  let result: unknown;
  try {
    result = await handlers[forged.handler](event, { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'forged' });
  } catch (error) {
    const code = checkError(error, forged.label);
    return { answered: false, code, message: (error as Error).message };
  }
  const response = decodeResponse(JSON.stringify(result), 6);
  if (response['@type'] === 'ReadRecordsResponse')
    return { answered: true, rows: checkRowsOf(response.records.records, forged.label) };
  if (response['@type'] !== 'RemoteReadRecordsResponse')
    throw new Error(`${forged.label}: answered ${response['@type']}`);
  let rows = 0;
  for (const location of response.remoteBlocks)
    rows += checkRowsOf(await readRemote.readSpilled(location, response.encryptionKey, response.schema), forged.label);
  return { answered: true, rows };
}

function equalsText(value: string): ValueSet {
  const marker = {
    valueBlock: makeValueBlock(new Field('v', new Utf8()), [value]),
    bound: 'EXACTLY' as const,
    nullValue: false,
  };
  return {
    '@type': 'SortedRangeSet',
    type: arrowTypeToJson(new Utf8()),
    ranges: [{ low: marker, high: marker }],
    nullAllowed: false,
  };
}

describe('forged DynamoDB splits', () => {
  it('reads what legitimate requests plan: every split GetSplits makes is answered', async () => {
    const driver = new EngineDriver({ transport: inProcessTransport(handlers.open), identity });
    await driver.ping();
    const select = `SELECT * FROM "${tables.patients}"`;
    const plans = [
      makeConstraints(),
      makeConstraints({ summary: { ward: equalsText('w1') } }),
      makeConstraints({ summary: { mrn: equalsText('MRN-0001') } }),
      makeConstraints({ queryPassthroughArguments: { schemaFunctionName: 'SYSTEM.QUERY', QUERY: select } }),
    ];
    let rows = 0;
    for (const constraints of plans) {
      const splits = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
      for (const split of splits) {
        const outcome = await send(
          {
            label: `legitimate ${JSON.stringify(split.properties)}`,
            properties: split.properties,
            handler: 'open',
            passthrough: constraints.queryPassthroughArguments['QUERY'],
            keysOnly: false,
          },
          driver,
        );
        if (!outcome.answered) throw new Error(`a legitimate split was refused: ${outcome.message}`);
        rows += outcome.rows;
      }
    }
    // Scan segments cover the table once, the ward and MRN queries 8 and 1 patients, the passthrough SELECT all of them.
    expect(rows).toBe(PATIENTS + 8 + 1 + PATIENTS);
  });

  it(`refuses or contains the fixed corpus and ${RUNS} random forged splits (seed ${SEED}), leaving both tables unchanged`, {
    timeout: 240_000,
  }, async () => {
    const readRemote = new EngineDriver({ transport: inProcessTransport(handlers.open), identity });
    const before = await checksums();
    const counts = { cases: 0, refused: 0, answered: 0, rowsChecked: 0 };
    const codes = new Map<string, number>();
    /** Refusals that came from DynamoDB itself: the forged value got past the connector's own checks. */
    const reachedDynamoDb: string[] = [];
    const run = async (forged: ForgedCase) => {
      const outcome = await send(forged, readRemote);
      counts.cases++;
      if (outcome.answered) {
        counts.answered++;
        counts.rowsChecked += outcome.rows;
      } else {
        if (!REFUSALS.has(outcome.code))
          throw new Error(
            `${forged.label}: refused as ${outcome.code}, not as the caller's fault: ${outcome.message.slice(0, 300)}`,
          );
        if (/\] DynamoDB /.test(outcome.message))
          reachedDynamoDb.push(`${forged.label}: ${outcome.message.slice(0, 200)}`);
        counts.refused++;
        codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
      }
      // A statement that ran would show at once, naming its case.
      if (forged.properties['statement'] !== undefined)
        expect(await checksums(), `${forged.label} changed a table`).toBe(before);
    };
    const started = performance.now();
    for (const forged of fixedCorpus(tables)) await run(forged);
    const fixed = counts.cases;
    await fc.assert(fc.asyncProperty(randomCase(tables), run), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    // The figures of the README's reliability table.
    console.info(
      `[reliability] forged splits dynamodb: ${JSON.stringify({ ...counts, fixed, random: counts.cases - fixed, codes: Object.fromEntries(codes), seed: SEED, seconds })}`,
    );
    expect(reachedDynamoDb.slice(0, 10)).toEqual([]);
    expect(await checksums()).toBe(before);
    expect(counts.refused).toBeGreaterThan(fixed / 2);
    expect(counts.answered).toBeGreaterThan(0);
  });
});
