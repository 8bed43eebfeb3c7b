// Memory: in a child process with --expose-gc (support/memory-soak.ts), 1,000 sequential
// ReadRecords on one warm handler must leave RSS within 10 % of where it stood after the first 100.
// It measures memory, not time: a leak grows with the invocations.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('memory across 1,000 sequential invocations', () => {
  it("keeps each warm handler's RSS after 1,000 ReadRecords within 10 % of its RSS after the first 100", {
    timeout: 240_000,
  }, async () => {
    const soak = join(import.meta.dirname, 'support/memory-soak.ts');
    // The child scans its handler's log lines itself (logLeaks) and keeps them off its stdout.
    // MALLOC_ARENA_MAX and a fixed young generation keep RSS from wandering with allocator arenas and
    // V8's semi-space resizing (tens of MiB either way); a leak still shows in the old generation and native memory.
    const childEnv: NodeJS.ProcessEnv = { ...process.env, MALLOC_ARENA_MAX: '2' };
    delete childEnv['PHI_LOG_SCAN_DIR'];
    const run = (connector: string) =>
      promisify(execFile)(
        process.execPath,
        ['--expose-gc', '--min-semi-space-size=8', '--max-semi-space-size=8', '--import', 'tsx', soak, connector],
        { cwd: join(import.meta.dirname, '../../..'), env: childEnv, timeout: 200_000, maxBuffer: 16 * 1024 * 1024 },
      );
    // Both at once: each child measures only its own RSS.
    const results = await Promise.all(
      ['aurora', 'dynamodb'].map(async (connector) => {
        const { stdout } = await run(connector);
        return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
          connector: string;
          invocations: number;
          rowsChecked: number;
          logLeaks: number;
          rssAfter100: number;
          rssAfter1000: number;
          heapAfter100: number;
          heapAfter1000: number;
        };
      }),
    );
    for (const result of results) {
      console.info(`[reliability] memory ${result.connector}: ${JSON.stringify(result)}`);
      expect(result.invocations).toBe(1000);
      expect(result.rowsChecked).toBeGreaterThan(0);
      expect(result.logLeaks).toBe(0);
      expect(result.rssAfter1000).toBeLessThanOrEqual(result.rssAfter100 * 1.1);
    }
  });
});
