/**
 * Spill throughput and memory, against moto S3 started for the run: encrypting and uploading
 * blocks vs raw PutObjects of the same bytes to the same endpoint (target ≥ 0.8), and the peak RSS
 * of reading 1M, 2M and 4M rows through spill with 16 MB blocks (target ≤ 300 MB, flat in row count).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Field, Int64, Schema, Utf8 } from 'apache-arrow';
import {
  S3BlockSpiller,
  buildRecordBatch,
  encodeRecordBatchMessage,
  loadHandlerConfig,
  makeSpillDirectory,
} from '../src/index.js';
import { startMoto } from '../src/testing/moto.js';
import { compareAsync, type RatioResult } from '../src/testing/measure.js';

const BLOCKS = 24;
/** The default of `spill_queue_capacity`, used by both sides. */
const SPILL_CONCURRENCY = loadHandlerConfig({}).spillConcurrency;

/** Spill ratios; starts and stops its own moto. */
export async function spillBenchmarks(): Promise<RatioResult[]> {
  const moto = await startMoto();
  Object.assign(process.env, moto.env);
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-spill' }));
    const schema = new Schema([new Field('id', new Int64(), false), new Field('name', new Utf8(), true)]);
    const batch = buildRecordBatch(
      schema,
      Array.from({ length: 60_000 }, (_, i) => [i, `reading ${i} of device ${i % 977}`]),
    );
    const bytes = encodeRecordBatchMessage(batch, 'legacy');
    const key = { key: new Uint8Array(16).fill(7), nonce: new Uint8Array(12).fill(9) };
    let run = 0;
    const raw = async () => {
      // New keys every run, as the spiller writes, so both sides create objects rather than overwrite;
      // and a new buffer per object, as any spill writer has (re-sending one buffer is measurably
      // cheaper for the SDK and Node, which would flatter the baseline).
      const prefix = `raw/${run++}`;
      // Same parallelism as the spiller's default, so only encoding + encryption differ.
      const queue = Array.from({ length: BLOCKS }, (_, n) => n);
      await Promise.all(
        Array.from({ length: SPILL_CONCURRENCY }, async () => {
          for (let n = queue.shift(); n !== undefined; n = queue.shift())
            await s3.send(
              new PutObjectCommand({ Bucket: 'bench-spill', Key: `${prefix}/${n}`, Body: Buffer.from(bytes) }),
            );
        }),
      );
    };
    const spilled = async () => {
      const spiller = new S3BlockSpiller({
        s3,
        directory: makeSpillDirectory({ bucket: 'bench-spill', prefix: 'bench', queryId: 'q' }),
        encryptionKey: key,
        concurrency: SPILL_CONCURRENCY,
      });
      for (let n = 0; n < BLOCKS; n++) await spiller.spill(batch);
      await spiller.finish();
    };
    const results: RatioResult[] = [
      await compareAsync(
        'spill: encode + encrypt + upload',
        '≥ 0.8',
        raw,
        spilled,
        9,
        `${BLOCKS} × ${(bytes.byteLength / 1e6).toFixed(1)} MB objects vs raw PutObject`,
      ),
    ];
    // Bundled and run by plain node, as Lambda runs a bundle: no TypeScript loader in the figure.
    const root = new URL('..', import.meta.url).pathname;
    const bundle = join(root, '.bench', 'spill-rss.mjs');
    await build({
      entryPoints: [join(root, 'bench', 'spill-rss.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'error',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const rss = (rows: number) => {
      // Without NODE_OPTIONS: the TypeScript loader the parent runs under would otherwise load into the child too.
      const { NODE_OPTIONS: _loader, ...env } = process.env;
      const child = spawnSync(process.execPath, [bundle, String(rows)], {
        env: { ...env, POWERTOOLS_LOG_LEVEL: 'WARN' },
        encoding: 'utf8',
      });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      const parsed = JSON.parse(line) as { maxRssMb: number; rows: number; objects: number };
      if (parsed.rows !== rows || parsed.objects === 0)
        throw new Error(
          `RSS run handed over ${parsed.rows} rows in ${parsed.objects} objects, expected ${rows} spilled`,
        );
      return parsed.maxRssMb;
    };
    const one = rss(1_000_000);
    const two = rss(2_000_000);
    // A third size shows whether memory trends with rows or only jitters with garbage-collection timing.
    const four = rss(4_000_000);
    results.push({
      name: 'peak RSS: 2M rows through spill (16 MB blocks)',
      baselineMs: one,
      candidateMs: two,
      ratio: one / two,
      target: '≤ 300 MB, ratio ≈ 1',
      unit: 'MB',
      detail: 'baseline = the same run at 1M rows',
    });
    results.push({
      name: 'peak RSS: 4M rows through spill (16 MB blocks)',
      baselineMs: one,
      candidateMs: four,
      ratio: one / four,
      target: '≤ 300 MB, ratio ≈ 1',
      unit: 'MB',
      detail: 'baseline = the same run at 1M rows',
    });
    return results;
  } finally {
    s3.destroy();
    await moto.stop();
  }
}
