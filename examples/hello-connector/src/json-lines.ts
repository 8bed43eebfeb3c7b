/**
 * Reading JSON lines strictly: bytes are split on `\n` and decoded as UTF-8 with `fatal` (a bad byte
 * is an error, not a silent U+FFFD), and numbers bound for bigint and decimal columns keep their
 * digits. Every error names the object and the 1-based line; none quotes the line, which is data.
 */
import { ConnectorError } from '@athena-federation/connector-core';

/** One line of an object: its 1-based number and its bytes without the line break. */
export interface RawLine {
  readonly number: number;
  readonly bytes: Uint8Array;
}

/**
 * Splits a byte stream into lines (`\n` or `\r\n`); a last line without a line break counts too.
 * Yields the lines each chunk of the stream completes, together, so a reader awaits once a chunk
 * rather than once a line. The bytes of a line that spans chunks are joined once, when its end
 * arrives, so even a very long line costs one copy.
 */
export async function* lineChunksOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<RawLine[]> {
  let number = 0;
  let pending: Buffer[] = [];
  for await (const chunk of chunks) {
    const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: RawLine[] = [];
    let start = 0;
    for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
      const tail = data.subarray(start, end);
      lines.push({
        number: ++number,
        bytes: withoutCarriageReturn(pending.length === 0 ? tail : Buffer.concat([...pending, tail])),
      });
      pending = [];
      start = end + 1;
    }
    if (start < data.length) pending.push(data.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (pending.length > 0) yield [{ number: ++number, bytes: withoutCarriageReturn(Buffer.concat(pending)) }];
}

function withoutCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
}

/** What `JSON.parse` hands a reviver on Node.js ≥ 21 (Lambda's nodejs22.x): the value's source text. */
interface ReviverContext {
  readonly source?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// A JSON number can only lose digits as a double when it has 16 or more (any decimal of up to 15
// significant digits survives the round trip), so only lines with such a run need the reviver.
const LONG_NUMBER = /[0-9.]{16}/;
const NOT_BLANK = /\S/;

/** Where a line is, for error messages: `s3://bucket/key line 7`. */
function at(object: string, line: RawLine): string {
  return `${object} line ${line.number}`;
}

/**
 * The reviver for lines with long numbers: in `exactColumns`, a number becomes its source text, or,
 * where the runtime hides the source, an integer beyond 2^53 is refused rather than rounded.
 */
function digitKeeper(exactColumns: ReadonlySet<string>, object: string, line: RawLine) {
  return (key: string, value: unknown, context?: ReviverContext): unknown => {
    if (typeof value !== 'number' || !exactColumns.has(key)) return value;
    if (context?.source !== undefined) return context.source;
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new ConnectorError(
        'InvalidInput',
        `${at(object, line)}: column ${JSON.stringify(key)} holds an integer beyond 2^53, which this Node.js version cannot read exactly from a JSON number; write it as a string`,
      );
    }
    return value;
  };
}

/**
 * Parses one line into a row object, or returns undefined for a blank line. `exactColumns` are the
 * bigint and decimal columns: their numbers reach core as source text, which core parses exactly,
 * because a JS number would round past 2^53 or ~16 significant digits. Runtimes whose `JSON.parse`
 * cannot show the source (Node.js 20) refuse integers beyond 2^53 there instead of rounding them;
 * a fraction of 16+ digits cannot be told from its double there, so it arrives as the double.
 */
export function parseLine(
  line: RawLine,
  exactColumns: ReadonlySet<string>,
  object: string,
): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = utf8.decode(line.bytes);
  } catch (error) {
    throw new ConnectorError('InvalidInput', `${at(object, line)} is not valid UTF-8`, { cause: error });
  }
  if (!NOT_BLANK.test(text)) return undefined;
  let row: unknown;
  try {
    // A reviver makes JSON.parse about three times as slow (Node.js 20), so it runs only where needed.
    row =
      exactColumns.size > 0 && LONG_NUMBER.test(text)
        ? JSON.parse(text, digitKeeper(exactColumns, object, line))
        : JSON.parse(text);
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    // The SyntaxError's text can quote the line, so only its position goes into the answer.
    const position = /at position (\d+)/.exec(String(error))?.[1];
    throw new ConnectorError(
      'InvalidInput',
      `${at(object, line)} is not valid JSON${position === undefined ? '' : ` (at character ${Number(position) + 1})`}`,
      { cause: error },
    );
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new ConnectorError('InvalidInput', `${at(object, line)} is not a JSON object`);
  return row as Record<string, unknown>;
}
