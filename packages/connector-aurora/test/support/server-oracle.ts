/**
 * Test support: the values Athena should get for a mapped column, worked out from the server's own
 * text of the same rows (`CAST(… AS CHAR)`, `HEX`, read over mysql2's text protocol) by rules
 * written here, never by the connector's decoder. Values on both sides are compared in the form
 * core's `readValue` gives (bigints, decimal text, booleans, day counts, epoch milliseconds) with
 * bytes as lower-case hex.
 */
import { readValue } from '@athena-federation/connector-core';
import { DataType, type RecordBatch } from 'apache-arrow';
import type { MappedColumn } from '../../src/aurora-types.js';

/** Epoch milliseconds (UTC) of MySQL's `YYYY-MM-DD[ HH:MM:SS[.f…]]`, fraction cut to milliseconds. */
export function utcMillisOfText(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?:\.(\d+))?)?$/.exec(text);
  if (m === null) throw new Error(`unexpected date text ${text}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = m;
  const date = new Date(0);
  // setUTCFullYear, since Date.UTC reads years below 100 as 19xx.
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
  return date.getTime();
}

const isZeroDate = (text: string) => /^\d{4}-(00-|\d\d-00)/.test(text);

/** The server's exact rendering of `column` (backtick-quoted `quoted`) as text. */
export function oracleExpression(column: MappedColumn, quoted: string): string {
  switch (column.kind) {
    case 'float':
      // FLOAT's own text has 6 digits; as a DOUBLE it prints the float's exact value.
      return `CAST(CAST(${quoted} AS DOUBLE) AS CHAR)`;
    case 'bit-bool':
    case 'bits':
      return `CAST(${quoted} + 0 AS CHAR)`;
    case 'binary':
    case 'geometry':
      return `HEX(${quoted})`;
    default:
      return `CAST(${quoted} AS CHAR)`;
  }
}

/** What Athena should read for `column` given the server's text of {@link oracleExpression} (null for NULL). */
export function expectedFromText(column: MappedColumn, text: string | null): unknown {
  if (text === null) return null;
  const type = column.field.type;
  switch (column.kind) {
    case 'integer':
    case 'year':
      return DataType.isInt(type) && type.bitWidth === 64 ? BigInt(text) : Number(text);
    case 'float':
      return Math.fround(Number(text));
    case 'double':
      return Number(text);
    case 'bit-bool':
      return text !== '0';
    case 'int-bool':
      return Number(text) !== 0;
    case 'bits':
      return DataType.isDecimal(type) ? text : BigInt(text);
    case 'date':
      return isZeroDate(text) ? null : utcMillisOfText(text) / 86_400_000;
    case 'datetime':
      return isZeroDate(text) ? null : utcMillisOfText(text);
    case 'datetime-text':
      // Every fraction digit the column holds, as CAST prints them.
      return isZeroDate(text) ? null : text;
    case 'binary':
    case 'geometry':
      return text.toLowerCase();
    default:
      // Decimals as their exact text; strings, TIME and fallbacks as the server prints them.
      return text;
  }
}

/** `value` in the form {@link expectedFromText} gives (bytes as hex). */
export function comparableValue(value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value;
}

/** Each column's values over all batches, in batch order, via core's `readValue`. */
export function arrowColumnValues(batches: readonly RecordBatch[]): Record<string, unknown[]> {
  const result: Record<string, unknown[]> = {};
  for (const batch of batches) {
    batch.schema.fields.forEach((field, index) => {
      const vector = batch.getChildAt(index);
      result[field.name] ??= [];
      const values = result[field.name] as unknown[];
      for (let row = 0; row < batch.numRows; row++)
        values.push(vector === null ? undefined : comparableValue(readValue(vector, row)));
    });
  }
  return result;
}
