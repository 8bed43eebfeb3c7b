/**
 * Codec throughput: a ReadRecordsResponse carrying ~16 MB of Arrow data, encoded and decoded by
 * our codec vs apache-arrow's own `tableToIPC` + base64 (and base64 + `tableFromIPC`) of the
 * same table. The codec should add almost nothing over the library (target ratio ≥ 0.9), and nor
 * should measuring the answer's encoded size first, as ReadRecords does before answering inline.
 */
import {
  Field,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  tableFromIPC,
  tableToIPC,
} from 'apache-arrow';
import { decodeResponse, encodeResponse, encodedResponseBytes, type ReadRecordsResponse } from '../src/index.js';
import { type RatioResult, compare } from '../src/testing/measure.js';

function sampleBatch(rows: number): RecordBatch {
  const ids = new BigInt64Array(rows);
  const values = new Float64Array(rows);
  const counts = new Int32Array(rows);
  const offsets = new Int32Array(rows + 1);
  const text: string[] = [];
  let length = 0;
  for (let i = 0; i < rows; i++) {
    ids[i] = BigInt(i) * 7919n;
    values[i] = i / 7;
    counts[i] = i % 1000;
    const s = `patient-${i % 100_000}`;
    text.push(s);
    length += s.length;
    offsets[i + 1] = length;
  }
  const utf8 = Buffer.from(text.join(''), 'utf8');
  const fields = [
    new Field('id', new Int64(), true),
    new Field('value', new Float64(), true),
    new Field('count', new Int32(), true),
    new Field('name', new Utf8(), true),
  ];
  const children = [
    makeData({ type: new Int64(), length: rows, nullCount: 0, data: ids }),
    makeData({ type: new Float64(), length: rows, nullCount: 0, data: values }),
    makeData({ type: new Int32(), length: rows, nullCount: 0, data: counts }),
    makeData({ type: new Utf8(), length: rows, nullCount: 0, valueOffsets: offsets, data: utf8 }),
  ];
  return new RecordBatch(
    new Schema(fields),
    makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }),
  );
}

/** A view, not a copy: the baseline should pay only for what apache-arrow and base64 need. */
function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * What a sender does with either side's text: turn it into the bytes it writes. The codec's JSON is
 * a rope around the base64 member, so this also charges it for flattening.
 */
function wireBytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Encode and decode ratios for a ~16 MB ReadRecordsResponse. */
export function codecBenchmarks(): RatioResult[] {
  const batch = sampleBatch(440_000);
  const table = new Table([batch]);
  const rawBytes = batch.data.children.reduce((sum, child) => sum + child.byteLength, 0);
  const response: ReadRecordsResponse = {
    '@type': 'ReadRecordsResponse',
    catalogName: 'bench',
    records: { aId: 'bench', schema: batch.schema, records: batch },
  };
  const json = JSON.parse(JSON.stringify(encodeResponse(response, 6))) as string;
  // Node returns large base64 results as external strings, which it decodes without a copy; a
  // member of a wire document never is one (it comes out of a JSON parser), so the baseline decodes
  // the same kind of string the codec gets.
  const b64 = JSON.parse(JSON.stringify(base64Of(tableToIPC(table, 'stream')))) as string;
  const detail = `${(rawBytes / 1e6).toFixed(1)} MB of Arrow buffers, ${batch.numRows} rows`;
  return [
    compare(
      'codec encode ReadRecordsResponse',
      '≥ 0.9',
      () => wireBytes(base64Of(tableToIPC(table, 'stream'))),
      () => wireBytes(encodeResponse(response, 6)),
      21,
      detail,
    ),
    compare(
      'codec measure + encode (inline answer)',
      '≥ 0.9',
      () => wireBytes(base64Of(tableToIPC(table, 'stream'))),
      () => encodedResponseBytes(response, 6) + wireBytes(encodeResponse(response, 6)).length,
      21,
      detail,
    ),
    compare(
      'codec decode ReadRecordsResponse',
      '≥ 0.9',
      () => tableFromIPC(Buffer.from(b64, 'base64')),
      () => decodeResponse(json, 6),
      21,
      detail,
    ),
  ];
}
