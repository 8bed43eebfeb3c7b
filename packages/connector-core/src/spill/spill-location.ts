/**
 * Where spilled data lives in S3: one directory key per split, one object per spilled block under it.
 * The naming follows the Java SDK because Athena may prefetch `<dir>.0`, `<dir>.1`, … in order
 * while the connector is still writing.
 */
import { randomUUID } from 'node:crypto';
import type { S3SpillLocation } from '../protocol/types.js';

/** What {@link makeSpillDirectory} needs; `prefix` is `spill_prefix` (default `athena-federation-spill`). */
export interface SpillDirectoryOptions {
  readonly bucket: string;
  readonly prefix: string;
  readonly queryId: string;
}

/**
 * A new, unique spill directory for one split: `<prefix>/<queryId>/<uuid>`, or `<prefix>/<uuid>`
 * when the prefix already contains the query id (Athena may hand out per-query prefixes). Trailing
 * slashes on the prefix are dropped so keys never contain an empty path segment.
 */
export function makeSpillDirectory(options: SpillDirectoryOptions): S3SpillLocation {
  const prefix = options.prefix.replace(/\/+$/, '');
  const parts = [prefix];
  if (!prefix.includes(options.queryId)) parts.push(options.queryId);
  parts.push(randomUUID());
  return {
    '@type': 'S3SpillLocation',
    bucket: options.bucket,
    key: parts.filter((part) => part !== '').join('/'),
    directory: true,
  };
}

/** The object the `n`-th spilled block (from 0) of `directory` is written to: key `<directory key>.<n>`. */
export function spillBlockLocation(directory: S3SpillLocation, n: number): S3SpillLocation {
  if (!directory.directory)
    throw new TypeError(
      `Spill location s3://${directory.bucket}/${directory.key} is not a directory; a split's spill location must be one`,
    );
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`Spill block number must be a non-negative integer, got ${n}`);
  return { '@type': 'S3SpillLocation', bucket: directory.bucket, key: `${directory.key}.${n}`, directory: false };
}
