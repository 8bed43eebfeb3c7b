/**
 * Vitest setup file (every test file of every package): when `PHI_LOG_SCAN_DIR` is set (the root
 * vitest.config.ts sets it for every run), everything the test process writes to stdout/stderr and
 * everything it prints through `console` is also appended to a file per process in that folder,
 * where phi-log-scan.ts looks for planted PHI once the run is over. Connector logs run at DEBUG in
 * that mode; their JSON lines only reach the terminal when POWERTOOLS_LOG_LEVEL was set by the user
 * (`PHI_LOG_SCAN_ECHO=1`), so the test output stays as quiet as without the scan.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { format } from 'node:util';

const dir = process.env['PHI_LOG_SCAN_DIR'];
const CAPTURED = Symbol.for('athena-federation.phi-log-capture');

type Write = (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
type Holder = Record<symbol, unknown>;

/** A Powertools JSON log line: kept off the terminal unless the user asked for logs. */
const isStructuredLog = (text: string) =>
  text.startsWith('{"level":') || text.startsWith('{"cold_start"') || text.includes('"sampling_rate":');

if (dir !== undefined && dir !== '') {
  const processHolder = process as unknown as Holder;
  // One file and one stream patch per process, however many test files the process runs.
  if (processHolder[CAPTURED] === undefined) {
    const fd = openSync(join(dir, `${process.pid}-${threadId}.log`), 'a');
    const echo = process.env['PHI_LOG_SCAN_ECHO'] === '1';
    processHolder[CAPTURED] = fd;
    process.once('exit', () => closeSync(fd));
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write as Write;
      stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]): boolean {
        if (typeof chunk === 'string') writeSync(fd, chunk);
        else writeSync(fd, chunk);
        if (!echo && isStructuredLog(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8', 0, 200))) {
          const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
          callback?.();
          return true;
        }
        return write.call(this, chunk, ...rest);
      } as typeof stream.write;
    }
  }
  // Vitest gives each test file its own console (forwarded to the runner, not to process.stdout), so wrap it per file.
  const fd = processHolder[CAPTURED] as number;
  const consoleHolder = console as unknown as Holder & Record<string, unknown>;
  if (consoleHolder[CAPTURED] === undefined) {
    consoleHolder[CAPTURED] = true;
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'] as const) {
      const original = console[method] as (...args: unknown[]) => void;
      consoleHolder[method] = (...args: unknown[]) => {
        writeSync(fd, `${format(...args)}\n`);
        original.apply(console, args);
      };
    }
  }
}
