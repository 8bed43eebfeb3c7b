/**
 * `pnpm bench` for the hello connector: what strict reading costs. Both sides fetch the same
 * JSON-lines object from a moto S3 started for the run and write the same Arrow batches with core's
 * writer; the baseline reads the object whole and `JSON.parse`s each line, the connector streams it
 * with fatal UTF-8 decoding, line numbers and exact bigint/decimal digits (the slower path, taken
 * by lines with a number of 16 or more digits, is measured apart). Nothing here passes or fails;
 * the target is printed beside the ratios.
 */
import { PutObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ConnectorSettings, RecordBatchWriter, loadHandlerConfig } from '@athena-federation/connector-core';
import { makeConstraints } from '@athena-federation/connector-core/engine';
import { compareAsync, ensureBucket, report, startMoto } from '@athena-federation/connector-core/harness';
import { parseSchemaFile } from '../src/hello-schema.js';
import { createHelloConnector } from '../src/index.js';

const LINES = Number(process.env['HELLO_BENCH_LINES'] ?? 200_000);
const bucket = 'hello-bench';
const key = 'bench/sales/orders/part-0.jsonl';
const schema = parseSchemaFile(
  JSON.stringify({
    id: 'bigint',
    customer: 'varchar',
    amount: 'decimal(10,2)',
    quantity: 'int',
    day: 'date',
    score: 'double',
  }),
  'bench',
);

/** Order lines; with `longNumbers`, every line's double has 17 digits, so every line takes the exact-digits path. */
function orderLines(longNumbers: boolean): Buffer {
  const lines = Array.from({ length: LINES }, (_, i) =>
    JSON.stringify({
      id: 1_000_000 + i,
      customer: `customer-${i % 977}`,
      amount: ((i * 37) % 100_000) / 100,
      quantity: i % 13,
      day: `2024-0${(i % 9) + 1}-1${i % 10}`,
      score: longNumbers ? i / 7 : Math.round(i / 0.07) / 100,
    }),
  );
  return Buffer.from(`${lines.join('\n')}\n`);
}

const moto = await startMoto();
Object.assign(process.env, moto.env);
try {
  const s3 = new S3Client({ forcePathStyle: true });
  await ensureBucket(bucket);
  const connector = createHelloConnector({ bucket, prefix: 'bench', client: s3 });
  const settings: ConnectorSettings = loadHandlerConfig({});
  const ctx = {
    queryId: 'bench',
    catalogName: 'bench',
    identity: null,
    signal: new AbortController().signal,
    config: settings,
  } as Parameters<typeof connector.readSplit>[0];
  const input = {
    tableName: { schemaName: 'sales', tableName: 'orders' },
    schema,
    split: { key, etag: '' },
    constraints: makeConstraints(),
    maxBlockSize: 16_000_000,
    confirmExactPushdown: () => undefined,
  };

  const baseline = async () => {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await object.Body?.transformToString()) ?? '';
    const writer = new RecordBatchWriter(schema);
    let rows = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      writer.appendRow(JSON.parse(line) as Record<string, unknown>);
      if (writer.numRows >= 1000) rows += writer.finish().numRows;
    }
    return rows + writer.finish().numRows;
  };
  // The connector yields chunks of rows; core writes them into Arrow as the baseline does, so the
  // candidate side writes them too.
  const candidate = async () => {
    const writer = new RecordBatchWriter(schema);
    let rows = 0;
    for await (const chunk of connector.readSplit(ctx, input)) {
      if (!Array.isArray(chunk)) throw new Error('hello-connector yields chunks of rows');
      for (const row of chunk) {
        writer.appendRow(row);
        if (writer.numRows >= 1000) rows += writer.finish().numRows;
      }
    }
    return rows + writer.finish().numRows;
  };

  const results = [];
  for (const longNumbers of [false, true]) {
    const body = orderLines(longNumbers);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    if ((await baseline()) !== LINES || (await candidate()) !== LINES)
      throw new Error('the two sides read different row counts');
    const detail = `${LINES.toLocaleString('en')} lines, ${(body.length / 1024 / 1024).toFixed(1)} MiB${longNumbers ? ', a 17-digit number on every line' : ''}`;
    results.push(
      await compareAsync(
        `read JSON lines strictly${longNumbers ? ', long numbers' : ''}`,
        '≥ 0.5',
        baseline,
        candidate,
        7,
        detail,
      ),
    );
  }
  report(results);
  s3.destroy();
} finally {
  await moto.stop();
}
