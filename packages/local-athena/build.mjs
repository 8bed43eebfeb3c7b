// Bundles the CLI into one ESM file runnable by plain node; DuckDB's native binding stays external.
import { bundle } from '../../scripts/bundle.mjs';

await bundle({ entry: 'src/cli.ts', outfile: 'dist/cli.mjs', external: ['@duckdb/node-api', '@duckdb/node-bindings'] });
