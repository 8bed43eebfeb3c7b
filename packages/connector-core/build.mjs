// Bundles the `athena-connector` CLI (the validator) into one ESM file runnable by plain node.
// `node build.mjs [outfile]`: tests build into a temporary file.
import { fileURLToPath } from 'node:url';
import { bundle } from '../../scripts/bundle.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
await bundle({ entry: `${root}src/validator/cli.ts`, outfile: process.argv[2] ?? `${root}dist/athena-connector.mjs` });
