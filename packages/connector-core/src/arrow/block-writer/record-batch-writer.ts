// Turns the plain JS rows connector plugins yield into Arrow RecordBatches. It is the hot path of
// every ReadRecords call, so it fills Arrow buffers itself (one writer per column, growable typed
// arrays) and calls apache-arrow only at finish. It owns the value conventions: a value is stored
// exactly or rejected with a ValueCoercionError; the only rounding is Java's HALF_UP decimal rescale.

import { RecordBatch, Struct, makeData, type Schema } from 'apache-arrow';

import { BufferPool } from './buffer-pool.js';
import { ownProperty, type ColumnWriter, type RowCursor } from './column-writer.js';
import { createColumnWriter } from './create-column-writer.js';
import { describeJsType } from './value-coercion-error.js';

/** A row as plugins yield it: values in schema order, or an object keyed by field name. */
export type Row = readonly unknown[] | Readonly<Record<string, unknown>>;

/**
 * Appends rows to per-column Arrow buffers and hands them over as one RecordBatch.
 *
 * A row that fails (see {@link ValueCoercionError}) is rolled back from every column, so the
 * writer can keep going. After {@link finish} the writer is empty and can build the next batch.
 */
export class RecordBatchWriter {
  readonly schema: Schema;
  readonly #columns: readonly ColumnWriter[];
  readonly #names: readonly string[];
  /** Shared with every column writer so errors can name the row without threading it through. */
  readonly #cursor: RowCursor = { row: 0, buffers: new BufferPool() };
  readonly #readOwnOnly: boolean;
  #numRows = 0;

  /**
   * @throws {TypeError} if a field's type is not one Athena connectors support (Java `SupportedTypes`).
   * @throws {RangeError} if a Timestamp(MILLISECOND) field's time zone has no Athena zone key.
   */
  constructor(schema: Schema) {
    this.schema = schema;
    this.#columns = schema.fields.map((field) => createColumnWriter(field, field.name, field.nullable, this.#cursor));
    this.#names = schema.fields.map((field) => field.name);
    this.#readOwnOnly = this.#names.includes('__proto__');
  }

  /**
   * Appends one row: an array holds the values in schema order (its length must match), an object
   * holds them by field name (absent = null; extra properties are ignored).
   *
   * @throws {ValueCoercionError} if a value cannot be stored exactly; the row is then not added.
   * @throws {TypeError} if the row is neither an array nor an object, or an array of the wrong length.
   */
  appendRow(row: Row): void {
    const columns = this.#columns;
    const count = columns.length;
    this.#cursor.row = this.#numRows;
    try {
      if (Array.isArray(row)) {
        if (row.length !== count) {
          throw new TypeError(`Row ${this.#numRows} has ${row.length} values but the schema has ${count} fields`);
        }
        for (let c = 0; c < count; c++) (columns[c] as ColumnWriter).append(row[c]);
      } else if (typeof row === 'object' && row !== null) {
        const names = this.#names;
        const record = row as Readonly<Record<string, unknown>>;
        for (let c = 0; c < count; c++) {
          const name = names[c] as string;
          (columns[c] as ColumnWriter).append(this.#readOwnOnly ? ownProperty(record, name) : record[name]);
        }
      } else {
        throw new TypeError(`Row ${this.#numRows} is ${describeJsType(row)}, not an array or an object`);
      }
    } catch (error) {
      for (const column of columns) column.truncate(this.#numRows);
      throw error;
    }
    this.#numRows++;
  }

  /** Rows appended since construction or the last {@link finish}. */
  get numRows(): number {
    return this.#numRows;
  }

  /**
   * Bytes of the raw Arrow buffers written so far — values, offsets, variable-width data and a
   * validity bitmap per vector — i.e. what Java's `Block.getSize()` reports and spill decisions use.
   * Computed from lengths in O(number of vectors), so it is cheap to read after every row.
   */
  get byteSize(): number {
    let total = 0;
    for (const column of this.#columns) total += column.byteSize();
    return total;
  }

  /** Hands the rows over as a RecordBatch of {@link schema} and empties the writer for reuse. */
  finish(): RecordBatch {
    const length = this.#numRows;
    this.#cursor.buffers.forgetLent();
    const children = this.#columns.map((column) => column.finish());
    this.#numRows = 0;
    const data = makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children });
    return new RecordBatch(this.schema, data);
  }

  /**
   * Declares that nothing references the batch the last {@link finish} returned any more (it has
   * been encrypted or copied into a spill object, say), so the next batches may overwrite its
   * buffers instead of allocating new ones. Using that batch afterwards reads the next block's data.
   */
  recycle(): void {
    this.#cursor.buffers.recycle();
  }
}

/**
 * Builds one RecordBatch from `rows` (arrays in schema order or objects by field name).
 *
 * @throws {ValueCoercionError} on the first value that cannot be stored exactly.
 */
export function buildRecordBatch(schema: Schema, rows: Iterable<Row>): RecordBatch {
  const writer = new RecordBatchWriter(schema);
  for (const row of rows) writer.appendRow(row);
  return writer.finish();
}

