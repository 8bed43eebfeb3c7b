/**
 * Writing a ReadRecords result to S3 when it is too large to return inline, and reading it back.
 * Owns the object format (one legacy-framed RecordBatch message, optionally AES-GCM encrypted), the
 * upload pipeline (ordered keys, bounded parallelism and memory, retries) and the spill-bucket check.
 */
import type {
  GetObjectCommand,
  GetObjectCommandOutput,
  HeadBucketCommand,
  HeadBucketCommandOutput,
  PutObjectCommand,
  PutObjectCommandInput,
  PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import type { RecordBatch, Schema } from 'apache-arrow';
import { ArrowMessageError, decodeRecordBatchBytes, encodeRecordBatchMessageChunks } from '../arrow/ipc.js';
import { ConnectorError, type ErrorReason } from '../errors.js';
import type { EncryptionKey, S3SpillLocation, StringMap } from '../protocol/types.js';
import { decryptBlock, encryptBlock } from './spill-crypto.js';
import { spillBlockLocation } from './spill-location.js';
import type { BlockSpiller } from './spill-services.js';
import { loadS3Sdk } from './spill-sdk.js';

/** The part of an S3 client spilling uses; the SDK's `S3Client` fits, and tests can wrap one. */
export interface SpillS3Client {
  /** `options.abortSignal` abandons the upload (the SDK's own per-call option). */
  send(command: PutObjectCommand, options?: { readonly abortSignal?: AbortSignal }): Promise<PutObjectCommandOutput>;
  send(command: GetObjectCommand): Promise<GetObjectCommandOutput>;
  send(command: HeadBucketCommand): Promise<HeadBucketCommandOutput>;
}

/** Settings of {@link S3BlockSpiller}. */
export interface S3BlockSpillerOptions {
  readonly s3: SpillS3Client;
  /** The split's spill directory (`directory: true`); block `n` goes to `<key>.<n>`. */
  readonly directory: S3SpillLocation;
  /** The split's key; null writes plaintext (spill encryption disabled). */
  readonly encryptionKey: EncryptionKey | null;
  /**
   * Uploads in flight at once (`spill_queue_capacity`); default 2, as Java. Encoded objects exist only while
   * they hold a slot, so memory stays at this many objects plus the batch the caller is handing over.
   */
  readonly concurrency?: number;
  /** Attempts per object, the first included; default 3. */
  readonly maxAttempts?: number;
  /** Delay before the first retry; doubled for each further one, with jitter. Default 200 ms. */
  readonly retryBaseDelayMs?: number;
  /** Upper bound of one retry delay; default 5000 ms. */
  readonly retryMaxDelayMs?: number;
  /** Which failures are worth another attempt; default {@link isTransientS3Error}. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** `spill_put_request_headers`, parsed: see {@link parsePutRequestHeaders} for how keys are applied. */
  readonly putRequestHeaders?: StringMap;
  /**
   * The request's deadline signal. Once it fires, uploads in flight are abandoned and the spill
   * fails with a `Timeout` error, so the request is answered before Lambda ends the invocation.
   */
  readonly signal?: AbortSignal;
}

const DEFAULT_CONCURRENCY = 2;
const DEFAULT_MAX_ATTEMPTS = 3;

/** PutObject members a deployment may set on spill objects. SSE-C is absent: Athena could not read such objects. */
const PUT_OBJECT_FIELDS = new Set([
  'ACL',
  'CacheControl',
  'ContentDisposition',
  'ContentEncoding',
  'ContentLanguage',
  'ContentType',
  'ExpectedBucketOwner',
  'GrantFullControl',
  'GrantRead',
  'GrantReadACP',
  'GrantWriteACP',
  'ObjectLockLegalHoldStatus',
  'ObjectLockMode',
  'RequestPayer',
  'SSEKMSEncryptionContext',
  'SSEKMSKeyId',
  'ServerSideEncryption',
  'StorageClass',
  'Tagging',
  'WebsiteRedirectLocation',
  'BucketKeyEnabled',
]);

/** Headers the SDK computes and signs itself; overriding them would corrupt or unsign the request. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'content-length',
  'content-md5',
  'host',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
]);

/** `spill_put_request_headers` split into PutObject members and raw HTTP headers. */
export interface PutRequestExtras {
  readonly fields: Readonly<Partial<PutObjectCommandInput>>;
  readonly headers: StringMap;
}

/**
 * Interprets `spill_put_request_headers`. A key naming a PutObject member (`ServerSideEncryption`,
 * `SSEKMSKeyId`, `StorageClass`, …) sets that member; a key containing `-`
 * (`x-amz-server-side-encryption`, …) is sent as an HTTP header, which is what the Java SDK does
 * with every key, so Java deployments keep working. Anything else is rejected rather than ignored,
 * because a silently dropped encryption setting would go unnoticed.
 */
export function parsePutRequestHeaders(map: StringMap): PutRequestExtras {
  const fields: Record<string, string | boolean> = {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(map)) {
    if (PUT_OBJECT_FIELDS.has(name)) {
      if (name === 'BucketKeyEnabled') {
        if (value !== 'true' && value !== 'false')
          throw new TypeError(
            `spill_put_request_headers: BucketKeyEnabled must be "true" or "false", got ${JSON.stringify(value)}`,
          );
        fields[name] = value === 'true';
      } else {
        fields[name] = value;
      }
    } else if (name.includes('-')) {
      if (RESERVED_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('x-amz-checksum-'))
        throw new TypeError(
          `spill_put_request_headers: header ${JSON.stringify(name)} is set by the S3 client and cannot be overridden`,
        );
      headers[name.toLowerCase()] = value;
    } else {
      throw new TypeError(
        `spill_put_request_headers: ${JSON.stringify(name)} is neither a supported PutObject member (${[...PUT_OBJECT_FIELDS].join(', ')}) nor an HTTP header name`,
      );
    }
  }
  return { fields: fields as Partial<PutObjectCommandInput>, headers };
}

interface AwsErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

function errorShape(error: unknown): AwsErrorShape {
  return typeof error === 'object' && error !== null ? (error as AwsErrorShape) : {};
}

function statusOf(error: unknown): number | undefined {
  const status = errorShape(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function nameOf(error: unknown): string {
  const { name } = errorShape(error);
  return typeof name === 'string' ? name : 'Error';
}

const THROTTLING_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
const TRANSIENT_NAMES = new Set([
  ...THROTTLING_NAMES,
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'TimeoutError',
  'RequestTimeTooSkewed',
]);

/**
 * The default retry rule: throttling, timeouts, 5xx and network-level failures (no HTTP status)
 * are retried; other 4xx answers (missing bucket, access denied, bad request) are not, since
 * repeating them only delays the failure.
 */
export function isTransientS3Error(error: unknown): boolean {
  const shape = errorShape(error);
  if (shape.$retryable !== undefined && shape.$retryable !== null && shape.$retryable !== false) return true;
  if (TRANSIENT_NAMES.has(nameOf(error))) return true;
  const status = statusOf(error);
  if (status === undefined) return shape.$fault !== 'client';
  return status === 408 || status === 429 || status >= 500;
}

function reasonFor(error: unknown): ErrorReason {
  const status = statusOf(error);
  const name = nameOf(error);
  if (THROTTLING_NAMES.has(name) || status === 429 || status === 503) return 'Throttled';
  if (status === 403 || name === 'AccessDenied') return 'AccessDenied';
  if (name === 'NoSuchBucket') return 'InvalidInput';
  if (name === 'TimeoutError' || name === 'RequestTimeout') return 'Timeout';
  return 'Internal';
}

function describeError(error: unknown): string {
  const message = errorShape(error).message;
  const status = statusOf(error);
  return `${nameOf(error)}${status === undefined ? '' : ` (HTTP ${status})`}${typeof message === 'string' && message !== '' ? `: ${message}` : ''}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * The S3 {@link BlockSpiller}. Each `spill(batch)` becomes object `<directory>.<n>` (n = 0, 1, …
 * in call order) holding one legacy-framed RecordBatch message, encrypted with the split key.
 * Up to `concurrency` uploads run at once; a further `spill()` waits for a free slot, so a fast
 * source cannot pile up encoded objects. A failed upload is retried with exponential backoff and,
 * once out of attempts, fails the whole request: later `spill()` calls and `finish()` reject, so a
 * response can never silently miss rows.
 */
export class S3BlockSpiller implements BlockSpiller {
  readonly #s3: SpillS3Client;
  readonly #directory: S3SpillLocation;
  readonly #key: EncryptionKey | null;
  readonly #concurrency: number;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #isRetryable: (error: unknown) => boolean;
  readonly #extras: PutRequestExtras;
  readonly #signal: AbortSignal | undefined;

  #nextBlock = 0;
  #inFlight = 0;
  /** `spill()` calls waiting for an upload slot, first come first served. */
  readonly #waiting: (() => void)[] = [];
  /** Everything `finish()` must wait for; none of these promises rejects. */
  readonly #work = new Set<Promise<void>>();
  readonly #written: S3SpillLocation[] = [];
  #failure: Error | undefined;
  #finishing = false;
  /**
   * Buffers of objects already uploaded, reused for the next ones: a long read then allocates about
   * `concurrency` object buffers in all instead of one per block, which keeps its memory flat.
   */
  readonly #spareBodies: Buffer[] = [];

  constructor(options: S3BlockSpillerOptions) {
    // Fail at construction, not after the source has been read, when the split is unusable.
    spillBlockLocation(options.directory, 0);
    encryptBlock(new Uint8Array(0), options.encryptionKey);
    this.#s3 = options.s3;
    this.#directory = options.directory;
    this.#key = options.encryptionKey;
    this.#concurrency = positiveInteger(options.concurrency, DEFAULT_CONCURRENCY, 'concurrency');
    this.#maxAttempts = positiveInteger(options.maxAttempts, DEFAULT_MAX_ATTEMPTS, 'maxAttempts');
    this.#baseDelayMs = options.retryBaseDelayMs ?? 200;
    this.#maxDelayMs = options.retryMaxDelayMs ?? 5000;
    this.#isRetryable = options.isRetryable ?? isTransientS3Error;
    this.#extras = parsePutRequestHeaders(options.putRequestHeaders ?? {});
    this.#signal = options.signal;
    if (options.signal?.aborted === true) this.#timedOut();
    else options.signal?.addEventListener('abort', this.#timedOut, { once: true });
  }

  readonly #timedOut = (): void =>
    this.#fail(new ConnectorError('Timeout', 'Spilling did not finish before the Lambda deadline'));

  /**
   * Lets go of the request once the spill is over: the signal can outlive it (the S3 client's
   * sockets keep a reference), and through the listener it would keep this spiller and its spare
   * object buffers alive into the next invocation.
   */
  #settle(): void {
    this.#signal?.removeEventListener('abort', this.#timedOut);
    this.#spareBodies.length = 0;
  }

  /** Objects whose upload has completed so far. */
  get spilledCount(): number {
    return this.#written.filter((location) => location !== undefined).length;
  }

  spill(batch: RecordBatch): Promise<void> {
    if (this.#finishing) return Promise.reject(new Error('S3BlockSpiller.spill() called after finish()'));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const n = this.#nextBlock++;
    const started = this.#acquire().then(() => this.#start(batch, n));
    this.#track(started);
    return started;
  }

  async finish(): Promise<S3SpillLocation[]> {
    this.#finishing = true;
    while (this.#work.size > 0) await Promise.all([...this.#work]);
    this.#settle();
    if (this.#failure !== undefined) throw this.#failure;
    return this.#written.slice();
  }

  async abort(): Promise<void> {
    this.#finishing = true;
    this.#fail(new Error('The spill was aborted'));
    while (this.#work.size > 0) await Promise.all([...this.#work]);
    this.#settle();
  }

  #track(promise: Promise<void>): void {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#work.add(settled);
    void settled.then(() => this.#work.delete(settled));
  }

  #acquire(): Promise<void> {
    if (this.#inFlight < this.#concurrency) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    // Hand the slot straight to the next waiter so a newcomer cannot overtake it.
    if (next === undefined) this.#inFlight--;
    else next();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
  }

  #start(batch: RecordBatch, n: number): void {
    if (this.#failure !== undefined) {
      this.#release();
      throw this.#failure;
    }
    const location = spillBlockLocation(this.#directory, n);
    let body: Uint8Array;
    try {
      body = encryptBlock(encodeRecordBatchMessageChunks(batch, 'legacy'), this.#key, this.#spareBodies.pop());
    } catch (cause) {
      this.#release();
      const error = new ConnectorError(
        'Internal',
        `Could not serialise spill block ${n} for s3://${location.bucket}/${location.key}`,
        { cause },
      );
      this.#fail(error);
      throw error;
    }
    const upload = this.#upload(location, body).then(
      () => {
        this.#written[n] = location;
        // Uploaded and answered: S3 holds the object, so its buffer can carry the next one. Only after
        // success — an abandoned request may still be sending from it.
        if (this.#spareBodies.length < this.#concurrency)
          this.#spareBodies.push(Buffer.from(body.buffer, 0, body.buffer.byteLength));
      },
      (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
    );
    this.#track(upload.finally(() => this.#release()));
  }

  async #upload(location: S3SpillLocation, body: Uint8Array): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // A request that already failed elsewhere will be answered with an error; stop using S3 for it.
      if (this.#failure !== undefined) throw this.#failure;
      try {
        await this.#s3.send(
          await this.#putCommand(location, body),
          this.#signal === undefined ? {} : { abortSignal: this.#signal },
        );
        return;
      } catch (error) {
        // Abandoned at the deadline (or failed elsewhere): no retry, the request's error stands.
        if (this.#failure !== undefined) throw this.#failure;
        if (attempt >= this.#maxAttempts || !this.#isRetryable(error)) {
          const tries = attempt === 1 ? 'on the first attempt' : `after ${attempt} attempts`;
          throw new ConnectorError(
            reasonFor(error),
            `Spilling to s3://${location.bucket}/${location.key} failed ${tries}: ${describeError(error)}`,
            { cause: error },
          );
        }
        const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
        // Jitter spreads retries of parallel uploads that failed together (typically on SlowDown).
        await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
  }

  async #putCommand(location: S3SpillLocation, body: Uint8Array): Promise<PutObjectCommand> {
    const { PutObjectCommand } = await loadS3Sdk();
    const command = new PutObjectCommand({
      ...this.#extras.fields,
      Bucket: location.bucket,
      Key: location.key,
      Body: body,
      ContentLength: body.byteLength,
    });
    const headers = this.#extras.headers;
    if (Object.keys(headers).length > 0) {
      // Raw headers (Java's override-configuration headers) join the request before it is signed.
      command.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { headers?: Record<string, string> };
          if (request.headers !== undefined) Object.assign(request.headers, headers);
          return next(args);
        },
        { step: 'build', name: 'spillPutRequestHeaders' },
      );
    }
    return command;
  }
}

/**
 * Reads one spilled block back, as Athena does: GetObject, decrypt with the split key (if any),
 * and decode the RecordBatch message against `schema` (the response's schema).
 */
export async function readSpilledBlock(
  s3: SpillS3Client,
  location: S3SpillLocation,
  key: EncryptionKey | null,
  schema: Schema,
): Promise<RecordBatch> {
  if (location.directory)
    throw new TypeError(`s3://${location.bucket}/${location.key} is a spill directory, not a spilled block`);
  const { GetObjectCommand } = await loadS3Sdk();
  const output = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  if (output.Body === undefined) throw new Error(`GetObject s3://${location.bucket}/${location.key} returned no body`);
  const object = await output.Body.transformToByteArray();
  const plain = decryptBlock(object, key);
  try {
    return decodeRecordBatchBytes(plain, schema);
  } catch (error) {
    // ArrowMessageError texts are written to follow the name of what was read.
    if (error instanceof ArrowMessageError)
      throw new ArrowMessageError(`Spilled block s3://${location.bucket}/${location.key} ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

/**
 * Checks that the spill bucket exists and this connector may use it (S3 HeadBucket), as GetSplits
 * does before handing out spill locations. A missing or forbidden bucket becomes an `InvalidInput`
 * {@link ConnectorError} naming the bucket, so the user learns what to fix instead of seeing the
 * query fail later on the first spill.
 */
export async function verifySpillBucket(s3: SpillS3Client, bucket: string): Promise<void> {
  if (bucket.trim() === '')
    throw new ConnectorError(
      'InvalidInput',
      'No spill bucket is configured: set spill_bucket to an S3 bucket this connector can read and write',
    );
  try {
    const { HeadBucketCommand } = await loadS3Sdk();
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const status = statusOf(error);
    const name = nameOf(error);
    if (
      status === 404 ||
      status === 403 ||
      name === 'NotFound' ||
      name === 'NoSuchBucket' ||
      name === 'Forbidden' ||
      name === 'AccessDenied'
    ) {
      throw new ConnectorError(
        'InvalidInput',
        `The spill bucket ${JSON.stringify(bucket)} does not exist or this connector cannot access it (S3 HeadBucket: ${describeError(error)}). ` +
          'Create it, or set spill_bucket to the name (no "s3://", no trailing "/") of a bucket the connector\'s role can read and write.',
        { cause: error },
      );
    }
    throw new ConnectorError(
      reasonFor(error),
      `Could not check the spill bucket ${JSON.stringify(bucket)} (S3 HeadBucket: ${describeError(error)})`,
      { cause: error },
    );
  }
}
