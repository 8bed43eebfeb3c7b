/**
 * The S3 and KMS SDK packages, imported on first use. A connector needs them only to spill (and to
 * check its spill bucket), yet their code is a large part of a Lambda bundle: reached only through
 * `import()`, it goes into chunks compiled when first loaded, not at every cold start. That holds
 * only while no module reachable from the package's entry imports them statically, so elsewhere
 * import these packages with `import type` and get the values from here.
 */
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as KmsSdk from '@aws-sdk/client-kms';
import type { SpillS3Client } from './s3-spiller.js';
import type { SpillKmsClient } from './spill-crypto.js';

let s3Sdk: Promise<typeof S3Sdk> | undefined;
let kmsSdk: Promise<typeof KmsSdk> | undefined;

/** `@aws-sdk/client-s3`, loaded once. */
export function loadS3Sdk(): Promise<typeof S3Sdk> {
  s3Sdk ??= import('@aws-sdk/client-s3');
  return s3Sdk;
}

/** `@aws-sdk/client-kms`, loaded once. */
export function loadKmsSdk(): Promise<typeof KmsSdk> {
  kmsSdk ??= import('@aws-sdk/client-kms');
  return kmsSdk;
}

/** An S3 client for spilling that is made, and its SDK loaded, on its first request. */
export function lazySpillS3Client(config: S3Sdk.S3ClientConfig): SpillS3Client {
  let client: Promise<S3Sdk.S3Client> | undefined;
  // The SDK's client fits SpillS3Client; this one forwarding function stands for its per-command overloads.
  const send = async (command: never, options?: { readonly abortSignal?: AbortSignal }) => {
    client ??= loadS3Sdk().then(({ S3Client }) => new S3Client(config));
    return (await client).send(command, options ?? {});
  };
  return { send: send as SpillS3Client['send'] };
}

/** A KMS client for spill keys that is made, and its SDK loaded, on its first request. */
export function lazySpillKmsClient(config: KmsSdk.KMSClientConfig): SpillKmsClient {
  let client: Promise<KmsSdk.KMSClient> | undefined;
  const send = async (command: never) => {
    client ??= loadKmsSdk().then(({ KMSClient }) => new KMSClient(config));
    return (await client).send(command);
  };
  return { send: send as SpillKmsClient['send'] };
}
