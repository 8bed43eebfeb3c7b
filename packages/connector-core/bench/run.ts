/**
 * `pnpm bench` for connector-core: every benchmark reports a ratio against a baseline measured in
 * the same run. Nothing here is a pass/fail test; the targets are printed beside the ratios.
 *
 * `bench/run.ts <group>…` runs only the named groups (codec, block-writer, spill, cold-start), so a
 * change to one part can be measured without the minutes the spill and cold-start groups take.
 */
import { blockWriterBenchmarks } from './block-writer.bench.js';
import { codecBenchmarks } from './codec.bench.js';
import { coldStartBenchmarks } from './cold-start.bench.js';
import { report, type RatioResult } from '../src/testing/measure.js';
import { spillBenchmarks } from './spill.bench.js';

const groups: Readonly<Record<string, () => RatioResult[] | Promise<RatioResult[]>>> = {
  codec: codecBenchmarks,
  'block-writer': blockWriterBenchmarks,
  spill: spillBenchmarks,
  'cold-start': coldStartBenchmarks,
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !Object.hasOwn(groups, name));
if (unknown.length > 0) {
  throw new Error(
    `Unknown bench group ${unknown.map((name) => JSON.stringify(name)).join(', ')}; the groups are ${Object.keys(groups).join(', ')}`,
  );
}
const selected = requested.length === 0 ? Object.keys(groups) : requested;
const results: RatioResult[] = [];
for (const name of selected) results.push(...(await (groups[name] as () => RatioResult[] | Promise<RatioResult[]>)()));
report(results);
