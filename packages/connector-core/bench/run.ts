/**
 * `pnpm bench` for connector-core: every benchmark reports a ratio against a baseline measured in
 * the same run. Nothing here is a pass/fail test; the targets are printed beside the ratios.
 */
import { blockWriterBenchmarks } from './block-writer.bench.js';
import { codecBenchmarks } from './codec.bench.js';
import { coldStartBenchmarks } from './cold-start.bench.js';
import { report } from '../src/testing/measure.js';
import { spillBenchmarks } from './spill.bench.js';

report([...codecBenchmarks(), ...blockWriterBenchmarks(), ...(await spillBenchmarks()), ...(await coldStartBenchmarks())]);
