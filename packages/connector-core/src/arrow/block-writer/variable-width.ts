// Column writers whose slots are int32 offsets: the shared offsets base (also under List and Map),
// and the variable-width Utf8 and Binary writers that keep their bytes in one growable buffer.

import { makeData, type Data } from 'apache-arrow';

import { ColumnWriter, MAX_OFFSET, markValid, withHeadroom } from './column-writer.js';

/** Strings up to this many UTF-16 units are copied by a JS loop when they are ASCII. */
const SHORT_STRING = 48;

const EMPTY_OFFSETS = new Int32Array(0);

/** Columns whose slots are int32 offsets into child items or bytes (Utf8, Binary, List, Map). */
export abstract class OffsetsWriter extends ColumnWriter {
  /** `capacity + 1` int32 offsets once allocated; `offsets[0]` is always 0. */
  offsets: Int32Array = EMPTY_OFFSETS;

  protected resize(capacity: number): void {
    const buffers = this.cursor.buffers;
    const offsets = new Int32Array(buffers.take((capacity + 1) * 4), 0, capacity + 1);
    offsets.set(this.offsets);
    // Pooled buffers are not zeroed, and a fresh writer has no offsets to copy.
    if (this.offsets.length === 0) offsets[0] = 0;
    buffers.giveBack(this.offsets.buffer as ArrayBuffer);
    this.offsets = offsets;
  }

  protected clearSlot(index: number): void {
    this.offsets[index + 1] = this.offsets[index] ?? 0;
  }

  /**
   * Ends slot `index` at child/byte position `end` and marks it valid, refusing a batch past int32
   * offsets; `contents` names what overflowed (`bytes of string data`, `list items`).
   */
  protected closeSlot(index: number, end: number, value: unknown, contents: string): void {
    if (end > MAX_OFFSET) this.failOverflow(value, contents);
    this.offsets[index + 1] = end;
    markValid(this, index);
    this.length = index + 1;
  }

  failOverflow(value: unknown, contents: string): never {
    return this.fail(
      value,
      `the column would hold more than 2^31 - 1 ${contents} in one batch, beyond Arrow's int32 offsets`,
      'yield smaller values, or RecordBatches of fewer rows',
    );
  }

  /** Lends the offsets to the finished batch; writers with more buffers lend those too. */
  protected releaseValues(): void {
    this.cursor.buffers.lend(this.offsets.buffer as ArrayBuffer);
    this.offsets = EMPTY_OFFSETS;
  }
}

export abstract class VariableWidthWriter extends OffsetsWriter {
  bytes: Buffer = Buffer.alloc(0);
  byteLength = 0;
  #initialByteCapacity = 1024;

  /** Makes room for `extra` more bytes. */
  reserveBytes(extra: number): void {
    const needed = this.byteLength + extra;
    if (needed <= this.bytes.length) return;
    let size = Math.max(this.bytes.length * 2, this.#initialByteCapacity);
    while (size < needed) size *= 2;
    const buffers = this.cursor.buffers;
    const bytes = Buffer.from(buffers.take(size));
    this.bytes.copy(bytes, 0, 0, this.byteLength);
    buffers.giveBack(this.bytes.buffer as ArrayBuffer);
    this.bytes = bytes;
  }

  protected override clearSlot(index: number): void {
    this.offsets[index + 1] = this.byteLength;
  }

  protected valueBytes(): number {
    return (this.length + 1) * 4 + this.byteLength;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = this.length === 0 ? new Int32Array(1) : this.offsets.subarray(0, this.length + 1);
    const data = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.byteLength);
    return makeData({
      type: this.field.type,
      length: this.length,
      nullCount: this.nullCount,
      valueOffsets,
      data,
      nullBitmap,
    } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    this.byteLength = this.offsets[length] ?? 0;
  }

  protected override releaseValues(): void {
    this.#initialByteCapacity = Math.max(1024, withHeadroom(this.byteLength));
    super.releaseValues();
    this.cursor.buffers.lend(this.bytes.buffer as ArrayBuffer);
    this.bytes = Buffer.alloc(0);
    this.byteLength = 0;
  }
}

interface WellFormedString {
  isWellFormed(): boolean;
}

export class Utf8Writer extends VariableWidthWriter {
  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    if (typeof value !== 'string') this.failType(value, 'a string');
    // UTF-8 cannot carry a lone surrogate; Buffer.write would silently turn it into U+FFFD.
    if (!(value as unknown as WellFormedString).isWellFormed())
      this.fail(
        value,
        'the string contains a lone UTF-16 surrogate, which UTF-8 cannot encode',
        'yield value.toWellFormed() to replace lone surrogates with U+FFFD, or declare a Binary column for raw bytes',
      );
    const index = this.length;
    if (index === this.capacity) this.grow();
    const start = this.byteLength;
    const length = value.length;
    // 3 bytes per UTF-16 unit bounds the UTF-8 size, so one pass writes without measuring first.
    this.reserveBytes(length * 3);
    const bytes = this.bytes;
    let end = start;
    if (length <= SHORT_STRING) {
      // Copying short ASCII strings in JS beats the native call of Buffer.write by 2-3×.
      let unit = 0;
      for (; unit < length; unit++) {
        const code = value.charCodeAt(unit);
        if (code >= 0x80) break;
        bytes[start + unit] = code;
      }
      end = unit === length ? start + length : start + bytes.write(value, start, 'utf8');
    } else {
      end = start + bytes.write(value, start, 'utf8');
    }
    this.closeSlot(index, end, value, 'bytes of string data');
    this.byteLength = end;
  }
}

export class BinaryWriter extends VariableWidthWriter {
  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    let source: Uint8Array;
    if (value instanceof Uint8Array) {
      source = value;
    } else if (value instanceof ArrayBuffer) {
      source = new Uint8Array(value);
    } else {
      this.failType(value, 'a Uint8Array, a Buffer or an ArrayBuffer');
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    const end = this.byteLength + source.length;
    if (end > MAX_OFFSET) this.failOverflow(value, 'bytes of binary data');
    this.reserveBytes(source.length);
    this.bytes.set(source, this.byteLength);
    this.closeSlot(index, end, value, 'bytes of binary data');
    this.byteLength = end;
  }
}
