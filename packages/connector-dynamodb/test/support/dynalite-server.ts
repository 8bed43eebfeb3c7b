/**
 * Starts dynalite in this test process on a random loopback port and builds SDK clients that talk
 * to it, plus helpers to create and fill tables. Every test file gets its own in-memory instance.
 */
import type { AddressInfo } from 'node:net';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, type AttributeValue, type CreateTableCommandInput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/** A running dynalite and a client for it. */
export interface DynaliteServer {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts dynalite with instant table creation. */
export async function startDynalite(): Promise<DynaliteServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates a table and writes `items` in batches of 25. */
export async function createTable(client: DynamoDBClient, input: CreateTableCommandInput, items: readonly Record<string, AttributeValue>[]): Promise<void> {
  await client.send(new CreateTableCommand(input));
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    let pending: Record<string, WriteRequest[]> | undefined = { [input.TableName ?? '']: batch };
    while (pending !== undefined && Object.keys(pending).length > 0) {
      const result: { UnprocessedItems?: Record<string, WriteRequest[]> | undefined } = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = result.UnprocessedItems;
    }
  }
}
