/**
 * Block writing: 1M rows of 6 mixed columns (ints, decimals, dates, timestamps, strings) turned
 * into Arrow and serialised to IPC — core's RecordBatchWriter vs apache-arrow's own builders
 * (`makeBuilder`) on the same values, both followed by `tableToIPC` (target ≥ 2×).
 */
import {
  DateDay,
  Decimal,
  Field,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
  makeBuilder,
  makeData,
  Struct,
  tableToIPC,
  type DataType,
} from 'apache-arrow';
import { RecordBatchWriter } from '../src/index.js';
import { type RatioResult, compare } from '../src/testing/measure.js';

const ROWS = 1_000_000;

/** The schema both sides write. apache-arrow's builder writes raw epoch millis where ours packs Athena's zone key: ours does more. */
const schema = new Schema([
  new Field('id', new Int64(), true),
  new Field('count', new Int32(), true),
  new Field('amount', new Decimal(2, 12, 128), true),
  new Field('day', new DateDay(), true),
  new Field('seen_at', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), true),
  new Field('name', new Utf8(), true),
]);

function rows(): unknown[][] {
  const out: unknown[][] = new Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    out[i] = [
      BigInt(i) * 31n,
      i % 100_000,
      `${i % 1_000_000}.${String(i % 100).padStart(2, '0')}`,
      new Date(Date.UTC(2024, 0, 1 + (i % 365))),
      1_700_000_000_000 + i,
      `patient-${i % 50_000}`,
    ];
  }
  return out;
}

/** Decimal builders take the unscaled value as 4 little-endian 32-bit words. */
function decimalWords(text: string): Uint32Array {
  const [whole = '0', fraction = ''] = text.split('.');
  let v = BigInt(whole + fraction.padEnd(2, '0').slice(0, 2));
  const words = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    words[w] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  return words;
}

function withArrowBuilders(data: readonly unknown[][]): Uint8Array {
  const builders = schema.fields.map((f) => makeBuilder({ type: f.type as DataType, nullValues: [null, undefined] }));
  for (const row of data) {
    builders[0]?.append(row[0]);
    builders[1]?.append(row[1]);
    builders[2]?.append(decimalWords(row[2] as string));
    builders[3]?.append(row[3]);
    builders[4]?.append(row[4]);
    builders[5]?.append(row[5]);
  }
  const children = builders.map((b) => b.finish().flush());
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: data.length, nullCount: 0, children }),
  );
  return tableToIPC(new Table([batch]), 'stream');
}

function withBlockWriter(data: readonly unknown[][]): Uint8Array {
  const writer = new RecordBatchWriter(schema);
  for (const row of data) writer.appendRow(row);
  return tableToIPC(new Table([writer.finish()]), 'stream');
}

/** Block-writing ratio. */
export function blockWriterBenchmarks(): RatioResult[] {
  const data = rows();
  return [
    compare(
      'block writer: 1M rows × 6 columns → IPC',
      '≥ 2',
      () => withArrowBuilders(data),
      () => withBlockWriter(data),
      5,
      'vs apache-arrow makeBuilder + tableToIPC',
    ),
  ];
}
