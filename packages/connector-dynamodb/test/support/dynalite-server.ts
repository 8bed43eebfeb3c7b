/**
 * Starts dynalite in this test process on a random loopback port and builds SDK clients that talk
 * to it, plus helpers to create and fill tables. Every test file gets its own in-memory instance,
 * which counts the operations it serves and the items its Queries and Scans examine — the
 * emulator's own word on what a read cost, not the connector's.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type AttributeValue,
  type CreateTableCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { enforceDynamoDbLimits } from './dynamodb-limits.js';

/** What dynalite served since the last reset. */
export interface ServedCounts {
  /** Operation name (`Query`, `Scan`, …) → requests served. */
  readonly operations: ReadonlyMap<string, number>;
  /** Items Query and Scan examined (the sum of dynalite's `ScannedCount`), before any FilterExpression. */
  readonly scannedItems: number;
  /** Items Query and Scan returned (the sum of `Count`). */
  readonly returnedItems: number;
  /** The access key ids requests were signed with (dynalite checks no signature; this shows whose credentials a client used). */
  readonly accessKeyIds: ReadonlySet<string>;
}

/** A running dynalite and a client for it. */
export interface DynaliteServer {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Counts since the last {@link resetServed}. */
  served(): ServedCounts;
  resetServed(): void;
  stop(): Promise<void>;
}

/** Starts dynalite with instant table creation, refusing what real DynamoDB refuses beyond it (see `dynamodb-limits.ts`). */
export async function startDynalite(): Promise<DynaliteServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  enforceDynamoDbLimits(server);
  const operations = new Map<string, number>();
  let scannedItems = 0;
  let returnedItems = 0;
  const accessKeyIds = new Set<string>();
  // Runs right after dynalite's own handler took the request, before it answers (it reads the body first).
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const operation =
      String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    operations.set(operation, (operations.get(operation) ?? 0) + 1);
    const accessKeyId = /Credential=([^/]+)\//.exec(String(request.headers['authorization'] ?? ''))?.[1];
    if (accessKeyId !== undefined) accessKeyIds.add(accessKeyId);
    if (operation !== 'Query' && operation !== 'Scan') return;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      const [body] = args;
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        // Top-level members only: inside item values a quote before `Count":` is always escaped.
        const text = body.toString();
        scannedItems += Number(/"ScannedCount":(\d+)/.exec(text)?.[1] ?? 0);
        returnedItems += Number(/"Count":(\d+)/.exec(text)?.[1] ?? 0);
      }
      return end(...args);
    }) as typeof response.end;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
  });
  return {
    endpoint,
    client,
    served: () => ({
      operations: new Map(operations),
      scannedItems,
      returnedItems,
      accessKeyIds: new Set(accessKeyIds),
    }),
    resetServed: () => {
      operations.clear();
      accessKeyIds.clear();
      scannedItems = 0;
      returnedItems = 0;
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** dynalite in a child process (no served counts: they live in the other process). */
export interface DynaliteProcess {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly pid: number;
  stop(): void;
}

/**
 * Starts dynalite in a child process (with DynamoDB's limits enforced, as in-process), so that its work runs beside the connector's instead of
 * taking turns on one event loop (loading 100,000 items, benchmarks against a remote-like service).
 */
export async function startDynaliteProcess(): Promise<DynaliteProcess> {
  const entry = fileURLToPath(new URL('./dynalite-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`dynalite exited (${String(code)}) before listening`)));
  });
  const { port } = JSON.parse(first) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
  });
  return {
    endpoint,
    client,
    pid: child.pid ?? 0,
    stop: () => {
      client.destroy();
      child.stdin.end();
    },
  };
}

/** Writes one batch of at most 25 puts, re-sending what DynamoDB leaves unprocessed. */
async function writeBatch(
  client: DynamoDBClient,
  table: string,
  items: readonly Record<string, AttributeValue>[],
): Promise<void> {
  let pending: Record<string, WriteRequest[]> | undefined = {
    [table]: items.map((Item) => ({ PutRequest: { Item } })),
  };
  while (pending !== undefined && Object.keys(pending).length > 0) {
    const result: { UnprocessedItems?: Record<string, WriteRequest[]> | undefined } = await client.send(
      new BatchWriteItemCommand({ RequestItems: pending }),
    );
    pending = result.UnprocessedItems;
  }
}

/**
 * Creates a table, waits until it is ACTIVE (dynalite flips the status on a timer, even at 0 ms,
 * and refuses writes before), and writes `items` in batches of 25, `parallel` batches in flight.
 */
export async function createTable(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
  items: readonly Record<string, AttributeValue>[],
  parallel = 4,
): Promise<void> {
  const table = input.TableName ?? '';
  await client.send(new CreateTableCommand(input));
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') break;
    if (attempt > 200) throw new Error(`Table ${table} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const start = next;
      next += 25;
      await writeBatch(client, table, items.slice(start, start + 25));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
