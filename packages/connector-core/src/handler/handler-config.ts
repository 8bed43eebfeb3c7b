/**
 * Connector configuration from the Lambda environment, under the Java connectors' variable names so
 * a deployment moves over without renaming anything. Read once at cold start; anything invalid
 * fails there, naming the variable, instead of on the first query.
 */
import { ConnectorError } from '../errors.js';
import type { S3SpillLocation, Split, StringMap } from '../protocol/types.js';
import { parsePutRequestHeaders } from '../spill/s3-spiller.js';
import { NONCE_BYTES } from '../spill/spill-crypto.js';

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
  /**
   * `query_status_check_interval_ms` (new; Java polls on a fixed schedule): how often a long read
   * asks Athena whether its query still runs, default 1000; 0 never asks.
   */
  readonly queryStatusCheckIntervalMs: number;
}

/** Thrown at cold start for a missing or malformed setting; the message names the variable. */
export class ConfigurationError extends Error {
  readonly variable: string;
  /** What is wrong with it, without the variable's name. */
  readonly detail: string;

  constructor(variable: string, detail: string, options?: ErrorOptions) {
    super(`Invalid connector configuration: ${variable} ${detail}`, options);
    this.name = 'ConfigurationError';
    this.variable = variable;
    this.detail = detail;
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

/** Decimal notation only, as Java's Long.parseLong / Double.parseDouble read it: `Number` alone would also take `0x10`, `0b1`, `1e3` for an integer. */
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Bounds and kind of a numeric setting read by {@link numberSetting}. */
export interface NumberSettingCheck {
  readonly integer: boolean;
  readonly min: number;
  readonly max?: number;
}

/**
 * Reads a numeric environment setting the way Java parses it (decimal notation only), `fallback`
 * when unset or blank. Plugins use it for their own settings so every variable is read alike.
 *
 * @throws {ConfigurationError} naming the variable, the accepted range and the text it got.
 */
export function numberSetting(env: Env, name: string, fallback: number, check: NumberSettingCheck): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(check.integer ? INTEGER_TEXT : DECIMAL_TEXT).test(value) || !Number.isFinite(n) || (check.integer && !Number.isSafeInteger(n)) || n < check.min || (check.max !== undefined && n > check.max)) {
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
  try {
    // The spiller reads the same map at the first spill; checking it here fails the cold start instead of a query.
    parsePutRequestHeaders(parsed as StringMap);
  } catch (error) {
    throw new ConfigurationError(name, error instanceof Error ? error.message.replace(/^spill_put_request_headers:\s*/, '') : String(error));
  }
  return parsed as StringMap;
}

/**
 * Why `name` is not a usable S3 bucket name (general-purpose bucket rules), or undefined. Names S3
 * would refuse anyway, and IP-address forms that path-style clients would turn into another host.
 */
export function invalidBucketName(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) return 'must be 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return 'uses a prefix or suffix S3 reserves';
  return undefined;
}

/** Why `prefix` is not a usable spill prefix, or undefined: no leading or trailing `/`, no empty, `.` or `..` segment (HTTP clients may collapse those and write elsewhere). */
export function invalidSpillPrefix(prefix: string): string | undefined {
  if (prefix.startsWith('/') || prefix.endsWith('/')) return 'must not start or end with "/"';
  if (prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return 'must not contain empty, "." or ".." path segments';
  return undefined;
}

function bucketName(env: Env, name: string): string | undefined {
  const value = text(env, name);
  const problem = value === undefined ? undefined : invalidBucketName(value);
  if (problem !== undefined) throw new ConfigurationError(name, `is not a valid S3 bucket name (${problem}): ${JSON.stringify(value)}`);
  return value;
}

/** Reads the handler configuration from environment variables (Java names); throws {@link ConfigurationError}. */
export function loadHandlerConfig(env: Env = process.env): HandlerConfig {
  const casing = text(env, 'casing_mode')?.toUpperCase();
  if (casing !== undefined && !(CasingModes as readonly string[]).includes(casing)) {
    throw new ConfigurationError('casing_mode', `must be one of ${CasingModes.join(', ')}, got ${JSON.stringify(env['casing_mode'])}`);
  }
  const prefix = text(env, 'spill_prefix') ?? 'athena-federation-spill';
  const prefixProblem = invalidSpillPrefix(prefix);
  if (prefixProblem !== undefined) throw new ConfigurationError('spill_prefix', `${prefixProblem}, got ${JSON.stringify(prefix)}`);
  const throttle: ThrottleConfig = {
    initialDelayMs: numberSetting(env, 'throttle_initial_delay_ms', 10, { integer: true, min: 0 }),
    maxDelayMs: numberSetting(env, 'throttle_max_delay_ms', 1000, { integer: true, min: 0 }),
    // Java's ThrottlingInvoker refuses a factor outside .001–1 and an increase below 1 when a connector builds it; here at cold start.
    decreaseFactor: numberSetting(env, 'throttle_decrease_factor', 0.5, { integer: false, min: 0.001, max: 1 }),
    increaseMs: numberSetting(env, 'throttle_increase_ms', 10, { integer: true, min: 1 }),
  };
  if (throttle.initialDelayMs > throttle.maxDelayMs) throw new ConfigurationError('throttle_initial_delay_ms', `(${throttle.initialDelayMs}) must not exceed throttle_max_delay_ms (${throttle.maxDelayMs})`);
  const queue = text(env, 'spill_queue_capacity') !== undefined ? 'spill_queue_capacity' : 'SPILL_QUEUE_CAPACITY';
  const maxBlock = text(env, 'MAX_BLOCK_SIZE_BYTES') === undefined ? undefined : numberSetting(env, 'MAX_BLOCK_SIZE_BYTES', 0, { integer: true, min: 1 });
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
    spillConcurrency: numberSetting(env, queue, 2, { integer: true, min: 1, max: 64 }),
    queryStatusCheckIntervalMs: numberSetting(env, 'query_status_check_interval_ms', 1000, { integer: true, min: 0 }),
  };
}

/**
 * The spill location for one request: Java honours `spill_bucket` / `spill_prefix` from
 * `identity.configOptions` (Athena's managed-connector mode) when they are non-blank, else the
 * environment. Nothing else from a request can redirect where data goes, and a per-request value
 * must pass the same checks as the environment's.
 *
 * @throws {ConnectorError} (InvalidInput) for a per-request bucket or prefix that is not valid.
 */
export function spillTarget(config: HandlerConfig, configOptions: StringMap | undefined): { bucket: string | undefined; prefix: string } {
  const bucket = configOptions?.['spill_bucket']?.trim();
  const prefix = configOptions?.['spill_prefix']?.trim();
  const bucketProblem = bucket === undefined || bucket === '' ? undefined : invalidBucketName(bucket);
  if (bucketProblem !== undefined) throw new ConnectorError('InvalidInput', `identity.configOptions.spill_bucket is not a valid S3 bucket name (${bucketProblem})`);
  // Trailing slashes are tolerated here (Athena may send `…/`); makeSpillDirectory drops them.
  const prefixProblem = prefix === undefined || prefix === '' ? undefined : invalidSpillPrefix(prefix.replace(/\/+$/, ''));
  if (prefixProblem !== undefined) throw new ConnectorError('InvalidInput', `identity.configOptions.spill_prefix ${prefixProblem}`);
  return { bucket: bucket === undefined || bucket === '' ? config.spillBucket : bucket, prefix: prefix === undefined || prefix === '' ? config.spillPrefix : prefix };
}

/**
 * Checks a ReadRecords split before anything is written: it must spill where GetSplits put it — a
 * directory in the bucket of {@link spillTarget}, under its prefix, with no empty, `.` or `..`
 * segment — and carry key material of the sizes GetSplits hands out, or none only when spill
 * encryption is disabled. Athena hands splits back unchanged, so anything else is a request
 * trying to move data elsewhere or to turn encryption off. Called by the spill services when a
 * ReadRecords call first spills.
 *
 * @returns the split's spill directory.
 * @throws {ConnectorError} (InvalidInput) naming what is wrong with the split.
 */
export function checkSplitSpill(config: HandlerConfig, configOptions: StringMap | undefined, split: Split): S3SpillLocation {
  const location = split.spillLocation;
  if (location === null) throw new ConnectorError('InvalidInput', 'The split has no spill location, so a large result cannot be spilled');
  const { bucket, prefix } = spillTarget(config, configOptions);
  if (bucket === undefined) throw new ConnectorError('InvalidInput', 'No spill bucket is configured, so a large result cannot be spilled: set the spill_bucket environment variable of the connector Lambda');
  // Only the configured bucket (or Athena's per-request one) may receive data, never one a request names by itself.
  if (location.bucket !== bucket) throw new ConnectorError('InvalidInput', `The split's spill bucket ${location.bucket} is not the configured spill bucket`);
  const root = prefix.replace(/\/+$/, '');
  if (!location.directory || !location.key.startsWith(`${root}/`) || invalidSpillPrefix(location.key) !== undefined) {
    throw new ConnectorError('InvalidInput', `The split's spill location is not a spill directory under the configured prefix ${root}/`);
  }
  const key = split.encryptionKey;
  if (key === null && !config.disableSpillEncryption) throw new ConnectorError('InvalidInput', 'The split carries no encryption key although spill encryption is on; splits must come unchanged from GetSplits');
  if (key !== null && ((key.key.byteLength !== 16 && key.key.byteLength !== 32) || key.nonce.byteLength !== NONCE_BYTES)) {
    throw new ConnectorError('InvalidInput', `The split's encryption key must be 16 or 32 bytes with a ${NONCE_BYTES}-byte nonce, got ${key.key.byteLength} and ${key.nonce.byteLength}`);
  }
  return location;
}
