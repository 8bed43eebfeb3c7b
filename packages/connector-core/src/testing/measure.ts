/**
 * Ratio measurement for `pnpm bench` (exported as `@athena-federation/connector-core/bench` so every
 * package's benchmarks report the same way): the candidate and its baseline run interleaved in one
 * process, several rounds each, and the medians are compared — absolute times on shared machines
 * are noise, ratios measured side by side are not.
 */

/** One benchmark's result: median milliseconds of each side and the throughput ratio. */
export interface RatioResult {
  readonly name: string;
  readonly baselineMs: number;
  readonly candidateMs: number;
  /** candidate throughput ÷ baseline throughput (> 1 means the candidate is faster). */
  readonly ratio: number;
  readonly target: string;
  readonly detail?: string;
  /** Unit of the two measurements (default `ms`). */
  readonly unit?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

function time(run: () => unknown): number {
  // Collect first so one side does not pay for the other's garbage (run with --expose-gc).
  collectGarbage?.();
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `baseline` and `candidate` alternately for `rounds` rounds after one warm-up each. */
export function compare(
  name: string,
  target: string,
  baseline: () => unknown,
  candidate: () => unknown,
  rounds = 15,
  detail?: string,
): RatioResult {
  baseline();
  candidate();
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      b.push(time(baseline));
      c.push(time(candidate));
    } else {
      c.push(time(candidate));
      b.push(time(baseline));
    }
  }
  const baselineMs = median(b);
  const candidateMs = median(c);
  return {
    name,
    baselineMs,
    candidateMs,
    ratio: baselineMs / candidateMs,
    target,
    ...(detail === undefined ? {} : { detail }),
  };
}

async function timeAsync(run: () => Promise<unknown>): Promise<number> {
  collectGarbage?.();
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * The asynchronous form of {@link compare}, for baselines that do I/O (S3, DynamoDB, MySQL): the
 * side that goes first alternates, so neither always meets a warmer or busier server.
 */
export async function compareAsync(
  name: string,
  target: string,
  baseline: () => Promise<unknown>,
  candidate: () => Promise<unknown>,
  rounds = 9,
  detail?: string,
): Promise<RatioResult> {
  await baseline();
  await candidate();
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      b.push(await timeAsync(baseline));
      c.push(await timeAsync(candidate));
    } else {
      c.push(await timeAsync(candidate));
      b.push(await timeAsync(baseline));
    }
  }
  const baselineMs = median(b);
  const candidateMs = median(c);
  return {
    name,
    baselineMs,
    candidateMs,
    ratio: baselineMs / candidateMs,
    target,
    ...(detail === undefined ? {} : { detail }),
  };
}

/** Prints results as an aligned table. */
export function report(results: readonly RatioResult[]): void {
  const rows = results.map((r) => [
    r.name,
    `${r.baselineMs.toFixed(1)} ${r.unit ?? 'ms'}`,
    `${r.candidateMs.toFixed(1)} ${r.unit ?? 'ms'}`,
    r.ratio.toFixed(2),
    r.target,
    r.detail ?? '',
  ]);
  const header = ['benchmark', 'baseline', 'ours', 'ratio', 'target', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
