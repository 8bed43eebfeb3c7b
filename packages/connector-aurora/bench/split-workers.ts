/**
 * The parallel-splits benchmark's "Lambdas": worker threads, each with a connector of its own, reading
 * the splits they are given (or, for MySQL, raw statements), and what one whole read keeps busy — the
 * bound that 2 shared cores put on what parallel splits can gain.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Split } from '@athena-federation/connector-core';
import { compareAsync, type RatioResult } from '@athena-federation/connector-core/harness';
import type { ProtocolSource } from './protocol-reader.js';

export const PARALLEL_SPLITS = 4;
/** One worker per core: more would only take turns on the same cores (Athena's Lambdas each have their own). */
export const WORKERS = Math.min(PARALLEL_SPLITS, availableParallelism());

/** Worker threads reading splits of `source` (default MariaDB's benchmark table). */
export function startWorkers(count: number, targetRowsPerSplit: number, source?: ProtocolSource) {
  // tsx's loader hooks do not reach worker threads from the command line, so each worker registers them first.
  const entry = new URL('./split-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  const workers = Array.from(
    { length: count },
    () => new Worker(bootstrap, { eval: true, workerData: { targetRowsPerSplit, source } }),
  );
  const read = (worker: Worker, work: Split | string) =>
    new Promise<number>((resolve, reject) => {
      worker.once('message', (message: { rows?: number; error?: string }) =>
        message.error === undefined ? resolve(message.rows ?? 0) : reject(new Error(message.error)),
      );
      worker.postMessage(typeof work === 'string' ? { sql: work } : { split: work });
    });
  return {
    /** Reads `splits` (or raw MySQL statements) with every worker pulling the next unread one. */
    async readAll(splits: readonly (Split | string)[]): Promise<number> {
      const queue = [...splits];
      const counts = await Promise.all(
        workers.map(async (worker) => {
          let rows = 0;
          for (let split = queue.shift(); split !== undefined; split = queue.shift()) rows += await read(worker, split);
          return rows;
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    stop: () =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve) => {
              w.once('exit', resolve);
              w.postMessage('close');
            }),
        ),
      ),
  };
}

export type SplitWorkers = ReturnType<typeof startWorkers>;

/**
 * CPU seconds the database server's processes have used so far (Linux /proc), or undefined
 * elsewhere: every process of the name, with the CPU of its ended children (PostgreSQL runs a
 * process per connection, whose time moves to the postmaster's children's time when it ends).
 */
function serverCpuSeconds(processNames: readonly string[]): number | undefined {
  try {
    const pids = execFileSync('pidof', [...processNames], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    let ticks = 0;
    for (const pid of pids) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
      ticks += Number(fields?.[11]) + Number(fields?.[12]) + Number(fields?.[13]) + Number(fields?.[14]);
    }
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `splits` read by {@link WORKERS} workers vs `whole` read by one, with the bound one whole read
 * already puts on 2 cores (reader threads incl. GC plus the server), measured on one untimed read
 * after a warm-up.
 */
export async function parallelSplitsComparison(options: {
  readonly name: string;
  readonly one: SplitWorkers;
  readonly many: SplitWorkers;
  readonly whole: Split;
  readonly splits: readonly Split[];
  readonly rows: number;
  readonly serverProcesses: readonly string[];
}): Promise<RatioResult> {
  const { one, many, whole, splits, rows } = options;
  const expectRows = (what: string, read: number) => {
    if (read !== rows) throw new Error(`${what} read ${read} rows, expected ${rows}`);
  };
  await one.readAll([whole]);
  const serverBefore = serverCpuSeconds(options.serverProcesses);
  const clientBefore = process.cpuUsage();
  const wallStart = performance.now();
  await one.readAll([whole]);
  const wall = (performance.now() - wallStart) / 1000;
  const serverAfter = serverCpuSeconds(options.serverProcesses);
  const clientCpu = process.cpuUsage(clientBefore);
  const reader = (clientCpu.user + clientCpu.system) / 1e6;
  const server = serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore;
  const busy = server === undefined ? undefined : (reader + server) / wall;
  const bound =
    server === undefined || busy === undefined
      ? ''
      : `; one split already keeps ${busy.toFixed(2)} cores busy (readers ${reader.toFixed(2)} s + server ${server.toFixed(2)} s CPU in ${wall.toFixed(2)} s), so 2 cores allow at most ${(2 / busy).toFixed(2)}`;
  return compareAsync(
    options.name,
    '≥ 1.5 (2 cores)',
    async () => expectRows('one split', await one.readAll([whole])),
    async () => expectRows('range splits', await many.readAll(splits)),
    5,
    `${WORKERS} worker threads (one per core, a connector each) vs 1${bound}`,
  );
}
