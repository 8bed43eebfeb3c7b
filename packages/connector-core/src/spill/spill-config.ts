/**
 * The settings only spilling reads — where large results go (`spill_bucket`, `spill_prefix`), how
 * they are encrypted (`kms_key_id`, `disable_spill_encryption`), extra PutObject fields and upload
 * parallelism — and the checks that keep a request from redirecting them. `loadHandlerConfig`
 * composes these into the handler's configuration; the spill services read nothing else.
 */
import { ConfigurationError, type Env, flag, numberSetting, text } from '../env-settings.js';
import { ConnectorError } from '../errors.js';
import type { S3SpillLocation, Split, StringMap } from '../protocol/types.js';
import { parsePutRequestHeaders } from './s3-spiller.js';
import { NONCE_BYTES } from './spill-crypto.js';

/** The spill settings of a connector Lambda; part of `HandlerConfig`. */
export interface SpillConfig {
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
  /** `spill_queue_capacity` / `SPILL_QUEUE_CAPACITY`: spill uploads in flight at once. */
  readonly spillConcurrency: number;
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
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === 'string')
  ) {
    throw new ConfigurationError(name, 'must be a JSON object whose values are strings');
  }
  try {
    // The spiller reads the same map at the first spill; checking it here fails the cold start instead of a query.
    parsePutRequestHeaders(parsed as StringMap);
  } catch (error) {
    throw new ConfigurationError(
      name,
      error instanceof Error ? error.message.replace(/^spill_put_request_headers:\s*/, '') : String(error),
    );
  }
  return parsed as StringMap;
}

/**
 * Why `name` is not a usable S3 bucket name (general-purpose bucket rules), or undefined. Names S3
 * would refuse anyway, and IP-address forms that path-style clients would turn into another host.
 */
export function invalidBucketName(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name))
    return 'must be 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    return 'uses a prefix or suffix S3 reserves';
  return undefined;
}

/** Why `prefix` is not a usable spill prefix, or undefined: no leading or trailing `/`, no empty, `.` or `..` segment (HTTP clients may collapse those and write elsewhere). */
export function invalidSpillPrefix(prefix: string): string | undefined {
  if (prefix.startsWith('/') || prefix.endsWith('/')) return 'must not start or end with "/"';
  if (prefix.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    return 'must not contain empty, "." or ".." path segments';
  return undefined;
}

function bucketName(env: Env, name: string): string | undefined {
  const value = text(env, name);
  const problem = value === undefined ? undefined : invalidBucketName(value);
  if (problem !== undefined)
    throw new ConfigurationError(name, `is not a valid S3 bucket name (${problem}): ${JSON.stringify(value)}`);
  return value;
}

/** Reads the spill settings from environment variables (Java names); throws {@link ConfigurationError} naming the variable. */
export function loadSpillConfig(env: Env): SpillConfig {
  const prefix = text(env, 'spill_prefix') ?? 'athena-federation-spill';
  const prefixProblem = invalidSpillPrefix(prefix);
  if (prefixProblem !== undefined)
    throw new ConfigurationError('spill_prefix', `${prefixProblem}, got ${JSON.stringify(prefix)}`);
  const queue = text(env, 'spill_queue_capacity') !== undefined ? 'spill_queue_capacity' : 'SPILL_QUEUE_CAPACITY';
  return {
    spillBucket: bucketName(env, 'spill_bucket'),
    spillPrefix: prefix,
    kmsKeyId: text(env, 'kms_key_id'),
    disableSpillEncryption: flag(env, 'disable_spill_encryption', false),
    spillPutRequestHeaders: stringMap(env, 'spill_put_request_headers'),
    // Java spills on 2 threads; more uploads in flight buy little throughput and cost a block of memory each.
    spillConcurrency: numberSetting(env, queue, 2, { integer: true, min: 1, max: 64 }),
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
export function spillTarget(
  config: SpillConfig,
  configOptions: StringMap | undefined,
): { bucket: string | undefined; prefix: string } {
  const bucket = configOptions?.['spill_bucket']?.trim();
  const prefix = configOptions?.['spill_prefix']?.trim();
  const bucketProblem = bucket === undefined || bucket === '' ? undefined : invalidBucketName(bucket);
  if (bucketProblem !== undefined)
    throw new ConnectorError(
      'InvalidInput',
      `identity.configOptions.spill_bucket is not a valid S3 bucket name (${bucketProblem})`,
    );
  // Trailing slashes are tolerated here (Athena may send `…/`); makeSpillDirectory drops them.
  const prefixProblem =
    prefix === undefined || prefix === '' ? undefined : invalidSpillPrefix(prefix.replace(/\/+$/, ''));
  if (prefixProblem !== undefined)
    throw new ConnectorError('InvalidInput', `identity.configOptions.spill_prefix ${prefixProblem}`);
  return {
    bucket: bucket === undefined || bucket === '' ? config.spillBucket : bucket,
    prefix: prefix === undefined || prefix === '' ? config.spillPrefix : prefix,
  };
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
export function checkSplitSpill(
  config: SpillConfig,
  configOptions: StringMap | undefined,
  split: Split,
): S3SpillLocation {
  const location = split.spillLocation;
  if (location === null)
    throw new ConnectorError('InvalidInput', 'The split has no spill location, so a large result cannot be spilled');
  const { bucket, prefix } = spillTarget(config, configOptions);
  if (bucket === undefined)
    throw new ConnectorError(
      'InvalidInput',
      'No spill bucket is configured, so a large result cannot be spilled: set the spill_bucket environment variable of the connector Lambda',
    );
  // Only the configured bucket (or Athena's per-request one) may receive data, never one a request names by itself.
  if (location.bucket !== bucket)
    throw new ConnectorError(
      'InvalidInput',
      `The split's spill bucket ${location.bucket} is not the configured spill bucket`,
    );
  const root = prefix.replace(/\/+$/, '');
  if (!location.directory || !location.key.startsWith(`${root}/`) || invalidSpillPrefix(location.key) !== undefined) {
    throw new ConnectorError(
      'InvalidInput',
      `The split's spill location is not a spill directory under the configured prefix ${root}/`,
    );
  }
  const key = split.encryptionKey;
  if (key === null && !config.disableSpillEncryption)
    throw new ConnectorError(
      'InvalidInput',
      'The split carries no encryption key although spill encryption is on; splits must come unchanged from GetSplits',
    );
  if (
    key !== null &&
    ((key.key.byteLength !== 16 && key.key.byteLength !== 32) || key.nonce.byteLength !== NONCE_BYTES)
  ) {
    throw new ConnectorError(
      'InvalidInput',
      `The split's encryption key must be 16 or 32 bytes with a ${NONCE_BYTES}-byte nonce, got ${key.key.byteLength} and ${key.nonce.byteLength}`,
    );
  }
  return location;
}
