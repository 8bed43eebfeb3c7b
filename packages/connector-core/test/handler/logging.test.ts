// Logs carry what an operator needs (request type, catalog, queryId, split, rows, bytes, spills,
// duration) and never row values, request payloads or identity tags.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Field, Int64, Schema, Utf8 } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { type Connector, ConnectorError, createLambdaHandler, loadHandlerConfig } from '../../src/index.js';
import { EngineDriver, createReferenceConnector, inProcessTransport } from '../../src/testing/index.js';

const SENTINEL_NAME = 'Zelda Quixote-Sentinel';
const SENTINEL_ID = 987_654_321_012;
const SENTINEL_TAG = 'tag-sentinel-7f3a';
const bucket = 'logging-spill';
const s3 = new S3Client({ forcePathStyle: true });

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => s3.destroy());

/** Runs `act` with stdout and stderr (Powertools writes errors there) captured; returns the JSON log records. */
async function logRecords(act: () => Promise<unknown>): Promise<{ records: Record<string, unknown>[]; text: string }> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return writes[i]?.(chunk, ...rest) ?? true;
    }) as typeof stream.write;
  });
  try {
    await act();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] ?? stream.write;
    });
  }
  return {
    records: lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
    text: lines.join('\n'),
  };
}

const identity = {
  id: 'UNKNOWN',
  principal: 'UNKNOWN',
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/x',
  tags: {},
  groups: [],
};
const getTable = {
  '@type': 'GetTableRequest',
  identity,
  queryId: 'q-log',
  catalogName: 'ehr',
  tableName: { schemaName: 'ehr', tableName: 'patients' },
};

/** A connector whose GetTable throws `error`. */
function failingWith(error: unknown): Connector {
  const base = createReferenceConnector({ tables: [] });
  return { ...base, getTable: () => Promise.reject(error) };
}

async function failedRequestLog(
  error: unknown,
  context?: Partial<Context>,
): Promise<{ records: Record<string, unknown>[]; text: string }> {
  const handler = createLambdaHandler(failingWith(error), {
    logger: new Logger({ serviceName: 'logging-test', logLevel: 'DEBUG' }),
    config: loadHandlerConfig({}),
  });
  return logRecords(() =>
    handler(getTable, context).then(
      () => expect.unreachable('the request should fail'),
      () => undefined,
    ),
  );
}

describe('failure logs', () => {
  it("log a failure's name, text and stack in Powertools' error field, and nothing reserved", async () => {
    const { records } = await failedRequestLog(
      new ConnectorError('InvalidInput', 'Column birth_date of table ehr.patients cannot be compared with a varchar'),
    );
    expect(records.filter((r) => r['level'] === 'WARN')).toEqual([]);
    const failed = records.find((r) => r['message'] === 'request failed');
    expect(failed).toMatchObject({
      level: 'ERROR',
      reason: 'InvalidInput',
      requestType: 'GetTableRequest',
      queryId: 'q-log',
      errorType: 'com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException',
    });
    const error = failed?.['error'] as Record<string, unknown>;
    expect(error).toMatchObject({
      name: 'ConnectorError',
      reason: 'InvalidInput',
      message: 'Column birth_date of table ehr.patients cannot be compared with a varchar',
    });
    expect(String(error['stack'])).toMatch(/^ConnectorError: Column birth_date[^\n]*\n\s+at .*logging\.test\.ts/);
  });

  it("keep a driver error's name, codes and stack but not its text, which may quote row values", async () => {
    const driverError = Object.assign(new Error(`Duplicate entry '${SENTINEL_NAME}' for key 'name'`), {
      name: 'MysqlError',
      code: 'ER_DUP_ENTRY',
      errno: 1062,
      sqlState: '23000',
      sql: `INSERT INTO patients VALUES ('${SENTINEL_NAME}')`,
      sqlMessage: SENTINEL_NAME,
    });
    const { records, text } = await failedRequestLog(driverError);
    const failed = records.find((r) => r['message'] === 'request failed');
    const error = failed?.['error'] as Record<string, unknown>;
    expect(error).toMatchObject({
      name: 'ConnectorError',
      reason: 'Internal',
      message: 'The connector failed unexpectedly while serving the request',
    });
    expect(error['cause']).toMatchObject({
      name: 'MysqlError',
      code: 'ER_DUP_ENTRY',
      errno: 1062,
      sqlState: '23000',
      message: "(MysqlError's message is not logged: it may hold data)",
    });
    expect(String((error['cause'] as Record<string, unknown>)['stack'])).toMatch(
      /^MysqlError\n\s+at .*logging\.test\.ts/,
    );
    expect(text).not.toContain('Zelda');
    expect(text).not.toContain('INSERT');
  });

  it("keep a connection error's text: it names a host, not data", async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:3306'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      address: '10.0.0.5',
      port: 3306,
    });
    const { records } = await failedRequestLog(
      new ConnectorError('Internal', 'Could not connect to MySQL', { cause: refused }),
    );
    const error = records.find((r) => r['message'] === 'request failed')?.['error'] as Record<string, unknown>;
    expect(error['cause']).toMatchObject({
      name: 'Error',
      code: 'ECONNREFUSED',
      syscall: 'connect',
      message: 'connect ECONNREFUSED 10.0.0.5:3306',
    });
  });

  it('carry the Lambda context: request id, cold start and function ARN', async () => {
    const context = (requestId: string): Partial<Context> => ({
      awsRequestId: requestId,
      functionName: 'athena-ehr',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:athena-ehr',
      memoryLimitInMB: '3008',
      getRemainingTimeInMillis: () => 60_000,
    });
    // The runtime sets this for on-demand functions; Powertools reports a cold start only then.
    const initialization = process.env['AWS_LAMBDA_INITIALIZATION_TYPE'];
    process.env['AWS_LAMBDA_INITIALIZATION_TYPE'] = 'on-demand';
    const logger = new Logger({ serviceName: 'logging-test', logLevel: 'DEBUG' });
    if (initialization === undefined) delete process.env['AWS_LAMBDA_INITIALIZATION_TYPE'];
    else process.env['AWS_LAMBDA_INITIALIZATION_TYPE'] = initialization;
    const handler = createLambdaHandler(createReferenceConnector({ tables: [] }), {
      logger,
      config: loadHandlerConfig({}),
    });
    const ping = { '@type': 'PingRequest', identity, catalogName: 'ehr', queryId: 'q-ping' };
    const { records } = await logRecords(async () => {
      await handler(ping, context('req-1'));
      await handler(ping, context('req-2'));
    });
    const done = records.filter((r) => r['message'] === 'request done');
    expect(done.map((r) => [r['function_request_id'], r['cold_start'], r['function_arn'], r['function_name']])).toEqual(
      [
        ['req-1', true, 'arn:aws:lambda:us-east-1:123456789012:function:athena-ehr', 'athena-ehr'],
        ['req-2', false, 'arn:aws:lambda:us-east-1:123456789012:function:athena-ehr', 'athena-ehr'],
      ],
    );
  });
});

describe('structured logs', () => {
  it('say what happened without any row value, payload or identity tag', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const schema = new Schema([new Field('id', new Int64(), false), new Field('name', new Utf8(), true)]);
      const connector = createReferenceConnector({
        tables: [
          {
            tableName: { schemaName: 'ehr', tableName: 'patients' },
            schema,
            rowCount: 3000,
            splitsPerPartition: 2,
            row: (i) => ({ id: i === 7 ? SENTINEL_ID : i, name: i === 7 ? SENTINEL_NAME : `p${i}` }),
          },
        ],
      });
      const logger = new Logger({ serviceName: 'logging-test', logLevel: 'DEBUG' });
      const driver = new EngineDriver({
        transport: inProcessTransport(
          createLambdaHandler(connector, { logger, config: { ...loadHandlerConfig({}), spillBucket: bucket } }),
        ),
        identity: {
          id: 'UNKNOWN',
          principal: 'UNKNOWN',
          account: '123456789012',
          arn: 'arn:aws:iam::123456789012:user/x',
          tags: { team: SENTINEL_TAG },
          groups: [],
          configOptions: {},
        },
        maxBlockSize: 4096,
        maxInlineBlockSize: 1024,
      });
      const result = await driver.scan({ schemaName: 'ehr', tableName: 'patients' });
      expect(result.table.numRows).toBe(3000);
    } finally {
      process.stdout.write = write;
    }
    const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const reads = records.filter((r) => r['requestType'] === 'ReadRecordsRequest');
    expect(reads).toHaveLength(2);
    for (const read of reads) {
      expect(read).toMatchObject({
        catalog: 'test_catalog',
        table: 'ehr.patients',
        rows: 1500,
        spills: expect.any(Number) as number,
        bytes: expect.any(Number) as number,
        durationMs: expect.any(Number) as number,
      });
      expect(read['split']).toMatch(/^[0-9a-f-]{36}$/);
      expect(read['spills']).toBeGreaterThan(0);
    }
    const all = lines.join('\n');
    expect(all).not.toContain('Zelda');
    expect(all).not.toContain(String(SENTINEL_ID));
    expect(all).not.toContain(SENTINEL_TAG);
  });
});
