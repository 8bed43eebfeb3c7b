/**
 * Creates an S3 bucket unless it exists — what every engine, example and test does before a run
 * that spills. Endpoints come from the standard AWS environment (moto in tests).
 */
import { loadS3Sdk } from '../spill/spill-sdk.js';

/** Creates `bucket` if it does not exist yet; an existing bucket is fine. */
export async function ensureBucket(bucket: string): Promise<void> {
  const { CreateBucketCommand, S3Client } = await loadS3Sdk();
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!(error instanceof Error && /BucketAlready/.test(error.name))) throw error;
  } finally {
    s3.destroy();
  }
}
