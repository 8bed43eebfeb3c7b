// Bundles the `athena-connector` CLI (the validator) into one ESM file runnable by plain node.
import { bundle } from '../../scripts/bundle.mjs';

await bundle({ entry: 'src/validator/cli.ts', outfile: 'dist/athena-connector.mjs' });
