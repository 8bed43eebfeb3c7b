/**
 * Plays Athena's part against a connector over the real wire, for local-athena, the test kit and
 * the validator: every request is encoded with the codec, delivered as the Lambda runtime would
 * deliver it, and every response decoded — nothing
 * short-circuits the protocol. Spilled blocks are fetched from S3 and decrypted with plain
 * `node:crypto`, independently of core's own spill code, so a wrong object cannot pass unnoticed.
 */
import { createDecipheriv, randomUUID } from 'node:crypto';
import type { GetObjectCommand } from '@aws-sdk/client-s3';
import { type RecordBatch, Schema, Table } from 'apache-arrow';
import { decodeRecordBatchBytes } from '../arrow/ipc.js';
import type { FederationLambdaHandler } from '../handler/lambda-handler.js';
import { LAMBDA_REQUEST_LIMIT_BYTES, LAMBDA_RESPONSE_LIMIT_BYTES } from '../handler/lambda-limits.js';
import { decodeLambdaFunctionError, decodeResponse, encodeRequest } from '../protocol/codec.js';
import { loadS3Sdk } from '../spill/spill-sdk.js';
import type {
  Block,
  Constraints,
  DataSourceCapabilities,
  EncryptionKey,
  FederatedIdentity,
  FederationRequest,
  FederationResponse,
  GetTableResponse,
  LambdaFunctionError,
  S3SpillLocation,
  Split,
  StringMap,
  TableName,
} from '../protocol/types.js';

/**
 * Delivers one request document and returns the response document as the JSON text the Lambda
 * runtime writes (text, not a parsed object, so Java longs stay exact and nothing is parsed twice),
 * or throws {@link LambdaInvocationError}.
 */
export type Transport = (payload: object) => Promise<string>;

/** A function error returned by the connector (what Athena sees as a failed invocation). */
export class LambdaInvocationError extends Error {
  readonly error: LambdaFunctionError;

  constructor(error: LambdaFunctionError) {
    super(`${error.errorType}: ${error.errorMessage}`);
    this.name = 'LambdaInvocationError';
    this.error = error;
  }
}

/**
 * Lambda's refusal of a request document over its synchronous limit (HTTP 413): the Invoke call
 * fails and the function never runs, so it is not a {@link LambdaInvocationError}.
 */
export class LambdaRequestTooLargeError extends Error {
  constructor() {
    super(`Request must be smaller than ${LAMBDA_REQUEST_LIMIT_BYTES} bytes for the InvokeFunction operation`);
    this.name = 'RequestEntityTooLargeException';
  }
}

/**
 * A handler in this process, called the way the Node.js Lambda runtime calls it (a parsed copy of the
 * request in, its JSON text out), within Lambda's payload limits: a request over
 * {@link LAMBDA_REQUEST_LIMIT_BYTES} is refused before the handler runs, and a response over
 * {@link LAMBDA_RESPONSE_LIMIT_BYTES} becomes the `Function.ResponseSizeTooLarge` error Lambda returns
 * instead of it — so no test passes with an answer the real service would not deliver.
 */
export function inProcessTransport(
  handler: FederationLambdaHandler,
  options: { readonly remainingTimeMs?: number } = {},
): Transport {
  return async (payload) => {
    const request = JSON.stringify(payload);
    if (Buffer.byteLength(request, 'utf8') > LAMBDA_REQUEST_LIMIT_BYTES) throw new LambdaRequestTooLargeError();
    const deadline = Date.now() + (options.remainingTimeMs ?? 900_000);
    let response: string;
    try {
      response = JSON.stringify(
        await handler(JSON.parse(request) as object, {
          getRemainingTimeInMillis: () => deadline - Date.now(),
          awsRequestId: randomUUID(),
        }),
      );
    } catch (error) {
      // The runtime reports `name` as errorType and `message` as errorMessage.
      const e = error instanceof Error ? error : new Error(String(error));
      throw new LambdaInvocationError(decodeLambdaFunctionError({ errorType: e.name, errorMessage: e.message }));
    }
    if (Buffer.byteLength(response, 'utf8') > LAMBDA_RESPONSE_LIMIT_BYTES) {
      throw new LambdaInvocationError({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${LAMBDA_RESPONSE_LIMIT_BYTES} bytes).`,
      });
    }
    return response;
  };
}

/** One request and its answer, for assertions on the protocol flow. */
export interface TraceEntry {
  readonly requestType: FederationRequest['@type'];
  readonly responseType: FederationResponse['@type'] | 'error';
  /** UTF-8 bytes of the request and response documents, as Lambda counts them against its limits. */
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly durationMs: number;
  readonly error?: LambdaFunctionError;
}

/** The block sizes Athena sends in every ReadRecordsRequest; the driver's defaults. */
export const ATHENA_BLOCK_SIZES = { maxBlockSize: 16_000_000, maxInlineBlockSize: 5_242_880 } as const;

/** How the driver talks to the connector. */
export interface EngineDriverOptions {
  readonly transport: Transport;
  readonly catalogName?: string;
  readonly queryId?: string;
  readonly identity?: FederatedIdentity | null;
  /** Default {@link ATHENA_BLOCK_SIZES}: 16,000,000 and 5,242,880 bytes. */
  readonly maxBlockSize?: number;
  readonly maxInlineBlockSize?: number;
  /** ReadRecords calls in flight at once (default 4). */
  readonly parallelism?: number;
  /** Where spilled blocks are read from (default: an S3 client from the environment). */
  readonly s3?: {
    send(command: GetObjectCommand): Promise<{ Body?: { transformToByteArray(): Promise<Uint8Array> } | undefined }>;
  };
}

/** What a table scan returns. */
export interface ScanResult {
  readonly table: Table;
  readonly schema: Schema;
  readonly splits: number;
  readonly spilledObjects: number;
  readonly inlineBlocks: number;
}

/** Options of one scan. */
export interface ScanOptions {
  /** Columns to read, in order (default: all). */
  readonly columns?: readonly string[];
  readonly constraints?: Partial<Constraints>;
  /** Read only the first N splits (default: all). */
  readonly maxSplits?: number;
}

const defaultIdentity: FederatedIdentity = {
  id: 'UNKNOWN',
  principal: 'UNKNOWN',
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/engine-driver',
  tags: {},
  groups: [],
  configOptions: {},
};

/** An empty Constraints object of the newest version, with the given parts filled in. */
export function makeConstraints(parts: Partial<Constraints> = {}): Constraints {
  return {
    summary: {},
    expression: [],
    orderByClause: [],
    limit: -1n,
    queryPassthroughArguments: {},
    queryPlan: null,
    ...parts,
  };
}

/** Decrypts a spill object as Athena would: AES-GCM, key size from the key, tag at the end, no AAD. */
export function decryptSpillObject(object: Uint8Array, key: EncryptionKey | null): Uint8Array {
  if (key === null) return object;
  const decipher = createDecipheriv(`aes-${key.key.length * 8}-gcm` as 'aes-128-gcm', key.key, key.nonce);
  decipher.setAuthTag(object.subarray(object.length - 16));
  const body = decipher.update(object.subarray(0, object.length - 16));
  const rest = decipher.final();
  return rest.length === 0 ? body : Buffer.concat([body, rest]);
}

/** The engine side of the protocol: ping, metadata, splits, reads — as Athena sequences them. */
export class EngineDriver {
  readonly trace: TraceEntry[] = [];
  readonly #options: EngineDriverOptions;
  readonly #catalogName: string;
  readonly #queryId: string;
  #serDeVersion: number | undefined;
  #s3: EngineDriverOptions['s3'];

  constructor(options: EngineDriverOptions) {
    this.#options = options;
    this.#catalogName = options.catalogName ?? 'test_catalog';
    this.#queryId = options.queryId ?? randomUUID();
  }

  get queryId(): string {
    return this.#queryId;
  }

  get identity(): FederatedIdentity | null {
    return this.#options.identity === undefined ? defaultIdentity : this.#options.identity;
  }

  /** Sends one request and decodes the answer; connector errors surface as {@link LambdaInvocationError}. */
  async send<T extends FederationResponse>(request: FederationRequest, expected: T['@type']): Promise<T> {
    const version = this.#serDeVersion ?? 6;
    const text = encodeRequest(request, version);
    const started = performance.now();
    let responseText: string;
    try {
      responseText = await this.#options.transport(JSON.parse(text) as object);
    } catch (error) {
      const failure =
        error instanceof LambdaInvocationError
          ? error.error
          : { errorType: 'TransportError', errorMessage: String(error) };
      this.trace.push({
        requestType: request['@type'],
        responseType: 'error',
        requestBytes: Buffer.byteLength(text, 'utf8'),
        responseBytes: 0,
        durationMs: performance.now() - started,
        error: failure,
      });
      throw error;
    }
    const decoded = decodeResponse(responseText, version);
    this.trace.push({
      requestType: request['@type'],
      responseType: decoded['@type'],
      requestBytes: Buffer.byteLength(text, 'utf8'),
      responseBytes: Buffer.byteLength(responseText, 'utf8'),
      durationMs: performance.now() - started,
    });
    if (
      decoded['@type'] !== expected &&
      !(expected === 'ReadRecordsResponse' && decoded['@type'] === 'RemoteReadRecordsResponse')
    ) {
      throw new Error(`Expected ${expected} for ${request['@type']}, got ${decoded['@type']}`);
    }
    return decoded as T;
  }

  /** Ping; later requests use the serde version the connector advertises (at most 6). */
  async ping() {
    const response = await this.send<Extract<FederationResponse, { '@type': 'PingResponse' }>>(
      { '@type': 'PingRequest', identity: this.identity, catalogName: this.#catalogName, queryId: this.#queryId },
      'PingResponse',
    );
    this.#serDeVersion = Math.min(response.serDeVersion, 6);
    return response;
  }

  async listSchemas(): Promise<readonly string[]> {
    const response = await this.send<Extract<FederationResponse, { '@type': 'ListSchemasResponse' }>>(
      {
        '@type': 'ListSchemasRequest',
        identity: this.identity,
        queryId: this.#queryId,
        catalogName: this.#catalogName,
      },
      'ListSchemasResponse',
    );
    return response.schemas;
  }

  /** Every table of a schema, following `nextToken` through all pages. */
  async listTables(schemaName: string, pageSize = -1): Promise<TableName[]> {
    return (await this.listTablePages(schemaName, pageSize)).flat();
  }

  /** Every page of a schema's tables as the connector answered them, following `nextToken`. */
  async listTablePages(schemaName: string, pageSize = -1): Promise<(readonly TableName[])[]> {
    const pages: (readonly TableName[])[] = [];
    let nextToken: string | null = null;
    for (let page = 0; page < 100_000; page++) {
      const response: Extract<FederationResponse, { '@type': 'ListTablesResponse' }> = await this.send(
        {
          '@type': 'ListTablesRequest',
          identity: this.identity,
          queryId: this.#queryId,
          catalogName: this.#catalogName,
          schemaName,
          nextToken,
          pageSize,
        },
        'ListTablesResponse',
      );
      pages.push(response.tables);
      nextToken = response.nextToken;
      if (nextToken === null) return pages;
    }
    throw new Error('ListTables never returned a null nextToken');
  }

  /** GetDataSourceCapabilities: what the connector lets Athena push down. */
  async getCapabilities(): Promise<DataSourceCapabilities> {
    const response = await this.send<Extract<FederationResponse, { '@type': 'GetDataSourceCapabilitiesResponse' }>>(
      {
        '@type': 'GetDataSourceCapabilitiesRequest',
        identity: this.identity,
        queryId: this.#queryId,
        catalogName: this.#catalogName,
      },
      'GetDataSourceCapabilitiesResponse',
    );
    return response.capabilities;
  }

  async getTable(tableName: TableName, queryPassthroughArguments: StringMap = {}): Promise<GetTableResponse> {
    return this.send(
      {
        '@type': 'GetTableRequest',
        identity: this.identity,
        queryId: this.#queryId,
        catalogName: this.#catalogName,
        tableName,
        queryPassthroughArguments,
      },
      'GetTableResponse',
    );
  }

  async getTableLayout(table: GetTableResponse, constraints: Constraints): Promise<Block> {
    const response = await this.send<Extract<FederationResponse, { '@type': 'GetTableLayoutResponse' }>>(
      {
        '@type': 'GetTableLayoutRequest',
        identity: this.identity,
        queryId: this.#queryId,
        catalogName: this.#catalogName,
        tableName: table.tableName,
        constraints,
        schema: table.schema,
        partitionColumns: table.partitionColumns,
      },
      'GetTableLayoutResponse',
    );
    return response.partitions;
  }

  /** Every split, following `continuationToken` through all pages. */
  async getSplits(table: GetTableResponse, partitions: Block, constraints: Constraints): Promise<Split[]> {
    const splits: Split[] = [];
    let continuationToken: string | null = null;
    for (let page = 0; page < 1_000_000; page++) {
      const response: Extract<FederationResponse, { '@type': 'GetSplitsResponse' }> = await this.send(
        {
          '@type': 'GetSplitsRequest',
          identity: this.identity,
          queryId: this.#queryId,
          catalogName: this.#catalogName,
          tableName: table.tableName,
          partitions,
          partitionColumns: table.partitionColumns,
          constraints,
          continuationToken,
        },
        'GetSplitsResponse',
      );
      splits.push(...response.splits);
      continuationToken = response.continuationToken;
      if (continuationToken === null) return splits;
    }
    throw new Error('GetSplits never returned a null continuationToken');
  }

  /** Reads one split; spilled blocks are fetched and decrypted. */
  async readSplit(
    tableName: TableName,
    schema: Schema,
    split: Split,
    constraints: Constraints,
  ): Promise<{ batches: RecordBatch[]; spilledObjects: number }> {
    const response = await this.send<
      Extract<FederationResponse, { '@type': 'ReadRecordsResponse' | 'RemoteReadRecordsResponse' }>
    >(
      {
        '@type': 'ReadRecordsRequest',
        identity: this.identity,
        queryId: this.#queryId,
        catalogName: this.#catalogName,
        tableName,
        schema,
        split,
        constraints,
        maxBlockSize: this.#options.maxBlockSize ?? ATHENA_BLOCK_SIZES.maxBlockSize,
        maxInlineBlockSize: this.#options.maxInlineBlockSize ?? ATHENA_BLOCK_SIZES.maxInlineBlockSize,
      },
      'ReadRecordsResponse',
    );
    if (response['@type'] === 'ReadRecordsResponse') return { batches: [response.records.records], spilledObjects: 0 };
    const batches: RecordBatch[] = [];
    for (const location of response.remoteBlocks)
      batches.push(await this.readSpilled(location, response.encryptionKey, response.schema));
    return { batches, spilledObjects: response.remoteBlocks.length };
  }

  async readSpilled(location: S3SpillLocation, key: EncryptionKey | null, schema: Schema): Promise<RecordBatch> {
    const { GetObjectCommand, S3Client } = await loadS3Sdk();
    this.#s3 ??= this.#options.s3 ?? new S3Client({ forcePathStyle: true });
    const object = await this.#s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    const bytes = await object.Body?.transformToByteArray();
    if (bytes === undefined) throw new Error(`Spill object s3://${location.bucket}/${location.key} is empty`);
    return decodeRecordBatchBytes(decryptSpillObject(bytes, key), schema);
  }

  /** A whole table scan as Athena runs it: ping, GetTable, layout, all splits, every split read. */
  async scan(tableName: TableName, options: ScanOptions = {}): Promise<ScanResult> {
    if (this.#serDeVersion === undefined) await this.ping();
    // Athena sends a passthrough call's arguments with GetTable too: the connector describes the query's result.
    const table = await this.getTable(tableName, options.constraints?.queryPassthroughArguments ?? {});
    const schema =
      options.columns === undefined
        ? table.schema
        : new Schema(
            options.columns.map((name) => {
              const field = table.schema.fields.find((f) => f.name === name);
              if (field === undefined)
                throw new Error(`Table ${tableName.schemaName}.${tableName.tableName} has no column ${name}`);
              return field;
            }),
          );
    const constraints = makeConstraints(options.constraints);
    const partitions = await this.getTableLayout(table, constraints);
    const splits = (await this.getSplits(table, partitions, constraints)).slice(
      0,
      options.maxSplits ?? Number.POSITIVE_INFINITY,
    );
    const results: { batches: RecordBatch[]; spilledObjects: number }[] = new Array(splits.length);
    let next = 0;
    const worker = async () => {
      while (next < splits.length) {
        const index = next++;
        const split = splits[index];
        if (split !== undefined) results[index] = await this.readSplit(tableName, schema, split, constraints);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.#options.parallelism ?? 4, Math.max(splits.length, 1)) }, worker),
    );
    const batches = results.flatMap((r) => r.batches).filter((b) => b.numRows > 0);
    return {
      table: batches.length === 0 ? new Table(schema) : new Table(batches),
      schema,
      splits: splits.length,
      spilledObjects: results.reduce((n, r) => n + r.spilledObjects, 0),
      inlineBlocks: results.filter((r) => r.spilledObjects === 0).length,
    };
  }
}
