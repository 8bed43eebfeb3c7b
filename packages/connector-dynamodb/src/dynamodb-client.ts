/**
 * The slice of the AWS SDK v3 DynamoDB client this connector calls, declared structurally so tests
 * can wrap or fake it and the plugin never depends on how a client was built. A real
 * `DynamoDBClient` satisfies it as is.
 */
import {
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  ExecuteStatementCommand,
  type ExecuteStatementCommandOutput,
  ListTablesCommand,
  type ListTablesCommandOutput,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';

/** Per-call options the connector passes: the abort signal that ends a read at the Lambda deadline. */
export interface DynamoDbSendOptions {
  readonly abortSignal?: AbortSignal;
}

/** The DynamoDB operations the connector uses (ListTables, DescribeTable, Scan, Query, ExecuteStatement for passthrough), each through `send`. */
export interface DynamoDbClientLike {
  send(command: ListTablesCommand, options?: DynamoDbSendOptions): Promise<ListTablesCommandOutput>;
  send(command: DescribeTableCommand, options?: DynamoDbSendOptions): Promise<DescribeTableCommandOutput>;
  send(command: ScanCommand, options?: DynamoDbSendOptions): Promise<ScanCommandOutput>;
  send(command: QueryCommand, options?: DynamoDbSendOptions): Promise<QueryCommandOutput>;
  send(command: ExecuteStatementCommand, options?: DynamoDbSendOptions): Promise<ExecuteStatementCommandOutput>;
}

/** A client, or a factory called once on first use (keeps cold starts free of SDK setup until needed). */
export type DynamoDbClientSource = DynamoDbClientLike | (() => DynamoDbClientLike | Promise<DynamoDbClientLike>);

/**
 * The default client: region and endpoint from the standard AWS environment (`AWS_REGION`,
 * `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL`), so local runs reach dynalite without code changes.
 */
export function createDefaultDynamoDbClient(): DynamoDbClientLike {
  return new DynamoDBClient({});
}

/** Resolves a {@link DynamoDbClientSource} lazily and at most once. */
export function lazyClient(source: DynamoDbClientSource | undefined): () => Promise<DynamoDbClientLike> {
  let client: Promise<DynamoDbClientLike> | undefined;
  return () => {
    client ??= typeof source === 'function' ? Promise.resolve(source()) : Promise.resolve(source ?? createDefaultDynamoDbClient());
    return client;
  };
}

// The command classes, re-exported so the connector builds exactly the commands this interface names.
export { DescribeTableCommand, ExecuteStatementCommand, ListTablesCommand, QueryCommand, ScanCommand };
