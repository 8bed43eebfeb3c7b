/**
 * The default spill services: S3 for blocks and, when `kms_key_id` is set, KMS for data keys.
 * Clients are created on first use, not at import, so a cold start that only answers a Ping never
 * builds them; endpoints come from the standard AWS SDK environment (`AWS_ENDPOINT_URL_S3`, …).
 */
import type { ConnectorContext } from '../connector.js';
import { ConnectorError } from '../errors.js';
import type { Split } from '../protocol/types.js';
import { S3BlockSpiller, type SpillS3Client, verifySpillBucket } from './s3-spiller.js';
import { type SpillConfig, checkSplitSpill, spillTarget } from './spill-config.js';
import { type EncryptionKeyFactory, createKmsKeyFactory, createLocalKeyFactory } from './spill-crypto.js';
import { makeSpillDirectory } from './spill-location.js';
import { lazySpillKmsClient, lazySpillS3Client } from './spill-sdk.js';
import type { SpillServices } from './spill-services.js';

/** How long a successful spill-bucket check is trusted before GetSplits checks again. */
const BUCKET_CHECK_TTL_MS = 60_000;

/** Options for {@link createS3SpillServices}; clients default to ones built from the environment. */
export interface S3SpillServicesOptions {
  readonly s3?: SpillS3Client;
  readonly keyFactory?: EncryptionKeyFactory;
}

/** Spill services backed by S3 (and KMS when configured). */
export function createS3SpillServices(config: SpillConfig, options: S3SpillServicesOptions = {}): SpillServices {
  let s3 = options.s3;
  let keys = options.keyFactory;
  const checked = new Map<string, number>();
  const client = (): SpillS3Client => {
    s3 ??= lazySpillS3Client({
      forcePathStyle: process.env['AWS_ENDPOINT_URL_S3'] !== undefined || process.env['AWS_ENDPOINT_URL'] !== undefined,
    });
    return s3;
  };
  const keyFactory = (): EncryptionKeyFactory => {
    keys ??=
      config.kmsKeyId === undefined
        ? createLocalKeyFactory()
        : createKmsKeyFactory(lazySpillKmsClient({}), config.kmsKeyId);
    return keys;
  };

  return {
    async prepareSplits(ctx: ConnectorContext) {
      const { bucket, prefix } = spillTarget(config, ctx.identity?.configOptions);
      if (bucket === undefined)
        throw new ConnectorError(
          'InvalidInput',
          'No spill bucket is configured: set the spill_bucket environment variable of the connector Lambda',
        );
      const last = checked.get(bucket);
      if (last === undefined || Date.now() - last > BUCKET_CHECK_TTL_MS) {
        await verifySpillBucket(client(), bucket);
        checked.set(bucket, Date.now());
      }
      return {
        directory: () => makeSpillDirectory({ bucket, prefix, queryId: ctx.queryId }),
        key: async () => (config.disableSpillEncryption ? null : keyFactory().create()),
      };
    },
    createSpiller(ctx: ConnectorContext, split: Split) {
      return new S3BlockSpiller({
        s3: client(),
        directory: checkSplitSpill(config, ctx.identity?.configOptions, split),
        encryptionKey: split.encryptionKey,
        concurrency: config.spillConcurrency,
        signal: ctx.signal,
        ...(config.spillPutRequestHeaders === undefined ? {} : { putRequestHeaders: config.spillPutRequestHeaders }),
      });
    },
  };
}
