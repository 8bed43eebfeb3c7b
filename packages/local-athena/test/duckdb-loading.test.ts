// Loading Arrow batches into DuckDB: the columns copied as memory (integers of every width and sign,
// floats, dates in days, booleans, decimals of every storage width, strings short and long, binaries)
// come back from DuckDB as the values they were built from, across chunk boundaries and with NULLs;
// text that is not well-formed UTF-8 takes the value-by-value path as before.
import { DuckDBInstance } from '@duckdb/node-api';
import {
  Binary,
  Bool,
  List,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  makeData,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createTable, openTableLoader } from '../src/duckdb-tables.js';

const ROWS = 5000; // more than two DuckDB chunks (2048 rows), and not a multiple of one
const isNull = (i: number) => i % 7 === 3;

/** A validity bitmap with `isNull` rows cleared. */
function validity(rows: number): Uint8Array {
  const bits = new Uint8Array(Math.ceil(rows / 8));
  for (let i = 0; i < rows; i++) if (!isNull(i)) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

function fixed(type: DataType, values: ArrayLike<number | bigint> & { length: number }, length = values.length) {
  return makeData({
    type,
    length,
    nullCount: Array.from({ length }, (_, i) => i).filter(isNull).length,
    nullBitmap: validity(length),
    data: values,
  } as Parameters<typeof makeData>[0]);
}

/** Unscaled decimal values as 128-bit little-endian words. */
function decimalData(precision: number, scale: number, unscaled: bigint[]) {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((value, i) => {
    const twos = BigInt.asUintN(128, value);
    for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((twos >> BigInt(32 * w)) & 0xffffffffn);
  });
  return fixed(new Decimal(scale, precision, 128), words, unscaled.length);
}

function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}`;
}

/** Loads `batches` into `cat.db.t` and returns the rows of each query. */
async function load(schema: Schema, batches: RecordBatch[], ...queries: string[]): Promise<unknown[][][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await createTable(connection, 'cat', 'db', 't', schema);
    const loader = await openTableLoader(connection, 'cat', 'db', 't', schema);
    try {
      // One call per batch, as one per split: each inserts into the open transaction.
      for (const batch of batches) expect(loader.append([batch])).toBe(batch.numRows);
    } finally {
      await loader.close();
    }
    const results: unknown[][][] = [];
    for (const query of queries) results.push((await connection.runAndReadAll(query)).getRows());
    return results;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function batchOf(fields: Field[], children: ReturnType<typeof makeData>[]): RecordBatch {
  const schema = new Schema(fields);
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: children[0]?.length ?? 0, nullCount: 0, children }),
  );
}

describe('loading into DuckDB', () => {
  it('commits nothing when an append fails, and close reports that failure', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const listType = new List(new Field('item', new Int32(), true));
      const lists = batchOf([new Field('xs', listType, true)], [vectorFromArray([[1], [2, 3]], listType).data[0]!]);
      // The table's column is a list; this batch's column holds plain integers, which no list is made of.
      const integers = batchOf(
        [new Field('xs', new Int32(), true)],
        [makeData({ type: new Int32(), length: 3, nullCount: 0, data: Int32Array.from([1, 2, 3]) })],
      );
      await createTable(connection, 'cat', 'db', 't', lists.schema);
      const loader = await openTableLoader(connection, 'cat', 'db', 't', lists.schema);
      expect(loader.append([lists])).toBe(2);
      expect(() => loader.append([integers])).toThrow();
      expect(() => loader.append([lists])).toThrow(/An earlier append to this table failed/);
      await expect(loader.close()).rejects.toThrow();
      const rows = await connection.runAndReadAll('SELECT count(*) FROM cat.db.t');
      expect(rows.getRows()).toEqual([[0n]]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('copies numbers, dates, booleans and decimals exactly, NULLs where Arrow has them', async () => {
    const index = Int32Array.from({ length: ROWS }, (_, i) => i);
    const wave = (i: number) => (i % 2 === 0 ? 1 : -1) * ((i * 2654435761) % 1_000_003);
    const columns: [string, DataType, ArrayLike<number | bigint> & { length: number }, (i: number) => string][] = [
      ['i8', new Int8(), Int8Array.from({ length: ROWS }, (_, i) => (i % 256) - 128), (i) => String((i % 256) - 128)],
      [
        'i16',
        new Int16(),
        Int16Array.from({ length: ROWS }, (_, i) => wave(i) % 32768),
        (i) => String(wave(i) % 32768),
      ],
      ['i32', new Int32(), Int32Array.from({ length: ROWS }, (_, i) => wave(i) * 2047), (i) => String(wave(i) * 2047)],
      [
        'i64',
        new Int64(),
        BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(wave(i)) * 9_007_199_254_741n),
        (i) => String(BigInt(wave(i)) * 9_007_199_254_741n),
      ],
      ['u8', new Uint8(), Uint8Array.from({ length: ROWS }, (_, i) => i % 256), (i) => String(i % 256)],
      [
        'u16',
        new Uint16(),
        Uint16Array.from({ length: ROWS }, (_, i) => (i * 13) % 65536),
        (i) => String((i * 13) % 65536),
      ],
      [
        'u32',
        new Uint32(),
        Uint32Array.from({ length: ROWS }, (_, i) => 4_294_967_295 - i),
        (i) => String(4_294_967_295 - i),
      ],
      [
        'u64',
        new Uint64(),
        BigUint64Array.from({ length: ROWS }, (_, i) => 18_446_744_073_709_551_615n - BigInt(i)),
        (i) => String(18_446_744_073_709_551_615n - BigInt(i)),
      ],
      [
        'day',
        new DateDay(),
        Int32Array.from({ length: ROWS }, (_, i) => wave(i) % 100_000),
        (i) => String(wave(i) % 100_000),
      ],
    ];
    const precisions: [number, number][] = [
      [4, 2],
      [9, 3],
      [18, 4],
      [38, 10],
    ];
    const unscaled = (p: number, i: number) => (BigInt(wave(i)) * 10n ** BigInt(p)) / 1_000_003n;
    const fields = [
      new Field('i', new Int32(), false),
      ...columns.map(([name, type]) => new Field(name, type, true)),
      ...precisions.map(([p, s]) => new Field(`d${p}`, new Decimal(s, p, 128), true)),
      new Field('f32', new Float32(), true),
      new Field('f64', new Float64(), true),
      new Field('flag', new Bool(), true),
    ];
    const floats32 = Float32Array.from({ length: ROWS }, (_, i) => wave(i) / 3);
    const floats64 = Float64Array.from({ length: ROWS }, (_, i) => wave(i) / 7 + 1e-9);
    const flags = new Uint8Array(Math.ceil(ROWS / 8));
    for (let i = 0; i < ROWS; i++) if (i % 3 === 0) flags[i >> 3]! |= 1 << (i & 7);
    const children = [
      makeData({ type: new Int32(), length: ROWS, nullCount: 0, data: index }),
      ...columns.map(([, type, values]) => fixed(type, values)),
      ...precisions.map(([p, s]) =>
        decimalData(
          p,
          s,
          Array.from({ length: ROWS }, (_, i) => unscaled(p, i)),
        ),
      ),
      fixed(new Float32(), floats32),
      fixed(new Float64(), floats64),
      makeData({
        type: new Bool(),
        length: ROWS,
        nullCount: Array.from({ length: ROWS }, (_, i) => i).filter(isNull).length,
        nullBitmap: validity(ROWS),
        data: flags,
      }),
    ];
    const batch = batchOf(fields, children);
    const texts = [
      ...columns.map(([name]) =>
        name === 'day' ? `CAST(day - DATE '1970-01-01' AS VARCHAR)` : `CAST(${name} AS VARCHAR)`,
      ),
      ...precisions.map(([p]) => `CAST(d${p} AS VARCHAR)`),
    ];
    const [rows = []] = await load(
      batch.schema,
      [batch, batch],
      `SELECT i, ${texts.join(', ')}, f32, f64, flag FROM cat.db.t`,
    );
    expect(rows).toHaveLength(2 * ROWS);
    for (const row of rows) {
      const i = row[0] as number;
      const expected = [
        i,
        ...columns.map(([, , , text]) => (isNull(i) ? null : text(i))),
        ...precisions.map(([p, s]) => (isNull(i) ? null : formatDecimal(unscaled(p, i), s))),
        isNull(i) ? null : floats32[i],
        isNull(i) ? null : floats64[i],
        isNull(i) ? null : i % 3 === 0,
      ];
      expect(row).toEqual(expected);
    }
  });

  it('writes strings inline, long, empty, Unicode and NULL, and binaries, across chunks', async () => {
    // Every length from 0 to 14 bytes, some multi-byte, and the buffer's last values (read byte by byte).
    const text = (i: number): string | null =>
      isNull(i)
        ? null
        : i % 5 === 0
          ? ''
          : i % 5 === 1
            ? `p-${i}`
            : i % 5 === 2
              ? `a longer value, row ${i}, past twelve bytes`
              : i % 5 === 3
                ? `Zoë ${i % 10} é`
                : 'abcdefghijklmn'.slice(0, Math.floor(i / 5) % 15);
    const blob = (i: number): Uint8Array | null =>
      isNull(i) ? null : Uint8Array.from({ length: i % 29 }, (_, k) => (i * 31 + k * 7) & 0xff);
    const fields = [
      new Field('i', new Int32(), false),
      new Field('s', new Utf8(), true),
      new Field('b', new Binary(), true),
    ];
    const batch = batchOf(fields, [
      makeData({ type: new Int32(), length: ROWS, nullCount: 0, data: Int32Array.from({ length: ROWS }, (_, i) => i) }),
      vectorFromArray(
        Array.from({ length: ROWS }, (_, i) => text(i)),
        new Utf8(),
      ).data[0]!,
      vectorFromArray(
        Array.from({ length: ROWS }, (_, i) => blob(i)),
        new Binary(),
      ).data[0]!,
    ]);
    const short = Array.from({ length: ROWS }, (_, i) => text(i)).filter(
      (v): v is string => v !== null && Buffer.byteLength(v) <= 12,
    );
    const probes = ['', 'p-1', 'p-4996', 'abcdefghijkl', 'abcdefg', 'Zoë 8 é'];
    const [rows = [], counts = []] = await load(
      batch.schema,
      [batch],
      'SELECT i, s, hex(b), b IS NULL FROM cat.db.t',
      `SELECT ${probes.map((p) => `count(*) FILTER (WHERE s = '${p}')`).join(', ')} FROM cat.db.t`,
    );
    // Equality reads an inline string's whole entry, padding included.
    expect(counts[0]?.map(Number)).toEqual(probes.map((p) => short.filter((v) => v === p).length));
    expect(probes.every((p) => short.includes(p))).toBe(true);
    expect(rows).toHaveLength(ROWS);
    for (const [i, s, hex, blobIsNull] of rows as [number, string | null, string | null, boolean][]) {
      expect(s).toBe(text(i));
      const bytes = blob(i);
      expect(blobIsNull).toBe(bytes === null);
      if (bytes !== null) expect(hex).toBe(Buffer.from(bytes).toString('hex').toUpperCase());
    }
  });

  it('loads text that is not well-formed UTF-8 value by value, as Node decodes it', async () => {
    // Each value alone is malformed (a character split between two values) though the buffer is not.
    const bytes = Buffer.concat([Buffer.from('ok'), Buffer.from('é'), Buffer.from([0xff, 0x41])]);
    const offsets = Int32Array.from([0, 2, 3, 4, 6]);
    const data = makeData({ type: new Utf8(), length: 4, nullCount: 0, valueOffsets: offsets, data: bytes });
    const batch = batchOf([new Field('s', new Utf8(), true)], [data]);
    const [rows = []] = await load(batch.schema, [batch], 'SELECT s FROM cat.db.t');
    expect(rows.map((row) => row[0])).toEqual(
      [0, 1, 2, 3].map((i) => bytes.toString('utf8', offsets[i], offsets[i + 1])),
    );
  });
});
