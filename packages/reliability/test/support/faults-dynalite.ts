/**
 * dynalite for the DynamoDB fault tests: one in-process instance per test (closing it is itself a
 * fault), a table of numbered readings, and a connector whose SDK client talks to a given endpoint
 * (the instance, or a fault proxy in front of it) with production defaults otherwise.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { Connector } from '@athena-federation/connector-core';
import { createDynamoDbConnector, loadDynamoDbConfig } from '@athena-federation/connector-dynamodb';
import { enforceDynamoDbLimits } from '../../../connector-dynamodb/test/support/dynamodb-limits.js';

/** dynalite ships no types; this is the one factory used. */
type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export type Item = Record<string, AttributeValue>;

/** A running dynalite and an admin client for it. */
export interface Dynalite {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Stops answering: closes the listener and drops every open connection. */
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'fake', secretAccessKey: 'fake' };

export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Refuses what real DynamoDB refuses beyond dynalite (expression sizes, IN operands, …).
  enforceDynamoDbLimits(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  let stopped = false;
  return {
    endpoint,
    client,
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Writes `items` to `table` in batches of 25, resending whatever DynamoDB leaves unprocessed. */
export async function putItems(client: DynamoDBClient, table: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, WriteRequest[]> | undefined = {
      [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (pending !== undefined && Object.keys(pending).length > 0) {
      const result: { UnprocessedItems?: Record<string, WriteRequest[]> | undefined } = await client.send(
        new BatchWriteItemCommand({ RequestItems: pending }),
      );
      pending = result.UnprocessedItems;
    }
  }
}

/** `id` → the text of `attribute` (an S or N value, as stored) for every item, scanned straight from dynalite. */
export async function sourceTexts(
  client: DynamoDBClient,
  table: string,
  attribute: string,
): Promise<Map<string, string | undefined>> {
  const texts = new Map<string, string | undefined>();
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }),
    );
    for (const item of page.Items ?? [])
      texts.set(item['id']?.N ?? 'missing id', item[attribute]?.S ?? item[attribute]?.N);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return texts;
}

/** Every `id` of `table`, scanned straight from dynalite: what a faulted query is counted against. */
export async function sourceIds(client: DynamoDBClient, table: string): Promise<string[]> {
  return [...(await sourceTexts(client, table, 'id')).keys()];
}

/** Creates an on-demand table keyed by the number `id` and fills it. */
export async function createReadingsTable(
  client: DynamoDBClient,
  table: string,
  items: readonly Item[],
): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await putItems(client, table, items);
}

/**
 * Items `1..count`: `id`, a `patient` label, an integer `reading`, and `code`, a number on even
 * ids and a string on odd ones (the same digits either way), so inference reads it as varchar.
 */
export function readingItems(count: number): Item[] {
  return Array.from({ length: count }, (_, i) => {
    const id = i + 1;
    return {
      id: { N: String(id) },
      patient: { S: `patient-${id}` },
      reading: { N: String(id * 3) },
      code: id % 2 === 0 ? { N: String(id * 7) } : { S: String(id * 7) },
    };
  });
}

/** Options of {@link dynamoDbConnector}. */
export interface DynamoDbConnectorSetup {
  readonly endpoint: string;
  /** SDK attempts per call; default the SDK's own (3). */
  readonly maxAttempts?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** The DynamoDB connector on a default-configured SDK client pointed at `endpoint`; Glue off. */
export function dynamoDbConnector(setup: DynamoDbConnectorSetup): Connector {
  const client = new DynamoDBClient({
    endpoint: setup.endpoint,
    region: 'us-east-1',
    credentials,
    ...(setup.maxAttempts === undefined ? {} : { maxAttempts: setup.maxAttempts }),
  });
  return createDynamoDbConnector({
    client,
    config: loadDynamoDbConfig({
      disable_glue: 'true',
      min_scan_segments: '2',
      schema_inference_segments: '3',
      ...setup.env,
    }),
  });
}
