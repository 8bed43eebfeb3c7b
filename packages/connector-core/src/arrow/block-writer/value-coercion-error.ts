// The error the block writer throws for a value it cannot store exactly, and the descriptions of JS
// values it uses. It never holds the row's other values, and names only the column and row.

/** What went wrong, for {@link ValueCoercionError}. */
export interface ValueCoercionDetails {
  /** Dotted path of the column: `vitals.readings[].bpm`; map entries end in `[].key` / `[].value`. */
  readonly column: string;
  /** 0-based index of the row in the batch being built. */
  readonly row: number;
  /** The JS type of the rejected value: `number`, `string`, `null`, `Date`, `Map`, `object`, … */
  readonly valueType: string;
  /** The Arrow type of the column, e.g. `Decimal(10, 2)`. */
  readonly arrowType: string;
  /** Why the value cannot be written, e.g. `not an integer`. */
  readonly reason: string;
  /** A short rendering of the value (primitives and dates only), or `''`. */
  readonly preview?: string;
}

/**
 * A row value that cannot be stored in its column exactly: wrong JS type, integer out of range,
 * fraction in an integer column, decimal over its precision, null in a non-nullable field, …
 * The row it belongs to is not added; the writer stays usable.
 */
export class ValueCoercionError extends Error {
  /** Dotted column path (`vitals.readings[].bpm`). */
  readonly column: string;
  /** 0-based row index within the batch being built. */
  readonly row: number;
  /** JS type of the rejected value. */
  readonly valueType: string;
  /** Arrow type of the column. */
  readonly arrowType: string;
  /** Why the value was rejected, without the column/row context. */
  readonly reason: string;

  constructor(details: ValueCoercionDetails, options?: ErrorOptions) {
    const shown = details.preview === undefined || details.preview === '' ? details.valueType : `${details.valueType} ${details.preview}`;
    super(`Cannot write ${shown} to column ${JSON.stringify(details.column)} (${details.arrowType}) at row ${details.row}: ${details.reason}`, options);
    this.name = 'ValueCoercionError';
    this.column = details.column;
    this.row = details.row;
    this.valueType = details.valueType;
    this.arrowType = details.arrowType;
    this.reason = details.reason;
  }
}

export function describeJsType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'Array';
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === null || prototype === Object.prototype) return 'object';
  const name: unknown = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}

export function previewValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    default:
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      return '';
  }
}
