/**
 * What a person watching the terminal sees: a one-line progress bar while the connectors are read
 * (only on a TTY — piped stderr gets nothing), and the `--explain` account of each table scan.
 */
import type { QueryProgress, TableScanReport } from './local-athena.js';
import { describePushdown } from './scan-plan.js';

const count = (n: number) => n.toLocaleString('en-US');

/** Characters kept for `3/12 splits  123,456 rows  4.6 MB  7 spilled` and its growth. */
const STATS_ROOM = 50;

/** Bytes in B, kB, MB or GB (powers of 1000), one decimal above bytes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/**
 * One line of progress at most `width` characters: the table being read, a bar of splits done out of
 * those known so far, rows, bytes and spilled objects.
 */
export function renderProgress(progress: QueryProgress, width: number): string {
  const stats = `${progress.splitsDone}/${progress.splitsTotal} splits  ${count(progress.rows)} rows  ${formatBytes(progress.bytes)}  ${count(progress.spilledObjects)} spilled`;
  // Room for the numbers is reserved up front, so the bar keeps its width while they grow.
  const barWidth = Math.max(0, Math.min(30, width - STATS_ROOM - progress.table.length - 6));
  const filled = progress.splitsTotal === 0 ? 0 : Math.round((barWidth * progress.splitsDone) / progress.splitsTotal);
  const bar = barWidth < 5 ? '' : `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]  `;
  const line = `${progress.table}  ${bar}${stats}`;
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + '…' : line;
}

/** Where the bar is drawn: stderr when it is a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** A bar redrawn in place at most every `intervalMs`; `finish()` erases it so results print on a clean line. */
export function createProgressBar(
  stream: ProgressStream,
  intervalMs = 100,
): { update(progress: QueryProgress): void; finish(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(progress) {
      const now = Date.now();
      if (now - last < intervalMs && progress.splitsDone < progress.splitsTotal) return;
      last = now;
      // A terminal without a size (a bare pty reports 0 columns) gets the classic 80.
      const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
      stream.write(`\r\x1b[K${renderProgress(progress, columns - 1)}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

const milliseconds = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

/**
 * The `--explain` text: per table what was pushed down (summary, expressions, limit or top-N), how
 * many splits, rows, bytes and spilled objects, and the time in each protocol step.
 */
export function formatExplain(scans: readonly TableScanReport[], duckdbMs?: number): string {
  const lines: string[] = [];
  for (const scan of scans) {
    lines.push(`${scan.table}: pushed ${describePushdown(scan.pushed)}`);
    lines.push(
      `  ${count(scan.splits)} splits, ${count(scan.rows)} rows, ${formatBytes(scan.responseBytes + scan.spilledBytes)} read (${formatBytes(scan.spilledBytes)} spilled), ${count(scan.spilledObjects)} spilled objects; ${milliseconds(scan.wallMs)} (connector ${milliseconds(scan.connectorMs)})`,
    );
    lines.push(
      `  ${Object.entries(scan.timings)
        .map(([step, ms]) => `${step.replace(/Request$/, '')} ${milliseconds(ms)}`)
        .join(', ')}`,
    );
  }
  if (duckdbMs !== undefined) lines.push(`duckdb query: ${milliseconds(duckdbMs)}`);
  return lines.join('\n');
}
