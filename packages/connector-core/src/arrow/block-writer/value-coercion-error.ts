// The error the block writer throws for a value it cannot store exactly. Its message must be safe to
// log and to show in Athena: it names the column, the row, the value's JS type and the Arrow type,
// says why and what to yield instead, and never quotes the value (it may be patient data).

/** What went wrong, for {@link ValueCoercionError}. None of it holds the value itself. */
export interface ValueCoercionDetails {
  /** Dotted path of the column: `vitals.readings[].bpm`; map entries end in `[].key` / `[].value`. */
  readonly column: string;
  /** 0-based index of the row in the batch being built. */
  readonly row: number;
  /** The JS type of the rejected value: `number`, `string`, `null`, `Date`, `Map`, `object`, … */
  readonly valueType: string;
  /** The Arrow type of the column, e.g. `Decimal(10, 2)`. */
  readonly arrowType: string;
  /** Why the value cannot be stored, e.g. `the number is not an integer (…)`. */
  readonly reason: string;
  /** What to yield instead, starting with `yield`, e.g. `yield an integer number, a bigint or …`. */
  readonly remedy: string;
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
  /** Why the value was rejected, without the column/row context and without the value. */
  readonly reason: string;
  /** What the plugin should yield instead (or how to declare the column), starting with `yield`. */
  readonly remedy: string;

  constructor(details: ValueCoercionDetails, options?: ErrorOptions) {
    super(
      `Cannot write ${withArticle(details.valueType)} to column ${JSON.stringify(details.column)} (${details.arrowType}) at row ${details.row}: ${details.reason}; ${details.remedy}`,
      options,
    );
    this.name = 'ValueCoercionError';
    this.column = details.column;
    this.row = details.row;
    this.valueType = details.valueType;
    this.arrowType = details.arrowType;
    this.reason = details.reason;
    this.remedy = details.remedy;
  }
}

/** `a number`, `an object`, `an Int8Array`, `a Uint8Array` (said "you"); `null` and `undefined` stay bare. */
export function withArticle(valueType: string): string {
  if (valueType === 'null' || valueType === 'undefined') return valueType;
  return `${/^[aeioAEIO]/.test(valueType) ? 'an' : 'a'} ${valueType}`;
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
