// Builds the Lambda bundle dist/lambda/index.mjs (esbuild, ESM, minified, AWS SDK included) for
// the nodejs22.x runtime. `node bundle.mjs [outfile]`; the test builds into a temporary file.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const outfile = process.argv[2] ?? `${root}dist/lambda/index.mjs`;

await build({
  entryPoints: [`${root}src/lambda.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
