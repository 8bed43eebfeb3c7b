// The base of every column writer: validity bitmap, growth, rollback and the error a refused value
// throws. Each leaf class implements its own complete `append` so every property access and
// typed-array store inside it stays monomorphic; shared behaviour lives here and in plain functions.

import { DataType, DateUnit, Precision, TimeUnit, type Data, type Field } from 'apache-arrow';

import type { BufferPool } from './buffer-pool.js';
import { ValueCoercionError, describeJsType, withArticle } from './value-coercion-error.js';

export interface RowCursor {
  row: number;
  /** The writer's buffer pool, shared by every column writer like the row number. */
  readonly buffers: BufferPool;
}

/** First allocation, in slots; a multiple of 8 so validity bitmaps always cover whole bytes. */
const MIN_CAPACITY = 64;
/** Largest offset an int32 offset buffer can hold. */
export const MAX_OFFSET = 0x7fffffff;

export abstract class ColumnWriter {
  readonly path: string;
  readonly field: Field;
  readonly nullable: boolean;
  readonly arrowType: string;
  protected readonly cursor: RowCursor;
  length = 0;
  nullCount = 0;
  capacity = 0;
  /** Created at the first null, so columns without nulls never pay for bitmap writes. */
  validity: Uint8Array | null = null;
  /**
   * Capacity of the first allocation after a finish: the last batch's length plus headroom. Blocks
   * end at a byte size, so the next one holds about as many rows; without headroom a block a few
   * rows longer than the last would double every buffer (and copy it) just before it ends.
   */
  protected initialCapacity = MIN_CAPACITY;

  constructor(field: Field, path: string, nullable: boolean, cursor: RowCursor) {
    this.field = field;
    this.path = path;
    this.nullable = nullable;
    this.cursor = cursor;
    this.arrowType = describeType(field.type);
  }

  /** Appends one value, or throws {@link ValueCoercionError} leaving this vector unchanged. */
  abstract append(value: unknown): void;

  /** Reallocates the value buffers (not validity) to hold `capacity` slots. */
  protected abstract resize(capacity: number): void;

  /** Fills slot `index` with the placeholder of a null or empty value (zero, empty string/list). */
  protected abstract clearSlot(index: number): void;

  /** Bytes of the buffers other than validity. */
  protected abstract valueBytes(): number;

  /** Builds the Data of the current contents; `nullBitmap` is set only when there are nulls. */
  protected abstract buildData(nullBitmap: Uint8Array | undefined): Data;

  /** Drops everything past `length` in buffers that extend beyond this vector's slots. */
  protected abstract truncateValues(length: number): void;

  /** Forgets the value buffers (they now belong to a Data) so the next append allocates anew. */
  protected abstract releaseValues(): void;

  /** Appends a null (`value` only tells the error which kind), or throws if the field is not nullable. */
  appendNull(value: null | undefined): void {
    if (!this.nullable) {
      this.fail(value, 'the field is not nullable', 'yield a value in every row, or declare the field nullable');
    }
    this.appendPlaceholder();
  }

  /**
   * Appends the slot a child needs under a null parent: null if the child is nullable, otherwise an
   * empty/zero value, because Arrow children must stay as long as their struct.
   */
  appendPlaceholder(): void {
    const index = this.length;
    if (index === this.capacity) this.grow();
    this.clearSlot(index);
    if (this.nullable) {
      markNull(this, index);
    } else {
      markValid(this, index);
    }
    this.length = index + 1;
  }

  /** Rolls back to `length` slots (and the child values those slots reference). */
  truncate(length: number): void {
    const validity = this.validity;
    if (validity !== null) {
      for (let index = length; index < this.length; index++) {
        if (((validity[index >> 3] ?? 0) & (1 << (index & 7))) === 0) this.nullCount--;
      }
    }
    if (length < this.length) this.length = length;
    this.truncateValues(length);
  }

  byteSize(): number {
    return this.length === 0 ? 0 : this.valueBytes() + bitmapBytes(this.length);
  }

  /** Returns the Data of everything appended and empties this writer. */
  finish(): Data {
    const length = this.length;
    const nullBitmap =
      this.nullCount > 0 && this.validity !== null ? this.validity.subarray(0, bitmapBytes(length)) : undefined;
    const data = this.buildData(nullBitmap);
    this.initialCapacity = roundUpToByte(Math.max(MIN_CAPACITY, withHeadroom(length)));
    this.length = 0;
    this.nullCount = 0;
    this.capacity = 0;
    this.validity = null;
    this.releaseValues();
    return data;
  }

  protected grow(): void {
    const capacity = this.capacity === 0 ? this.initialCapacity : this.capacity * 2;
    this.resize(capacity);
    if (this.validity !== null) {
      const validity = new Uint8Array(capacity >> 3);
      validity.set(this.validity);
      this.validity = validity;
    }
    this.capacity = capacity;
  }

  /**
   * Throws the {@link ValueCoercionError} for `value` in this column. `reason` says why and
   * `remedy` what to yield instead; neither may quote the value, which may be patient data.
   */
  fail(value: unknown, reason: string, remedy: string): never {
    throw new ValueCoercionError({
      column: this.path,
      row: this.cursor.row,
      valueType: describeJsType(value),
      arrowType: this.arrowType,
      reason,
      remedy,
    });
  }

  /** Throws for a value of a JS type this column never takes; `accepted` lists the types it does. */
  failType(value: unknown, accepted: string): never {
    return this.fail(
      value,
      `${withArticle(describeJsType(value))} is not a kind of value ${withArticle(this.arrowType)} column takes`,
      `yield ${accepted}`,
    );
  }
}

export function markValid(writer: ColumnWriter, index: number): void {
  const validity = writer.validity;
  if (validity !== null) validity[index >> 3] = (validity[index >> 3] ?? 0) | (1 << (index & 7));
}

export function markNull(writer: ColumnWriter, index: number): void {
  let validity = writer.validity;
  if (validity === null) {
    // Everything before the first null is valid.
    validity = new Uint8Array(writer.capacity >> 3);
    validity.fill(0xff, 0, index >> 3);
    validity[index >> 3] = (1 << (index & 7)) - 1;
    writer.validity = validity;
  }
  validity[index >> 3] = (validity[index >> 3] ?? 0) & ~(1 << (index & 7));
  writer.nullCount++;
}

export function bitmapBytes(length: number): number {
  return (length + 7) >> 3;
}

/** Next block's first allocation for a block that needed `size`: an eighth more. */
export function withHeadroom(size: number): number {
  return size + Math.ceil(size / 8);
}

function roundUpToByte(length: number): number {
  return (length + 7) & ~7;
}

export function ownProperty(record: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** A readable Arrow type for messages: `Int32`, `Decimal(10, 2)`, `List<Struct<a: Utf8>>`. */
export function describeType(type: DataType): string {
  if (DataType.isInt(type)) return `${type.isSigned ? 'Int' : 'Uint'}${type.bitWidth}`;
  if (DataType.isFloat(type))
    return type.precision === Precision.HALF ? 'Float16' : type.precision === Precision.SINGLE ? 'Float32' : 'Float64';
  if (DataType.isDecimal(type)) return `Decimal(${type.precision}, ${type.scale})`;
  if (DataType.isDate(type)) return type.unit === DateUnit.DAY ? 'DateDay' : 'DateMillisecond';
  if (DataType.isTimestamp(type)) {
    const zone = typeof type.timezone === 'string' ? `, ${type.timezone}` : '';
    return `Timestamp(${TimeUnit[type.unit]}${zone})`;
  }
  if (DataType.isList(type))
    return `List<${type.children[0] === undefined ? '?' : describeType(type.children[0].type)}>`;
  if (DataType.isStruct(type))
    return `Struct<${type.children.map((child) => `${child.name}: ${describeType(child.type)}`).join(', ')}>`;
  if (DataType.isMap(type)) {
    const [key, value] = type.children[0]?.type.children ?? [];
    return `Map<${key === undefined ? '?' : describeType(key.type)}, ${value === undefined ? '?' : describeType(value.type)}>`;
  }
  return String(type);
}
