// Builds the Lambda bundle dist/lambda/index.mjs (+ lazily loaded chunks and source maps) and the
// deployable dist/lambda.zip for the nodejs22.x runtime (see scripts/bundle.mjs).
// `node bundle.mjs [outfile [zip]]`: tests build into temporary files.
import { fileURLToPath } from 'node:url';
import { bundleLambda } from '../../scripts/bundle.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
const [outfile, zip] = process.argv.slice(2);
await bundleLambda({
  entry: `${root}src/lambda.ts`,
  outfile: outfile ?? `${root}dist/lambda/index.mjs`,
  optionalExternals: {
    cardinal: 'mysql2 colours SQL in its debug output with it when installed, loading it inside try/catch',
    'pg-native': "pg's optional native binding, loaded inside try/catch only when pg.native is asked for",
  },
  ...(outfile === undefined ? { zip: `${root}dist/lambda.zip`, clean: true } : zip === undefined ? {} : { zip }),
});
