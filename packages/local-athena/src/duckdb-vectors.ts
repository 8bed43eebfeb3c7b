/**
 * Copies Arrow columns into DuckDB data-chunk vectors as memory, for the types whose layouts agree
 * or differ only in width: integers, floats, dates in days, booleans, decimals, and strings and
 * binaries (DuckDB's 16-byte string entries, built in bulk for the ones short enough to live inline).
 * Going value by value through JavaScript objects cost most of a table load; these columns skip it.
 * Everything else (and any column whose buffers do not qualify) still goes value by value.
 */
import { isUtf8 } from 'node:buffer';
import duckdb from '@duckdb/node-bindings';
import { type Data, DataType, DateUnit, Precision } from 'apache-arrow';

/**
 * Writes rows `start … start + rows` of `data` into `vector`, values and validity; returns false,
 * having written nothing, when this batch's buffers cannot be copied (then the caller writes the
 * column value by value). `start` is a multiple of 8, so validity bits copy as whole bytes.
 */
export type ColumnWriter = (vector: duckdb.Vector, data: Data, start: number, rows: number) => boolean;

/** The writer for columns of Arrow type `type` (as created by `duckdbType`), or undefined when there is none. */
export function columnWriter(type: DataType): ColumnWriter | undefined {
  if (DataType.isInt(type)) return fixedWidth(type.bitWidth / 8);
  if (DataType.isFloat(type))
    return type.precision === Precision.HALF ? undefined : fixedWidth(type.precision === Precision.SINGLE ? 4 : 8);
  // DuckDB's DATE is days since the epoch in 32 bits, like DateDay.
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY ? fixedWidth(4) : undefined;
  if (DataType.isBool(type)) return booleans;
  if (DataType.isDecimal(type)) return type.bitWidth === 128 ? decimal(type.precision) : undefined;
  if (DataType.isUtf8(type)) return strings(true);
  if (DataType.isBinary(type)) return strings(false);
  return undefined;
}

/** Sliced data keeps its bits where they were; only whole batches (what the codec decodes) are copied. */
function copyable(data: Data): boolean {
  return data.offset === 0 && (data.nullCount === 0 || data.nullBitmap !== undefined);
}

function copyValidity(vector: duckdb.Vector, data: Data, start: number, rows: number): void {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined) return;
  // Both are least-significant-bit-first row masks; DuckDB only allocates its mask on request.
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(
    vector,
    0,
    bitmap.buffer as ArrayBuffer,
    bitmap.byteOffset + start / 8,
    Math.ceil(rows / 8),
  );
}

function fixedWidth(width: number): ColumnWriter {
  return (vector, data, start, rows) => {
    if (!copyable(data)) return false;
    const values = data.values as ArrayBufferView;
    duckdb.copy_data_to_vector(
      vector,
      0,
      values.buffer as ArrayBuffer,
      values.byteOffset + start * width,
      rows * width,
    );
    copyValidity(vector, data, start, rows);
    return true;
  };
}

/** Arrow packs booleans in bits, DuckDB keeps one byte each. */
const booleans: ColumnWriter = (vector, data, start, rows) => {
  if (!copyable(data)) return false;
  const bits = data.values as Uint8Array;
  const out = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const bit = start + i;
    out[i] = ((bits[bit >> 3] ?? 0) >> (bit & 7)) & 1;
  }
  duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, rows);
  copyValidity(vector, data, start, rows);
  return true;
};

/**
 * Arrow's Decimal128 is a little-endian 128-bit integer, which is DuckDB's layout above precision
 * 18; below, DuckDB stores 16, 32 or 64 bits, and the value (it fits the precision) is the low part.
 */
function decimal(precision: number): ColumnWriter {
  if (precision > 18) return fixedWidth(16);
  return (vector, data, start, rows) => {
    if (!copyable(data)) return false;
    const source = data.values as Uint32Array;
    const words = new Int32Array(source.buffer, source.byteOffset + start * 16, rows * 4);
    let out: Int16Array<ArrayBuffer> | Int32Array<ArrayBuffer>;
    if (precision <= 4) {
      const halves = new Int16Array(words.buffer, words.byteOffset, rows * 8);
      out = new Int16Array(rows);
      for (let i = 0; i < rows; i++) out[i] = halves[i * 8]!;
    } else if (precision <= 9) {
      out = new Int32Array(rows);
      for (let i = 0; i < rows; i++) out[i] = words[i * 4]!;
    } else {
      out = new Int32Array(rows * 2);
      for (let i = 0; i < rows; i++) {
        out[i * 2] = words[i * 4]!;
        out[i * 2 + 1] = words[i * 4 + 1]!;
      }
    }
    duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, out.byteLength);
    copyValidity(vector, data, start, rows);
    return true;
  };
}

/** Rows per DuckDB data chunk (DuckDB's standard vector size): the most a writer is asked for at once. */
export const CHUNK_ROWS = 2048;

/** DuckDB keeps strings of up to this many bytes inside their 16-byte entry (after a 4-byte length). */
const INLINE_STRING_BYTES = 12;

/** Masks keeping the first 0–4 bytes of a little-endian word. */
const WORD_MASKS = [0, 0xff, 0xffff, 0xffffff, 0xffffffff];

/** Whether every value of a UTF-8 column is well-formed text: the whole buffer is, and each value starts on a character. */
function wellFormedValues(bytes: Uint8Array, offsets: Int32Array, length: number): boolean {
  if (!isUtf8(bytes.subarray(offsets[0] ?? 0, offsets[length] ?? 0))) return false;
  for (let i = 0; i <= length; i++) {
    const at = offsets[i]!;
    // 0b10xxxxxx continues a character; a value starting (or ending before) one would split it.
    if (at < bytes.length && ((bytes[at] ?? 0) & 0xc0) === 0x80) return false;
  }
  return true;
}

/**
 * Short values are written into the entries directly, all at once; longer ones are handed to
 * DuckDB one by one afterwards, as it must copy them into the vector's own string heap. Text that is
 * not well-formed UTF-8 goes value by value, as it always did.
 */
function strings(text: boolean): ColumnWriter {
  // Per batch (a batch is written in many chunks): whether its text is well-formed.
  const wellFormed = new WeakMap<Data, boolean>();
  // One chunk's entries, reused: zeroed before each, as DuckDB builds inline entries (its comparisons
  // read all 16 bytes of one; today the appender rebuilds them, but nothing promises it will).
  const entries = new Uint8Array(CHUNK_ROWS * 16);
  const lengths = new Uint32Array(entries.buffer);
  return (vector, data, start, rows) => {
    if (!copyable(data)) return false;
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    if (text) {
      let known = wellFormed.get(data);
      if (known === undefined) {
        known = wellFormedValues(bytes, offsets, data.length);
        wellFormed.set(data, known);
      }
      if (!known) return false;
    }
    const bitmap = data.nullCount === 0 ? undefined : data.nullBitmap;
    const source = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Where a value's 12 bytes can be read as three words without running off the buffer.
    const wordsEnd = bytes.byteLength - INLINE_STRING_BYTES;
    entries.fill(0, 0, rows * 16);
    const long: number[] = [];
    for (let i = 0; i < rows; i++) {
      const row = start + i;
      if (bitmap !== undefined && (bitmap[row >> 3]! & (1 << (row & 7))) === 0) continue;
      const from = offsets[row]!;
      const size = offsets[row + 1]! - from;
      if (size > INLINE_STRING_BYTES) {
        long.push(i);
        continue;
      }
      const word = i << 2;
      lengths[word] = size;
      if (size === 0) continue;
      if (from <= wordsEnd) {
        // Whole words, the bytes past the value masked off (the padding stays zero).
        lengths[word + 1] = source.getUint32(from, true) & WORD_MASKS[Math.min(size, 4)]!;
        if (size > 4) lengths[word + 2] = source.getUint32(from + 4, true) & WORD_MASKS[size >= 8 ? 4 : size - 4]!;
        if (size > 8) lengths[word + 3] = source.getUint32(from + 8, true) & WORD_MASKS[size - 8]!;
      } else {
        let at = (i << 4) + 4;
        for (let k = from, end = from + size; k < end; k++) entries[at++] = bytes[k]!;
      }
    }
    duckdb.copy_data_to_vector(vector, 0, entries.buffer, 0, rows * 16);
    for (const i of long)
      duckdb.vector_assign_string_element_len(vector, i, bytes.subarray(offsets[start + i]!, offsets[start + i + 1]!));
    copyValidity(vector, data, start, rows);
    return true;
  };
}
