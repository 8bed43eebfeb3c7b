// Bundles the `athena-connector` CLI (the validator) into one ESM file runnable by plain node.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/validator/cli.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/athena-connector.mjs',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
