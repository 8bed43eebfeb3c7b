/**
 * The hello connector: JSON-lines objects in S3 served to Athena — the smallest complete plugin,
 * written to be copied. Under `s3://<bucket>/<prefix>/` every folder is a schema and every folder in
 * a schema is a table: a `_schema.json` sidecar plus `*.jsonl` objects, one split per object. Core
 * does everything else: the wire, Arrow blocks, constraint filtering, projection, LIMIT, spill, paging.
 */
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  ConfigurationError,
  type Connector,
  ConnectorError,
  DataSourceOptimizations,
  OptimizationSubTypes,
  type TableName,
} from '@athena-federation/connector-core';
import { DataType } from 'apache-arrow';
import { parseSchemaFile } from './hello-schema.js';
import { lineChunksOf, parseLine } from './json-lines.js';

/** Per-call options the connector passes to S3: the signal that ends a read at the Lambda deadline. */
export interface HelloSendOptions {
  readonly abortSignal?: AbortSignal;
}

/** The two S3 operations the connector uses. A real `S3Client` satisfies it; tests may wrap one. */
export interface HelloS3Client {
  send(command: ListObjectsV2Command, options?: HelloSendOptions): Promise<ListObjectsV2CommandOutput>;
  send(command: GetObjectCommand, options?: HelloSendOptions): Promise<GetObjectCommandOutput>;
}

/** Where the data lives, and how to reach it. */
export interface HelloConnectorOptions {
  readonly bucket: string;
  /** Key prefix above the schema folders, e.g. `lake/json`; empty for the bucket root. */
  readonly prefix?: string;
  /** Default: an `S3Client` from the standard AWS environment, created on the first request. */
  readonly client?: HelloS3Client;
}

/** The connector's own settings, from the Lambda environment (lower snake case, like the Java connectors'). */
export interface HelloConfig {
  readonly bucket: string;
  readonly prefix: string;
}

/** Reads `data_bucket` (required) and `data_prefix` (default: the bucket root); throws at cold start, naming the variable. */
export function loadHelloConfig(env: Readonly<Record<string, string | undefined>> = process.env): HelloConfig {
  const bucket = env['data_bucket']?.trim() ?? '';
  if (bucket === '')
    throw new ConfigurationError('data_bucket', 'is required: the S3 bucket holding the JSON-lines tables');
  return { bucket, prefix: env['data_prefix']?.trim() ?? '' };
}

/** Builds the connector. Nothing touches S3 until the first request. */
export function createHelloConnector(options: HelloConnectorOptions): Connector {
  const { bucket } = options;
  const root = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const base = root === '' ? '' : `${root}/`;
  const tablePrefix = (table: TableName) => `${base}${table.schemaName}/${table.tableName}/`;
  let client = options.client;
  // Path-style addressing only for a custom endpoint (moto, MinIO): those do not resolve bucket subdomains.
  const s3 = (): HelloS3Client =>
    (client ??= new S3Client({
      forcePathStyle: process.env['AWS_ENDPOINT_URL_S3'] !== undefined || process.env['AWS_ENDPOINT_URL'] !== undefined,
    }));

  /** One page of the folder names right under `prefix`. */
  const listFolders = async (prefix: string, token: string | null, pageSize?: number) => {
    const page = await attempt(
      s3().send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token ?? undefined,
          MaxKeys: pageSize,
        }),
      ),
      `listing s3://${bucket}/${prefix}`,
    );
    const names = (page.CommonPrefixes ?? []).flatMap((p) =>
      p.Prefix === undefined ? [] : [p.Prefix.slice(prefix.length, -1)],
    );
    return { names, next: page.NextContinuationToken ?? null };
  };
  const allFolders = async (prefix: string) => {
    const names: string[] = [];
    let token: string | null = null;
    do {
      const page: { names: string[]; next: string | null } = await listFolders(prefix, token);
      names.push(...page.names);
      token = page.next;
    } while (token !== null);
    return names;
  };

  return {
    sourceType: 'hello',

    // LIMIT pushdown: core stops pulling batches once it has `limit` rows, and readSplit sizes its
    // first batch to the limit when nothing else filters, so a LIMIT 10 parses about 10 lines.
    capabilities: () => ({
      [DataSourceOptimizations.limitPushdown]: [{ subType: OptimizationSubTypes.integerConstant, properties: [] }],
    }),

    listSchemas: () => allFolders(base),

    // S3 pages folder listings itself, so its continuation token is our ListTables token.
    async listTables(_ctx, input) {
      const prefix = `${base}${input.schemaName}/`;
      const toTables = (names: readonly string[]) =>
        names.map((tableName) => ({ schemaName: input.schemaName, tableName }));
      if (input.pageSize < 0) return { tables: toTables(await allFolders(prefix)), nextToken: null };
      const page = await listFolders(prefix, input.nextToken, Math.max(input.pageSize, 1));
      return { tables: toTables(page.names), nextToken: page.next };
    },

    async getTable(ctx, table) {
      const key = `${tablePrefix(table)}_schema.json`;
      const missing = `Table ${table.schemaName}.${table.tableName} does not exist`;
      const response = await attempt(
        s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal }),
        `reading s3://${bucket}/${key}`,
        missing,
      );
      const text = (await response.Body?.transformToString('utf-8')) ?? '';
      return { schema: parseSchemaFile(text, `s3://${bucket}/${key}`) };
    },

    // One split per object; the ETag pins the version planned, so an object rewritten mid-query fails loudly.
    async getSplits(_ctx, input) {
      const prefix = tablePrefix(input.tableName);
      const page = await attempt(
        s3().send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            Delimiter: '/',
            ContinuationToken: input.continuationToken ?? undefined,
          }),
        ),
        `listing s3://${bucket}/${prefix}`,
      );
      const splits = (page.Contents ?? []).flatMap((o) =>
        o.Key?.endsWith('.jsonl') === true ? [{ key: o.Key, etag: o.ETag ?? '' }] : [],
      );
      return { splits, continuationToken: page.NextContinuationToken ?? null };
    },

    async *readSplit(ctx, input) {
      const key = input.split['key'] ?? '';
      const prefix = tablePrefix(input.tableName);
      if (!key.startsWith(prefix) || key.slice(prefix.length).includes('/')) {
        throw new ConnectorError(
          'InvalidInput',
          `Split key ${JSON.stringify(key)} is not an object of table ${input.tableName.schemaName}.${input.tableName.tableName}`,
        );
      }
      const object = `s3://${bucket}/${key}`;
      const etag = input.split['etag'];
      const response = await attempt(
        s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag === '' ? undefined : etag }), {
          abortSignal: ctx.signal,
        }),
        `reading ${object}`,
      );
      const body = response.Body;
      if (!(body instanceof Readable))
        throw new ConnectorError('Internal', `S3 returned no readable body for ${object}`);

      const exactColumns = new Set(input.schema.fields.filter((f) => isExactNumber(f.type)).map((f) => f.name));
      // With nothing to filter, core keeps the first `limit` rows: lines past them are not parsed
      // (a malformed line after them does not fail the query).
      const { limit, summary, expression } = input.constraints;
      let wanted =
        Object.keys(summary).length === 0 && expression.length === 0 && limit > 0n
          ? Number(limit)
          : Number.POSITIVE_INFINITY;
      try {
        // The lines of each chunk of the body go to core together: it converts, filters and cuts blocks.
        for await (const lines of lineChunksOf(body)) {
          if (ctx.signal.aborted) return;
          const rows: Record<string, unknown>[] = [];
          for (const line of lines) {
            if (rows.length >= wanted) break;
            const row = parseLine(line, exactColumns, object);
            if (row !== undefined) rows.push(row);
          }
          wanted -= rows.length;
          if (rows.length > 0) yield rows;
          if (wanted <= 0) return;
        }
      } catch (error) {
        throw s3Failure(error, `reading ${object}`);
      } finally {
        body.destroy();
      }
    },
  };
}

function isExactNumber(type: DataType): boolean {
  return (DataType.isInt(type) && type.bitWidth === 64) || DataType.isDecimal(type);
}

/** Awaits an S3 call, turning its failure into a ConnectorError that says what was being done. */
async function attempt<T>(call: Promise<T>, action: string, notFound?: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw s3Failure(error, action, notFound);
  }
}

/**
 * Classifies an S3 failure into core's reasons: missing → NotFound, denied → AccessDenied, slow
 * down → Throttled (Athena backs off), abandoned at the deadline → Timeout. The SDK error stays as
 * `cause` for the logs; the message names only what was being done.
 */
function s3Failure(error: unknown, action: string, notFound = 'Not found'): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound')
    return new ConnectorError('NotFound', `${notFound} (${name} while ${action})`, { cause: error });
  if (name === 'PreconditionFailed')
    return new ConnectorError(
      'InvalidInput',
      `The object changed after the query was planned (${action}); run the query again`,
      { cause: error },
    );
  if (name === 'AccessDenied' || name === 'Forbidden')
    return new ConnectorError(
      'AccessDenied',
      `Access denied while ${action}; the Lambda role needs s3:ListBucket and s3:GetObject on the data prefix`,
      { cause: error },
    );
  if (name === 'SlowDown' || name === 'ThrottlingException')
    return new ConnectorError('Throttled', `S3 is throttling requests while ${action}`, { cause: error });
  if (name === 'AbortError')
    return new ConnectorError('Timeout', `S3 request abandoned at the Lambda deadline while ${action}`, {
      cause: error,
    });
  return new ConnectorError('Internal', `S3 failed while ${action}`, { cause: error });
}
