/**
 * One Arrow column built straight from MySQL binary-protocol values: each sink reads its value's
 * bytes from the row packet and writes them into growing Arrow buffers, with no JavaScript value
 * per cell (integers are copied as words, DECIMAL digits parsed into 128-bit words, text copied as
 * UTF-8 bytes). The wire formats are those of COM_STMT_EXECUTE's binary result-set rows.
 */
import { isUtf8 } from 'node:buffer';
import { type Data, type DataType, makeData } from 'apache-arrow';

/** A value a sink cannot store exactly; the decoder names the column and row around it. */
export class WireValueError extends Error {
  override readonly name = 'WireValueError';
}

/** Bytes of the length-encoded integer at `at` (1, 3, 4 or 9); read per value, so it allocates nothing. */
export function lengthPrefixBytes(buffer: Buffer, at: number): number {
  const first = buffer[at] as number;
  if (first < 0xfb) return 1;
  if (first === 0xfc) return 3;
  if (first === 0xfd) return 4;
  if (first === 0xfe) return 9;
  throw new WireValueError(`malformed length prefix 0x${first.toString(16)} at byte ${at}`);
}

/** The value of the length-encoded integer at `at` (see {@link lengthPrefixBytes} for its size). */
export function lengthValue(buffer: Buffer, at: number): number {
  const first = buffer[at] as number;
  if (first < 0xfb) return first;
  if (first === 0xfc) return buffer.readUInt16LE(at + 1);
  if (first === 0xfd) return buffer.readUIntLE(at + 1, 3);
  if (first === 0xfe) return Number(buffer.readBigUInt64LE(at + 1));
  throw new WireValueError(`malformed length prefix 0x${first.toString(16)} at byte ${at}`);
}

/** The validity bitmap and row count every sink shares. */
export abstract class ColumnSink {
  length = 0;
  nullCount = 0;
  #validity = new Uint8Array(64);
  #pendingNull = false;

  readonly type: DataType;

  constructor(type: DataType) {
    this.type = type;
  }

  /** Appends NULL; called for the row's bit in the packet's null bitmap. */
  appendNull(): void {
    this.#grow();
    this.nullCount++;
    this.length++;
    this.writeEmpty(this.length - 1);
  }

  /** Reads the value at `at` of `buffer`, appends it, and returns where the next value starts. */
  read(buffer: Buffer, at: number): number {
    this.#grow();
    this.#pendingNull = false;
    const next = this.readValue(buffer, at, this.length);
    const row = this.length++;
    if (this.#pendingNull) this.nullCount++;
    else (this.#validity[row >> 3] as number) |= 1 << (row & 7);
    return next;
  }

  /** Reads one non-null value into slot `row` and returns where the next value starts. */
  protected abstract readValue(buffer: Buffer, at: number, row: number): number;
  /** Fills slot `row` for a NULL (an offset repeat, a zero word). */
  protected abstract writeEmpty(row: number): void;
  /** Bytes of the value buffers, as spill sizing counts them. */
  abstract byteSize(): number;
  /** The finished column's Arrow data (buffers copied out, so the sink can be reset). */
  protected abstract finishData(nullBitmap: Uint8Array | undefined): Data;

  /** Hands the column over and empties the sink. */
  finish(): Data {
    const bitmap = this.nullCount === 0 ? undefined : this.#validity.slice(0, (this.length + 7) >> 3);
    const data = this.finishData(bitmap);
    this.#validity.fill(0, 0, (this.length + 7) >> 3);
    this.length = 0;
    this.nullCount = 0;
    return data;
  }

  /** Called while a value is read: it is stored as NULL after all (a zero date). */
  markNull(): void {
    this.#pendingNull = true;
  }

  #grow(): void {
    if (this.length >> 3 < this.#validity.length) return;
    const grown = new Uint8Array(this.#validity.length * 2);
    grown.set(this.#validity);
    this.#validity = grown;
  }
}

/**
 * Reads one wire value at `at` into the slot starting at byte `slot` of `view`, and returns where
 * the next value starts; calls `sink.markNull()` for a value that is NULL to Athena (a zero date).
 */
export type FixedReader = (buffer: Buffer, at: number, view: DataView, slot: number, sink: ColumnSink) => number;

type FixedArray = Int8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array;

/** A fixed-width column of `slotBytes` bytes per row (integers, floats, dates, decimals). */
export class FixedSink extends ColumnSink {
  readonly slotBytes: number;
  readonly write: FixedReader;
  readonly makeArray: (buffer: ArrayBuffer, bytes: number) => FixedArray;
  #bytes: Uint8Array;
  #view: DataView;

  /** `makeArray` views `bytes` finished bytes as the type's own array. */
  constructor(
    type: DataType,
    slotBytes: number,
    write: FixedReader,
    makeArray: (buffer: ArrayBuffer, bytes: number) => FixedArray,
  ) {
    super(type);
    this.slotBytes = slotBytes;
    this.write = write;
    this.makeArray = makeArray;
    this.#bytes = new Uint8Array(1024 * slotBytes);
    this.#view = new DataView(this.#bytes.buffer);
  }

  protected readValue(buffer: Buffer, at: number, row: number): number {
    this.#ensure(row);
    return this.write(buffer, at, this.#view, row * this.slotBytes, this);
  }

  protected writeEmpty(row: number): void {
    this.#ensure(row);
    this.#bytes.fill(0, row * this.slotBytes, (row + 1) * this.slotBytes);
  }

  byteSize(): number {
    return this.length * this.slotBytes + ((this.length + 7) >> 3);
  }

  protected finishData(nullBitmap: Uint8Array | undefined): Data {
    const copy = this.#bytes.slice(0, this.length * this.slotBytes);
    const data = this.makeArray(copy.buffer, this.length * this.slotBytes);
    return makeData({ type: this.type, length: this.length, nullCount: this.nullCount, data, nullBitmap } as Parameters<
      typeof makeData
    >[0]);
  }

  #ensure(row: number): void {
    const needed = (row + 1) * this.slotBytes;
    if (needed <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2));
    grown.set(this.#bytes);
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }
}

/** A Bool column (bit-packed values). */
export class BoolSink extends ColumnSink {
  /** Reads the wire value at `at`; returns where the next value starts, negated (`-next - 1`) when the value is true. */
  readonly truthy: (buffer: Buffer, at: number) => number;
  #bits = new Uint8Array(128);

  constructor(type: DataType, truthy: BoolSink['truthy']) {
    super(type);
    this.truthy = truthy;
  }

  protected readValue(buffer: Buffer, at: number, row: number): number {
    this.#ensure(row);
    const result = this.truthy(buffer, at);
    if (result >= 0) return result;
    (this.#bits[row >> 3] as number) |= 1 << (row & 7);
    return -result - 1;
  }

  protected writeEmpty(row: number): void {
    this.#ensure(row);
  }

  byteSize(): number {
    return ((this.length + 7) >> 3) * 2;
  }

  protected finishData(nullBitmap: Uint8Array | undefined): Data {
    const bytes = (this.length + 7) >> 3;
    const data = this.#bits.slice(0, bytes);
    this.#bits.fill(0, 0, bytes);
    return makeData({ type: this.type, length: this.length, nullCount: this.nullCount, data, nullBitmap } as Parameters<
      typeof makeData
    >[0]);
  }

  #ensure(row: number): void {
    if (row >> 3 < this.#bits.length) return;
    const grown = new Uint8Array(this.#bits.length * 2);
    grown.set(this.#bits);
    this.#bits = grown;
  }
}

/**
 * A Utf8 or Binary column of length-encoded byte strings, copied as they are. `render`, when
 * given, turns a non-string wire value (TIME, DATETIME(6)) into the text Athena gets instead.
 * Utf8 columns are checked to be valid UTF-8 per batch: MySQL converts text columns to the
 * connection's utf8mb4, so only binary-charset bytes read as text can fail, and they fail loudly.
 */
export class BytesSink extends ColumnSink {
  readonly checkUtf8: boolean;
  readonly render:
    | ((buffer: Buffer, at: number) => { readonly text: Uint8Array | undefined; readonly next: number })
    | undefined;
  #offsets = new Int32Array(1025);
  #data = new Uint8Array(64 * 1024);
  #used = 0;

  constructor(type: DataType, checkUtf8: boolean, render?: BytesSink['render']) {
    super(type);
    this.checkUtf8 = checkUtf8;
    this.render = render;
  }

  protected readValue(buffer: Buffer, at: number, row: number): number {
    if (this.render !== undefined) {
      const { text, next } = this.render(buffer, at);
      if (text === undefined) this.markNull();
      this.#copy(row, text ?? this.#data, 0, text?.length ?? 0);
      return next;
    }
    const size = lengthValue(buffer, at);
    const next = at + lengthPrefixBytes(buffer, at);
    this.#copy(row, buffer, next, size);
    return next + size;
  }

  protected writeEmpty(row: number): void {
    this.#copy(row, this.#data, 0, 0);
  }

  byteSize(): number {
    return this.#used + (this.length + 1) * 4 + ((this.length + 7) >> 3);
  }

  protected finishData(nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = this.#offsets.slice(0, this.length + 1);
    const data = this.#data.slice(0, this.#used);
    if (this.checkUtf8 && !isUtf8(data)) this.#throwNotUtf8(valueOffsets, data);
    this.#used = 0;
    return makeData({
      type: this.type,
      length: this.length,
      nullCount: this.nullCount,
      data,
      valueOffsets,
      nullBitmap,
    } as Parameters<typeof makeData>[0]);
  }

  #copy(row: number, source: Uint8Array, from: number, size: number): void {
    if (row + 2 > this.#offsets.length) {
      const grown = new Int32Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    const end = this.#used + size;
    if (end > 0x7fffffff) throw new WireValueError(`the batch's text would pass Arrow's 2 GiB offset limit`);
    if (end > this.#data.length) {
      const grown = new Uint8Array(Math.max(end, this.#data.length * 2));
      grown.set(this.#data.subarray(0, this.#used));
      this.#data = grown;
    }
    const data = this.#data;
    // Short values byte by byte: a subarray per value costs more than the copy.
    if (size <= 64) for (let i = 0, to = this.#used; i < size; i++) data[to + i] = source[from + i] as number;
    else data.set(source.subarray(from, from + size), this.#used);
    this.#used = end;
    this.#offsets[row + 1] = end;
  }

  #throwNotUtf8(offsets: Int32Array, data: Uint8Array): never {
    for (let row = 0; row + 1 < offsets.length; row++) {
      const value = data.subarray(offsets[row] as number, offsets[row + 1] as number);
      if (!isUtf8(value))
        throw new WireValueError(
          `row ${row} of the batch is not valid UTF-8 (bytes ${Buffer.from(value.subarray(0, 16)).toString('hex')}…)`,
        );
    }
    throw new WireValueError('a UTF-8 sequence is split across two values of the batch');
  }
}
