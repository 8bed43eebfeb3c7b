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
import {
  createThrottlingInvoker,
  type ConnectorContext,
  type ThrottlingInvoker,
} from '@athena-federation/connector-core';
import { assumeRoleCredentials } from './dynamodb-cross-account.js';
import { classifyDynamoDbError, isDynamoDbThrottle } from './dynamodb-errors.js';

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
 * How long a DynamoDB connection may stay silent before the request fails (and the SDK retries it;
 * `throwOnRequestTimeout`, since the SDK otherwise only logs a warning).
 * Without it a DynamoDB that stops answering would hold a split until the Lambda deadline; a Scan
 * or Query page normally arrives well within a second.
 */
export const DYNAMODB_REQUEST_TIMEOUT_MS = 5_000;
const DYNAMODB_CONNECT_TIMEOUT_MS = 3_000;

/**
 * The default client: region and endpoint from the standard AWS environment (`AWS_REGION`,
 * `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL`), so local runs reach dynalite without code
 * changes; with `crossAccountRoleArn`, it signs as that role (see dynamodb-cross-account.ts).
 */
export function createDefaultDynamoDbClient(
  options: { readonly crossAccountRoleArn?: string | undefined } = {},
): DynamoDbClientLike {
  return new DynamoDBClient({
    requestHandler: {
      requestTimeout: DYNAMODB_REQUEST_TIMEOUT_MS,
      connectionTimeout: DYNAMODB_CONNECT_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
    ...(options.crossAccountRoleArn === undefined
      ? {}
      : { credentials: assumeRoleCredentials(options.crossAccountRoleArn) }),
  });
}

/**
 * Resolves a {@link DynamoDbClientSource} lazily and at most once; without one, the default client,
 * signing as `crossAccountRoleArn` when that is set.
 */
export function lazyClient(
  source: DynamoDbClientSource | undefined,
  crossAccountRoleArn?: string,
): () => Promise<DynamoDbClientLike> {
  let client: Promise<DynamoDbClientLike> | undefined;
  return () => {
    client ??=
      typeof source === 'function'
        ? Promise.resolve(source())
        : Promise.resolve(source ?? createDefaultDynamoDbClient({ crossAccountRoleArn }));
    return client;
  };
}

/**
 * Core's AIMD pacing for DynamoDB's throttles under `throttle_*`; `surfaceToEngine` says whether a
 * throttle may still reach Athena (only before the call's caller has handed core a row).
 */
export function dynamoDbPacing(ctx: ConnectorContext, surfaceToEngine: () => boolean): ThrottlingInvoker {
  return createThrottlingInvoker(ctx.config.throttle, {
    isThrottle: isDynamoDbThrottle,
    surfaceToEngine,
    signal: ctx.signal,
  });
}

/** Runs one DynamoDB call (paced by `pacing` when given), its failure classified as `action`. */
export async function callDynamoDb<T>(
  client: () => Promise<DynamoDbClientLike>,
  action: string,
  run: (c: DynamoDbClientLike) => Promise<T>,
  pacing?: ThrottlingInvoker,
): Promise<T> {
  const c = await client();
  try {
    return pacing === undefined ? await run(c) : await pacing.invoke(() => run(c));
  } catch (error) {
    throw classifyDynamoDbError(error, action);
  }
}

// The command classes, re-exported so the connector builds exactly the commands this interface names.
export { DescribeTableCommand, ExecuteStatementCommand, ListTablesCommand, QueryCommand, ScanCommand };

// ----------------------------------------------------------------------------------------------
// Items straight from the wire

/** Where the inner middleware leaves the parsed body for the outer one (per call: the SDK's handler context). */
const WIRE_OUTPUT = Symbol('dynamodb.wireOutput');

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** DynamoDB's JSON carries B and BS as base64; the SDK's shape (and every reader here) has bytes. */
function decodeBinaries(value: unknown): void {
  if (!isObject(value)) return;
  const b = value['B'];
  if (typeof b === 'string') value['B'] = Buffer.from(b, 'base64');
  else if (Array.isArray(value['BS'])) value['BS'] = value['BS'].map((s) => Buffer.from(String(s), 'base64'));
  else if (Array.isArray(value['L'])) for (const element of value['L']) decodeBinaries(element);
  else if (isObject(value['M'])) decodeItemBinaries(value['M']);
}

function decodeItemBinaries(item: unknown): void {
  if (!isObject(item)) return;
  for (const name in item) decodeBinaries(item[name]);
}

/**
 * Has `command` (a Scan or Query) take its successful answer straight from DynamoDB's JSON — one
 * native `JSON.parse` — instead of the SDK's schema-driven deserializer, which costs several times
 * more per item than the conversion to Arrow that follows. The answer has exactly the SDK's shape
 * (DynamoDB's wire format *is* the AttributeValue shape; only binaries are base64 there and are
 * decoded). Error answers go through the SDK untouched, so retries and error classification stay
 * the SDK's.
 */
export function readItemsFromWire<C extends ScanCommand | QueryCommand>(command: C): C {
  const stack = command.middlewareStack as unknown as {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: Record<symbol, unknown>,
      ) => (args: unknown) => Promise<unknown>,
      options: { step: string; name: string; priority?: string },
    ): void;
  };
  // Innermost: right above the HTTP handler, below the SDK's deserializer (which then parses `{}`).
  stack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = isObject(result) ? result['response'] : undefined;
      if (!isObject(response) || response['statusCode'] !== 200) return result;
      const body = response['body'];
      const chunks: Uint8Array[] = [];
      if (body instanceof Uint8Array) chunks.push(body);
      else for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (isObject(parsed)) {
        if (Array.isArray(parsed['Items'])) for (const item of parsed['Items']) decodeItemBinaries(item);
        decodeItemBinaries(parsed['LastEvaluatedKey']);
      }
      context[WIRE_OUTPUT] = parsed;
      response['body'] = new TextEncoder().encode('{}');
      return result;
    },
    { step: 'deserialize', name: 'athenaFederationWireItemsIn', priority: 'low' },
  );
  // Outermost: hands back the parsed answer, keeping the SDK's $metadata.
  stack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const parsed = context[WIRE_OUTPUT];
      if (!isObject(parsed) || !isObject(result) || !isObject(result['output'])) return result;
      return { ...result, output: { ...parsed, $metadata: result['output']['$metadata'] } };
    },
    { step: 'initialize', name: 'athenaFederationWireItemsOut' },
  );
  return command;
}
