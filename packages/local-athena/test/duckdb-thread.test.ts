// DuckDB on its own thread: batches handed over as one copied buffer come back as the same rows
// (nested types, NULLs, sliced batches), query results keep DuckDB's value classes across the
// thread, errors arrive with DuckDB's message, a failed load commits nothing, reads wait while too
// many bytes are in flight, and close() settles only once the thread has ended.
import { DuckDBInstance } from '@duckdb/node-api';
import { Binary, Duration, Field, Int32, Map_, Schema, Struct, TimeUnit, Utf8 } from 'apache-arrow';
import { buildRecordBatch, readRows } from '@athena-federation/connector-core';
import { describe, expect, it } from 'vitest';
import { mixedRow, mixedSchema } from '../../connector-core/test/support/reference-tables.js';
import { packBatches, unpackBatches } from '../src/arrow-handoff.js';
import { DuckDBThread } from '../src/duckdb-thread.js';
import { fromPortable, toPortable } from '../src/portable-values.js';

const rows = (count: number, from = 0) => Array.from({ length: count }, (_, i) => mixedRow(from + i));
const extraSchema = new Schema([
  new Field('id', new Int32(), false),
  new Field('blob', new Binary(), true),
  new Field(
    'labels',
    new Map_(
      new Field(
        'entries',
        new Struct<{ key: Utf8; value: Int32 }>([
          new Field('key', new Utf8(), false),
          new Field('value', new Int32(), true),
        ]),
        false,
      ),
    ),
    true,
  ),
]);
const extraRow = (i: number) => ({
  id: i,
  blob: i % 4 === 0 ? null : Uint8Array.from({ length: i % 9 }, (_, k) => (i + k) & 0xff),
  labels: i % 5 === 0 ? null : new Map(Array.from({ length: i % 3 }, (_, k) => [`k${k}`, k === 1 ? null : i * k])),
});

describe('handing batches to another thread', () => {
  it('rebuilds every row of every type from the packed buffer alone, sliced batches included', () => {
    const batches = [
      buildRecordBatch(mixedSchema, rows(300)),
      buildRecordBatch(mixedSchema, rows(1000, 300)).slice(123, 777),
      buildRecordBatch(mixedSchema, []),
    ];
    const packed = packBatches(batches);
    expect(packed.rows).toBe(300 + 654);
    // What crosses is a copy: the originals can change (or be detached) without touching it.
    const copy = structuredClone(packed, { transfer: [packed.memory] });
    for (const batch of batches) {
      for (const child of batch.data.children) {
        const values = child.values as ArrayBufferView | undefined;
        if (values !== undefined) new Uint8Array(values.buffer, values.byteOffset, values.byteLength).fill(0);
      }
    }
    const unpacked = unpackBatches(mixedSchema, copy);
    expect(unpacked.map(readRows)).toEqual(
      [rows(300), rows(1000, 300).slice(123, 777), []].map((r) => readRows(buildRecordBatch(mixedSchema, r))),
    );
    const extra = buildRecordBatch(
      extraSchema,
      Array.from({ length: 50 }, (_, i) => extraRow(i)),
    );
    expect(unpackBatches(extraSchema, packBatches([extra])).map(readRows)).toEqual([readRows(extra)]);
  });

  it('refuses a packed batch whose shape does not match the schema', () => {
    const packed = packBatches([buildRecordBatch(extraSchema, [extraRow(1)])]);
    expect(() => unpackBatches(new Schema([new Field('id', new Int32(), false)]), packed)).toThrow(
      /has 3 children where its type .* has 1/,
    );
  });
});

describe('query results across threads', () => {
  it('arrive as the same DuckDB values, classes included, whatever the field names of a struct', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader =
        await connection.runAndReadAll(`SELECT 12345.67::DECIMAL(9,2) AS d, 123456789012345678901234.5::DECIMAL(38,1) AS big, DATE '2024-02-29' AS day,
        TIMESTAMP '2024-02-29 12:34:56.789' AS ts, TIMESTAMPTZ '2024-02-29 12:34:56+00' AS tz, INTERVAL 3 DAY AS gap, TIME '01:02:03' AS t,
        [1, NULL, 3] AS xs, {'instance': 'a', 'object': [1], 'array': NULL} AS tricky, MAP {'k': 1.5} AS m, '\\x00\\xff'::BLOB AS b,
        'b5a3c0a0-1111-4222-8333-444455556666'::UUID AS u, 2::HUGEINT ** 100 AS huge, NULL AS nothing, 'text' AS s, 7 AS n, true AS flag`);
      const original = reader.getRows();
      const crossed = structuredClone(original.map((row) => row.map(toPortable))).map((row) => row.map(fromPortable));
      expect(crossed).toStrictEqual(original);
      expect(crossed.map((row) => row.map(String))).toEqual(original.map((row) => row.map(String)));
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('DuckDBThread', () => {
  it('loads batches appended split by split and answers queries over them', async () => {
    const thread = DuckDBThread.start();
    try {
      const table = thread.createTable('cat', 'ehr', 'patients', mixedSchema);
      await table.created;
      expect(await table.append([buildRecordBatch(mixedSchema, rows(500))])).toBe(500);
      expect(
        await table.append([
          buildRecordBatch(mixedSchema, rows(700, 500)),
          buildRecordBatch(mixedSchema, rows(300, 1200)),
        ]),
      ).toBe(1000);
      const report = await table.close();
      expect(report.loadMs).toBeGreaterThan(0);
      const result = await thread.query(
        'SELECT id, name, CAST(amount AS VARCHAR), tags, vitals FROM cat.ehr.patients ORDER BY id',
      );
      expect(result.columns).toEqual(['id', 'name', 'CAST(amount AS VARCHAR)', 'tags', 'vitals']);
      const expected = rows(1500).sort((a, b) => Number((a['id'] as bigint) - (b['id'] as bigint)));
      expect(result.rows.map((row) => row.slice(0, 3))).toEqual(
        expected.map((row) => [row['id'], row['name'], row['amount']]),
      );
      expect(result.rows.map((row) => (row[3] === null ? null : String(row[3])))).toEqual(
        expected.map((row) =>
          row['tags'] === null ? null : `[${(row['tags'] as string[]).map((t) => `'${t}'`).join(', ')}]`,
        ),
      );
      expect(result.rows.filter((row) => row[4] !== null)).toHaveLength(
        expected.filter((row) => row['vitals'] !== null).length,
      );
    } finally {
      await thread.close();
    }
  });

  it('rejects with DuckDB’s own message, and a failed load leaves the table empty', async () => {
    const thread = DuckDBThread.start();
    try {
      await expect(thread.query('SELECT * FROM no_such_table')).rejects.toThrow(
        /Table with name no_such_table does not exist/,
      );
      // The table's column is an integer; the batch's is a list, which the value-by-value path cannot turn into one.
      const table = thread.createTable('cat', 'ehr', 'broken', new Schema([new Field('tags', new Int32(), true)]));
      await table
        .append([
          buildRecordBatch(new Schema([new Field('tags', mixedSchema.fields[8]!.type, true)]), [{ tags: ['a'] }]),
        ])
        .catch(() => undefined);
      const failure = await table.close().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((await thread.query('SELECT count(*) FROM cat.ehr.broken')).rows).toEqual([[0n]]);
      // The thread goes on after a failure.
      expect((await thread.query('SELECT 41 + 1')).rows).toEqual([[42]]);
    } finally {
      await thread.close();
    }
  });

  it('reports a table it cannot create when asked and when closed, and goes on', async () => {
    const thread = DuckDBThread.start();
    try {
      const table = thread.createTable(
        'cat',
        'ehr',
        'durations',
        new Schema([new Field('gap', new Duration(TimeUnit.SECOND), true)]),
      );
      await expect(table.created).rejects.toThrow(/Arrow type Duration.* has no DuckDB column type here/);
      await expect(table.close()).rejects.toThrow(/has no DuckDB column type here/);
      expect((await thread.query('SELECT 1')).rows).toEqual([[1]]);
    } finally {
      await thread.close();
    }
  });

  it('makes a read wait while the thread has more than its limit of bytes still to load', async () => {
    const thread = DuckDBThread.start({ maxBytesInFlight: 1 });
    try {
      const table = thread.createTable('cat', 'ehr', 'patients', mixedSchema);
      const first = buildRecordBatch(mixedSchema, rows(2000));
      const second = buildRecordBatch(mixedSchema, rows(10));
      const sizes = [packBatches([first]).memory.byteLength, packBatches([second]).memory.byteLength];
      const appended = await Promise.all([
        table.append([first]),
        table.append([second]).then((count) => ({ count, inFlight: thread.bytesInFlight })),
      ]);
      // The second was sent only after the first had been loaded, so only its own bytes were left.
      expect(appended[1]).toEqual({ count: 10, inFlight: sizes[1] });
      await table.close();
      expect(thread.bytesInFlight).toBe(0);
      expect((await thread.query('SELECT count(*) FROM cat.ehr.patients')).rows).toEqual([[2010n]]);
    } finally {
      await thread.close();
    }
  });

  it('answers what was asked before close(), fails what is asked after, and settles once the thread has ended', async () => {
    const thread = DuckDBThread.start();
    const asked = thread.query('SELECT 1 AS one');
    let ended = false;
    const closing = thread.close().then(() => (ended = true));
    await expect(thread.query('SELECT 1')).rejects.toThrow(/DuckDB's thread is closed/);
    expect((await asked).rows).toEqual([[1]]);
    await closing;
    expect(ended).toBe(true);
    await expect(thread.close()).resolves.toBeUndefined();
  });
});
