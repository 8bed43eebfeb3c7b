// The progress bar's line and the --explain text, rendered from plain values (the TTY itself is not tested).
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatBytes, formatExplain, renderProgress } from '../src/progress.js';
import type { TableScanReport } from '../src/index.js';

describe('progress bar', () => {
  const progress = {
    table: 'ehr.ehr.patients',
    splitsDone: 3,
    splitsTotal: 12,
    rows: 123456,
    bytes: 4_567_890,
    spilledObjects: 7,
  };

  it('shows splits done of total as a bar, with rows, bytes and spills', () => {
    // 100 columns less 50 for the numbers, 16 for the name and 6 for spacing: 28 bar cells; 3 of 12 is 7.
    expect(renderProgress(progress, 100)).toBe(
      `ehr.ehr.patients  [${'#'.repeat(7)}${'-'.repeat(21)}]  3/12 splits  123,456 rows  4.6 MB  7 spilled`,
    );
    // The bar keeps its width as the numbers grow.
    expect(renderProgress({ ...progress, splitsDone: 12, rows: 9_876_543, bytes: 9_876_543_210 }, 100)).toBe(
      `ehr.ehr.patients  [${'#'.repeat(28)}]  12/12 splits  9,876,543 rows  9.9 GB  7 spilled`,
    );
  });

  it('fits the terminal: drops the bar when narrow, truncates when narrower', () => {
    expect(renderProgress(progress, 60)).toBe('ehr.ehr.patients  3/12 splits  123,456 rows  4.6 MB  7 spil…');
    expect(renderProgress({ ...progress, splitsTotal: 0, splitsDone: 0 }, 80)).toMatch(/\[-+\] {2}0\/0 splits/);
  });

  it('redraws in place and erases itself when finished', () => {
    const written: string[] = [];
    const bar = createProgressBar({ isTTY: true, columns: 81, write: (t: string) => written.push(t) }, 0);
    bar.update(progress);
    bar.update({ ...progress, splitsDone: 12 });
    bar.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toBe(`\r\x1b[K${renderProgress(progress, 80)}`);
    // 81 columns, one kept free: 80 - 50 - 16 - 6 = 8 bar cells.
    expect(written[1]).toContain(`[${'#'.repeat(8)}]  12/12 splits`);
    expect(written[2]).toBe('\r\x1b[K');
  });

  it('draws 80 columns on a terminal that reports no size', () => {
    const written: string[] = [];
    createProgressBar({ isTTY: true, columns: 0, write: (t: string) => written.push(t) }, 0).update(progress);
    expect(written).toEqual([`\r\x1b[K${renderProgress(progress, 79)}`]);
    expect(written[0]).toContain('3/12 splits');
  });

  it('formats bytes in powers of 1000', () => {
    expect([0, 999, 1000, 1_234_567, 5e9].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 kB', '1.2 MB', '5.0 GB']);
  });
});

describe('--explain', () => {
  it('shows per table what was pushed, splits, rows, bytes, spills and the time per step', () => {
    const scan: TableScanReport = {
      table: 'devices.default.readings',
      pushdown: {},
      dynamicFilters: [],
      pushed: {
        summary: {},
        expression: [],
        limit: 10n,
        orderBy: [{ columnName: 'ts', direction: 'DESC_NULLS_LAST' }],
        dynamicFilters: [],
      },
      splits: 4,
      rows: 40,
      spilledObjects: 2,
      requestBytes: 100,
      responseBytes: 2000,
      spilledBytes: 3000,
      timings: { PingRequest: 1.25, ReadRecordsRequest: 20, loadIntoDuckDB: 3 },
      connectorMs: 15,
      wallMs: 30,
    };
    expect(formatExplain([scan], 4).split('\n')).toEqual([
      'devices.default.readings: pushed top-N 10 by ts DESC_NULLS_LAST',
      '  4 splits, 40 rows, 5.0 kB read (3.0 kB spilled), 2 spilled objects; 30 ms (connector 15 ms)',
      '  Ping 1.3 ms, ReadRecords 20 ms, loadIntoDuckDB 3.0 ms',
      'duckdb query: 4.0 ms',
    ]);
  });
});
