/**
 * Connector configuration from the Lambda environment, under the Java connectors' variable names so
 * a deployment moves over without renaming anything. Read once at cold start; anything invalid
 * fails there, naming the variable, instead of on the first query.
 */
import type { StringMap } from '../protocol/types.js';

/** Java `casing_mode` values (CaseResolver). */
export const CasingModes = ['NONE', 'LOWER', 'UPPER', 'CASE_INSENSITIVE_SEARCH', 'ANNOTATION'] as const;
/** One of {@link CasingModes}. */
export type CasingMode = (typeof CasingModes)[number];

/** AIMD back-off settings for throttled sources (Java `ThrottlingInvoker`). */
export interface ThrottleConfig {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly decreaseFactor: number;
  readonly increaseMs: number;
}

/** Everything core needs to serve requests; build it with {@link loadHandlerConfig} or pass it typed. */
export interface HandlerConfig {
  /** `spill_bucket`: where large results spill. Required for GetSplits/ReadRecords unless given per request. */
  readonly spillBucket: string | undefined;
  /** `spill_prefix`, default `athena-federation-spill`. */
  readonly spillPrefix: string;
  /** `kms_key_id`: data keys come from KMS `GenerateDataKey` instead of local random keys. */
  readonly kmsKeyId: string | undefined;
  /** `disable_spill_encryption`: spill objects are plaintext and splits carry no key. */
  readonly disableSpillEncryption: boolean;
  /** `spill_put_request_headers`: extra PutObject fields for spill objects (JSON object). */
  readonly spillPutRequestHeaders: StringMap | undefined;
  /** `MAX_BLOCK_SIZE_BYTES`: overrides the `maxBlockSize` Athena sends. */
  readonly maxBlockSizeBytes: number | undefined;
  /** `throttle_initial_delay_ms`, `throttle_max_delay_ms`, `throttle_decrease_factor`, `throttle_increase_ms`. */
  readonly throttle: ThrottleConfig;
  /** `enable_query_passthrough`, default true. */
  readonly enableQueryPassthrough: boolean;
  /** `casing_mode`; undefined = the connector's own default. */
  readonly casingMode: CasingMode | undefined;
  /** `spill_queue_capacity` / `SPILL_QUEUE_CAPACITY`: spill uploads in flight at once. */
  readonly spillConcurrency: number;
}

/** Thrown at cold start for a missing or malformed setting; the message names the variable. */
export class ConfigurationError extends Error {
  readonly variable: string;

  constructor(variable: string, detail: string) {
    super(`Invalid connector configuration: ${variable} ${detail}`);
    this.name = 'ConfigurationError';
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigurationError(name, `must be "true" or "false", got ${JSON.stringify(value)}`);
}

function number(env: Env, name: string, fallback: number, check: { integer: boolean; min: number; max?: number }): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (check.integer && !Number.isSafeInteger(n)) || n < check.min || (check.max !== undefined && n > check.max)) {
    const range = check.max === undefined ? `≥ ${check.min}` : `between ${check.min} and ${check.max}`;
    throw new ConfigurationError(name, `must be ${check.integer ? 'an integer' : 'a number'} ${range}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function stringMap(env: Env, name: string): StringMap | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigurationError(name, 'must be a JSON object, e.g. {"ServerSideEncryption":"aws:kms"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new ConfigurationError(name, 'must be a JSON object whose values are strings');
  }
  return parsed as StringMap;
}

function bucketName(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) throw new ConfigurationError(name, `is not a valid S3 bucket name: ${JSON.stringify(value)}`);
  return value;
}

/** Reads the handler configuration from environment variables (Java names); throws {@link ConfigurationError}. */
export function loadHandlerConfig(env: Env = process.env): HandlerConfig {
  const casing = text(env, 'casing_mode')?.toUpperCase();
  if (casing !== undefined && !(CasingModes as readonly string[]).includes(casing)) {
    throw new ConfigurationError('casing_mode', `must be one of ${CasingModes.join(', ')}, got ${JSON.stringify(env['casing_mode'])}`);
  }
  const prefix = text(env, 'spill_prefix') ?? 'athena-federation-spill';
  if (prefix.startsWith('/') || prefix.endsWith('/')) throw new ConfigurationError('spill_prefix', `must not start or end with "/", got ${JSON.stringify(prefix)}`);
  const throttle: ThrottleConfig = {
    initialDelayMs: number(env, 'throttle_initial_delay_ms', 10, { integer: true, min: 0 }),
    maxDelayMs: number(env, 'throttle_max_delay_ms', 1000, { integer: true, min: 0 }),
    decreaseFactor: number(env, 'throttle_decrease_factor', 0.5, { integer: false, min: 0, max: 1 }),
    increaseMs: number(env, 'throttle_increase_ms', 10, { integer: true, min: 0 }),
  };
  if (throttle.initialDelayMs > throttle.maxDelayMs) throw new ConfigurationError('throttle_initial_delay_ms', `(${throttle.initialDelayMs}) must not exceed throttle_max_delay_ms (${throttle.maxDelayMs})`);
  const queue = text(env, 'spill_queue_capacity') !== undefined ? 'spill_queue_capacity' : 'SPILL_QUEUE_CAPACITY';
  const maxBlock = text(env, 'MAX_BLOCK_SIZE_BYTES') === undefined ? undefined : number(env, 'MAX_BLOCK_SIZE_BYTES', 0, { integer: true, min: 1 });
  return {
    spillBucket: bucketName(env, 'spill_bucket'),
    spillPrefix: prefix,
    kmsKeyId: text(env, 'kms_key_id'),
    disableSpillEncryption: flag(env, 'disable_spill_encryption', false),
    spillPutRequestHeaders: stringMap(env, 'spill_put_request_headers'),
    maxBlockSizeBytes: maxBlock,
    throttle,
    enableQueryPassthrough: flag(env, 'enable_query_passthrough', true),
    casingMode: casing as CasingMode | undefined,
    // Java spills on 2 threads; more uploads in flight buy little throughput and cost a block of memory each.
    spillConcurrency: number(env, queue, 2, { integer: true, min: 1, max: 64 }),
  };
}

/**
 * The spill location for one request: Java honours `spill_bucket` / `spill_prefix` from
 * `identity.configOptions` (Athena's managed-connector mode) when they are non-blank, else the
 * environment. Nothing else from a request can redirect where data goes.
 */
export function spillTarget(config: HandlerConfig, configOptions: StringMap | undefined): { bucket: string | undefined; prefix: string } {
  const bucket = configOptions?.['spill_bucket']?.trim();
  const prefix = configOptions?.['spill_prefix']?.trim();
  return { bucket: bucket === undefined || bucket === '' ? config.spillBucket : bucket, prefix: prefix === undefined || prefix === '' ? config.spillPrefix : prefix };
}
