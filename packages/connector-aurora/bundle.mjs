// Builds the Lambda bundle dist/lambda/index.mjs (ESM, minified, AWS SDK included) for the
// nodejs22.x runtime. `node bundle.mjs [outfile]`; tests build into a temporary file.
import { fileURLToPath } from 'node:url';
import { bundle } from '../../scripts/bundle.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
await bundle({ entry: `${root}src/lambda.ts`, outfile: process.argv[2] ?? `${root}dist/lambda/index.mjs`, target: 'node22', minify: true });
