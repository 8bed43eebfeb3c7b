/**
 * Child process of the spill benchmark, bundled like a Lambda: serves ReadRecords for N rows with
 * 16 MB blocks (everything spills) and prints its peak RSS — the connector's memory, which is what
 * a Lambda's memory setting must cover. The spilled objects are not read back here (Athena reads
 * them, in its own memory); the row count comes from what the connector handed to core.
 */
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Field, Int64, RecordBatch, Schema, Utf8 } from 'apache-arrow';
import {
  type Connector,
  type ReadRecordsResponse,
  type RemoteReadRecordsResponse,
  createLambdaHandler,
  loadHandlerConfig,
} from '../src/index.js';
import { EngineDriver, createReferenceConnector, inProcessTransport, makeConstraints } from '../src/testing/index.js';

const rows = Number(process.argv[2]);

/**
 * This process's peak RSS. /proc's VmHWM belongs to the process image, while getrusage's maxRSS
 * survives exec on Linux and would report the parent's size whenever the parent was larger.
 */
function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS / 1024;
}
const schema = new Schema([
  new Field('id', new Int64(), false),
  new Field('name', new Utf8(), true),
  new Field('device', new Utf8(), true),
]);
const reference = createReferenceConnector({
  tables: [
    {
      tableName: { schemaName: 'bench', tableName: 'rows' },
      schema,
      rowCount: rows,
      row: (i) => ({ id: i, name: `reading ${i}`, device: `device-${i % 977}` }),
    },
  ],
});
let yielded = 0;
const connector: Connector = {
  ...reference,
  async *readSplit(ctx, input) {
    // Counts rows, not yields: the reference connector hands them over in chunks.
    for await (const item of reference.readSplit(ctx, input)) {
      yielded += item instanceof RecordBatch ? item.numRows : item.length;
      yield item;
    }
  },
};
const s3 = new S3Client({ forcePathStyle: true });
await s3.send(new CreateBucketCommand({ Bucket: 'bench-rss' })).catch(() => undefined);
const driver = new EngineDriver({
  transport: inProcessTransport(
    createLambdaHandler(connector, {
      config: { ...loadHandlerConfig(), spillBucket: 'bench-rss', queryStatusCheckIntervalMs: 0 },
    }),
  ),
  maxBlockSize: 16_000_000,
  maxInlineBlockSize: 5_242_880,
});
const tableName = { schemaName: 'bench', tableName: 'rows' };
await driver.ping();
const table = await driver.getTable(tableName);
const constraints = makeConstraints();
const splits = await driver.getSplits(table, await driver.getTableLayout(table, constraints), constraints);
let objects = 0;
for (const split of splits) {
  const response = await driver.send<ReadRecordsResponse | RemoteReadRecordsResponse>(
    {
      '@type': 'ReadRecordsRequest',
      identity: driver.identity,
      queryId: driver.queryId,
      catalogName: 'bench',
      tableName,
      schema: table.schema,
      split,
      constraints,
      maxBlockSize: 16_000_000,
      maxInlineBlockSize: 5_242_880,
    },
    'ReadRecordsResponse',
  );
  if (response['@type'] === 'RemoteReadRecordsResponse') objects += response.remoteBlocks.length;
}
s3.destroy();
(globalThis as { gc?: () => void }).gc?.();
const usage = process.memoryUsage();
console.log(
  JSON.stringify({
    rows: yielded,
    objects,
    maxRssMb: peakRssMb(),
    rssAfterGcMb: usage.rss / 1048576,
    heapMb: usage.heapUsed / 1048576,
    heapTotalMb: usage.heapTotal / 1048576,
    arrayBuffersMb: usage.arrayBuffers / 1048576,
  }),
);
