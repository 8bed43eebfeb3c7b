/**
 * The one error the wire codec throws. Every decode failure names the JSON path of the member
 * that is wrong, so a connector author (or Athena's error message) points straight at it.
 */

/** Thrown for any message that cannot be decoded or encoded; `path` is the JSON path at fault. */
export class ProtocolError extends Error {
  /** JSON path of the offending member, e.g. `constraints.summary.col3.ranges[0].low.valueBlock`; `$` for the whole document. */
  readonly path: string;

  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`${path}: ${detail}`, options);
    this.name = 'ProtocolError';
    this.path = path;
  }
}

/** An encoded document larger than the caller allowed (a Lambda payload limit): how large, and the bound. */
export class DocumentTooLargeError extends ProtocolError {
  /** UTF-8 bytes of the whole document. */
  readonly bytes: number;
  readonly maxBytes: number;

  constructor(bytes: number, maxBytes: number) {
    super('$', `is ${bytes} bytes as JSON, more than the ${maxBytes} allowed`);
    this.name = 'DocumentTooLargeError';
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

/** Builds the path of a member below `parent`; the root document's members have bare names. */
export function memberPath(parent: string, name: string): string {
  const safe = /^[A-Za-z_@$][A-Za-z0-9_@$-]*$/.test(name) ? name : undefined;
  if (parent === '$') return safe ?? `[${JSON.stringify(name)}]`;
  return safe === undefined ? `${parent}[${JSON.stringify(name)}]` : `${parent}.${safe}`;
}

/** Builds the path of an array element below `parent`. */
export function elementPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
