// Nested column writers: List, Struct and Map, each appending into child column writers.

import { makeData, type Data, type Field } from 'apache-arrow';

import { ColumnWriter, bitmapBytes, markValid, ownProperty, type RowCursor } from './column-writer.js';
import { OffsetsWriter } from './variable-width.js';

export class ListWriter extends OffsetsWriter {
  readonly child: ColumnWriter;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, child: ColumnWriter) {
    super(field, path, nullable, cursor);
    this.child = child;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    const child = this.child;
    if (Array.isArray(value)) {
      for (let item = 0; item < value.length; item++) child.append(value[item]);
    } else if (isListLike(value)) {
      for (const item of value) child.append(item);
    } else {
      this.failType(value, 'an array or another iterable that is not a string');
    }
    this.closeSlot(index, child.length, value, 'list items');
  }

  override byteSize(): number {
    return this.length === 0 ? 0 : (this.length + 1) * 4 + bitmapBytes(this.length) + this.child.byteSize();
  }

  protected valueBytes(): number {
    return 0;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = this.length === 0 ? new Int32Array(1) : this.offsets.subarray(0, this.length + 1);
    const child = this.child.finish();
    return makeData({
      type: this.field.type,
      length: this.length,
      nullCount: this.nullCount,
      valueOffsets,
      child,
      nullBitmap,
    } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    this.child.truncate(this.offsets[length] ?? 0);
  }
}

function isListLike(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value && !(value instanceof String);
}

/** Objects that can be read by property name: not arrays, dates, binary or collections. */
function isRecordLike(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer) &&
    !(value instanceof Set) &&
    !(value instanceof Map)
  );
}

export class StructWriter extends ColumnWriter {
  readonly children: readonly ColumnWriter[];
  readonly names: readonly string[];
  readonly #readOwnOnly: boolean;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor, children: readonly ColumnWriter[]) {
    super(field, path, nullable, cursor);
    this.children = children;
    this.names = children.map((child) => child.field.name);
    this.#readOwnOnly = this.names.includes('__proto__');
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    const children = this.children;
    const names = this.names;
    if (value instanceof Map) {
      for (let c = 0; c < children.length; c++) (children[c] as ColumnWriter).append(value.get(names[c]));
    } else if (isRecordLike(value)) {
      for (let c = 0; c < children.length; c++) {
        const name = names[c] as string;
        (children[c] as ColumnWriter).append(this.#readOwnOnly ? ownProperty(value, name) : value[name]);
      }
    } else {
      this.failType(value, 'an object or a Map keyed by field name');
    }
    markValid(this, index);
    this.length = index + 1;
  }

  protected resize(): void {}

  protected clearSlot(): void {
    for (const child of this.children) child.appendPlaceholder();
  }

  override byteSize(): number {
    let total = this.length === 0 ? 0 : bitmapBytes(this.length);
    for (const child of this.children) total += child.byteSize();
    return total;
  }

  protected valueBytes(): number {
    return 0;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const children = this.children.map((child) => child.finish());
    return makeData({
      type: this.field.type,
      length: this.length,
      nullCount: this.nullCount,
      children,
      nullBitmap,
    } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    for (const child of this.children) child.truncate(length);
  }

  protected releaseValues(): void {}
}

/**
 * Map: a list of non-null `entries{key, value}` structs. The entries struct never has nulls, so
 * this writer keeps the key and value vectors itself and assembles the struct only at finish.
 */
export class MapWriter extends OffsetsWriter {
  readonly entriesField: Field;
  readonly keys: ColumnWriter;
  readonly values: ColumnWriter;

  constructor(
    field: Field,
    path: string,
    nullable: boolean,
    cursor: RowCursor,
    entriesField: Field,
    keys: ColumnWriter,
    values: ColumnWriter,
  ) {
    super(field, path, nullable, cursor);
    this.entriesField = entriesField;
    this.keys = keys;
    this.values = values;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendNull(value);
      return;
    }
    const index = this.length;
    if (index === this.capacity) this.grow();
    const keys = this.keys;
    const values = this.values;
    if (value instanceof Map) {
      for (const [key, item] of value) {
        keys.append(key);
        values.append(item);
      }
    } else if (Array.isArray(value)) {
      for (let entry = 0; entry < value.length; entry++) {
        const pair: unknown = value[entry];
        if (!Array.isArray(pair) || pair.length !== 2)
          this.fail(
            value,
            `its entry ${entry} is not a [key, value] pair`,
            'yield each entry as a two-element array, or a Map or an object',
          );
        keys.append(pair[0]);
        values.append(pair[1]);
      }
    } else if (isRecordLike(value)) {
      for (const key of Object.keys(value)) {
        keys.append(key);
        values.append(value[key]);
      }
    } else {
      this.failType(value, 'a Map, an object, or an array of [key, value] pairs');
    }
    this.closeSlot(index, keys.length, value, 'map entries');
  }

  override byteSize(): number {
    if (this.length === 0) return 0;
    const entries = this.keys.length;
    // Java's entries StructVector has its own (all-set) validity buffer, so count it too.
    return (
      (this.length + 1) * 4 +
      bitmapBytes(this.length) +
      bitmapBytes(entries) +
      this.keys.byteSize() +
      this.values.byteSize()
    );
  }

  protected valueBytes(): number {
    return 0;
  }

  protected buildData(nullBitmap: Uint8Array | undefined): Data {
    const valueOffsets = this.length === 0 ? new Int32Array(1) : this.offsets.subarray(0, this.length + 1);
    const entryCount = this.keys.length;
    const children = [this.keys.finish(), this.values.finish()];
    const child = makeData({ type: this.entriesField.type, length: entryCount, nullCount: 0, children } as Parameters<
      typeof makeData
    >[0]);
    return makeData({
      type: this.field.type,
      length: this.length,
      nullCount: this.nullCount,
      valueOffsets,
      child,
      nullBitmap,
    } as Parameters<typeof makeData>[0]);
  }

  protected truncateValues(length: number): void {
    const entries = this.offsets[length] ?? 0;
    this.keys.truncate(entries);
    this.values.truncate(entries);
  }
}
