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
 *
 * The values a row may hold for each Arrow type (what a plugin's `readSplit` may yield), each
 * stored exactly or refused; null and undefined are null in nullable fields. Examples use the
 * concrete types shown; test/arrow/yieldable-values.test.ts keeps this table true.
 *
 * <!-- yieldable-values:start -->
 * | Arrow type | `readSplit` may yield: example → read back | refused (the error says why and what to yield) |
 * |---|---|---|
 * | `Bool` | a boolean: `true` → `true` | a number: `1`<br>a string: `"true"` |
 * | `Int8` | an integer number in [-128, 127]: `-128` → `-128`<br>a bigint in range: `127n` → `127`<br>a decimal-integer string in range: `"+12"` → `12` | an integer out of range: `128`<br>a number with a fraction: `1.5`<br>any other string: `"1e2"`<br>a boolean or Date: `new Date('1970-01-01T00:00:00.000Z')` |
 * | `Int16` | an integer number in [-32768, 32767]: `32767` → `32767`<br>a bigint in range: `-32768n` → `-32768`<br>a decimal-integer string in range: `"-32768"` → `-32768` | an integer out of range: `32768`<br>a number with a fraction: `0.5` |
 * | `Int32` | an integer number in [-2^31, 2^31 - 1]: `2147483647` → `2147483647`<br>a bigint in range: `-2147483648n` → `-2147483648`<br>a decimal-integer string in range: `"2147483647"` → `2147483647` | an integer out of range: `3000000000`<br>a number with a fraction: `0.5`<br>a string with a fraction: `"1.0"` |
 * | `Int64` | a bigint in [-2^63, 2^63 - 1]: `9223372036854775807n` → `9223372036854775807n`<br>an integer number in ±(2^53 - 1): `-1` → `-1n`<br>a decimal-integer string in range: `"-9223372036854775808"` → `-9223372036854775808n` | an integer out of range: `9223372036854775808n`<br>an integer number beyond ±(2^53 - 1), which may have been rounded already: `9007199254740992`<br>a number with a fraction: `1.5`<br>any other string: `"12a"` |
 * | `Float32` | a number a 32-bit float holds exactly, NaN or ±Infinity: `1.5` → `1.5`<br>a bigint a 32-bit float holds exactly: `16777216n` → `16777216`<br>a numeric string a 32-bit float holds exactly: `"-Infinity"` → `-Infinity` | a number a 32-bit float would round (`Math.fround` it first): `0.1`<br>a non-numeric string: `"abc"` |
 * | `Float64` | any number, NaN and ±Infinity included: `0.1` → `0.1`<br>a bigint a double holds exactly: `9007199254740992n` → `9007199254740992`<br>a numeric string: `"1E-5"` → `0.00001` | a bigint a double would round: `9007199254740993n`<br>a string beyond the double range: `"1e400"`<br>a hexadecimal or other non-numeric string: `"0x10"` |
 * | `Decimal(10, 2)` | a decimal string (rounded HALF_UP to the scale): `"-12.345"` → `"-12.35"`<br>a number (read as `String(n)`, then rounded): `2.675` → `"2.68"`<br>a bigint: `7n` → `"7.00"`<br>a string in exponent form: `"1e3"` → `"1000.00"` | a value over the precision after rounding: `"99999999.995"`<br>a malformed string: `"1.2.3"`<br>NaN or ±Infinity: `NaN` |
 * | `Utf8` | a well-formed string: `"héllo 😀"` → `"héllo 😀"` | a string with a lone surrogate: `"a\ud800"`<br>a number, a Buffer or anything else: `5` |
 * | `Binary` | a Uint8Array or Buffer: `Buffer.from("abc")` → `new Uint8Array([97, 98, 99])`<br>an ArrayBuffer: `new Uint8Array([1, 2]).buffer` → `new Uint8Array([1, 2])` | a string: `"abc"`<br>another typed array: `new Int8Array([0, 0])` |
 * | `DateDay` | a Date (its UTC day): `new Date('2020-02-29T23:59:59.999Z')` → `18321`<br>an integer number of days since 1970-01-01: `-1` → `-1`<br>a YYYY-MM-DD string: `"2000-02-29"` → `11016` | a date that does not exist: `"2021-02-29"`<br>a string with a time of day: `"2020-01-01T00:00:00Z"`<br>an invalid Date: `new Date(NaN)` |
 * | `DateMillisecond` | a Date: `new Date('1970-01-01T00:00:00.000Z')` → `0`<br>integer epoch milliseconds (number or bigint): `123n` → `123`<br>an ISO-8601 date-time (with an offset, or read as UTC): `"2020-01-01T10:00:00+02:00"` → `1577865600000` | a string with sub-millisecond digits: `"2020-01-01T10:00:00.1234"`<br>a number with a fraction: `1.5` |
 * | `Timestamp(MILLISECOND, America/New_York)` | a Date (the column's zone): `new Date('1970-01-01T00:00:00.000Z')` → `{ epochMillis: 0, zoneId: "America/New_York" }`<br>integer epoch milliseconds (number or bigint): `-1` → `{ epochMillis: -1, zoneId: "America/New_York" }`<br>an ISO-8601 date-time with an offset: `"2020-01-01T00:00:00.5-05:00"` → `{ epochMillis: 1577854800500, zoneId: "America/New_York" }`<br>`{ epochMillis, zone }` (its own zone): `{ epochMillis: 7, zone: "Asia/Tokyo" }` → `{ epochMillis: 7, zoneId: "Asia/Tokyo" }` | a date-time string without an offset: `"2020-01-01T00:00:00"`<br>a string with sub-millisecond digits: `"2020-01-01T00:00:00.123456789Z"`<br>an instant beyond ±2^51 ms: `2251799813685248`<br>an unknown zone: `{ epochMillis: 1, zone: "Mars/Olympus" }` |
 * | `Timestamp(MICROSECOND, UTC)` | integer epoch microseconds (bigint or number): `1234567n` → `1234567n`<br>a Date: `new Date('1969-12-31T23:59:59.999Z')` → `-1000n`<br>an ISO-8601 date-time with an offset: `"2020-01-01T00:00:00.123456Z"` → `1577836800123456n` | a string with sub-microsecond digits: `"2020-01-01T00:00:00.1234567Z"`<br>a date-time string without an offset: `"2020-01-01T00:00:00"`<br>a number with a fraction: `1.5` |
 * | `List<Int32>` | an array of item values: `[1, null]` → `[1, null]`<br>any other iterable but a string: `new Set([2, 3])` → `[2, 3]` | a string: `"abc"`<br>an item its type refuses: `[1, 1.5]` |
 * | `Struct<a: Int32, b: Utf8>` | an object by field name (absent = null): `{ a: 1 }` → `{ a: 1, b: null }`<br>a Map by field name: `new Map([["b", "x"]])` → `{ a: null, b: "x" }` | an array, Date or typed array: `[1, "x"]`<br>a field value its type refuses: `{ a: "one" }` |
 * | `Map<Utf8, Int32>` | a Map: `new Map([["k", 1]])` → `new Map([["k", 1]])`<br>an object (its own keys): `{ k: 2 }` → `new Map([["k", 2]])`<br>an array of [key, value] pairs: `[["k", 3]]` → `new Map([["k", 3]])` | a string: `"k=v"`<br>a pair that is not [key, value]: `[["k"]]`<br>a null key: `new Map([[null, 1]])` |
 * <!-- yieldable-values:end -->
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
