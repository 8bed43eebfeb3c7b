// Bundles the CLI into one ESM file runnable by plain node, and beside it the DuckDB thread's
// worker module (the CLI starts it by that name); DuckDB's native binding stays external.
import { bundle } from '../../scripts/bundle.mjs';

const external = ['@duckdb/node-api', '@duckdb/node-bindings'];
await bundle({ entry: 'src/cli.ts', outfile: 'dist/cli.mjs', external });
await bundle({ entry: 'src/duckdb-worker.ts', outfile: 'dist/duckdb-worker.mjs', external });
