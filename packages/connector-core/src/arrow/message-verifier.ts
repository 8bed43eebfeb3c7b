/**
 * Bounds-checks an Arrow IPC message's flatbuffer metadata before apache-arrow reads it. The
 * flatbuffers runtime trusts every offset and length, so one flipped byte can make the reader
 * loop over a two-billion-element "vector" until the process runs out of memory; checking the
 * tables here turns that into an ordinary error.
 */

/** Thrown when metadata is not a well-formed Arrow Message flatbuffer. */
export class MessageMetadataError extends Error {
  constructor(detail: string) {
    super(`Arrow message metadata ${detail}`);
    this.name = 'MessageMetadataError';
  }
}

const MAX_FIELD_DEPTH = 64;

// Arrow's MessageHeader and Type union tags (format/Message.fbs, format/Schema.fbs).
const HEADER_SCHEMA = 1;
const HEADER_RECORD_BATCH = 3;
const TYPE_TIMESTAMP = 10;
const TYPE_UNION = 14;

/** Facts about a verified RecordBatch the loader relies on. */
export interface VerifiedMessage {
  readonly headerType: number;
  readonly bodyLength: bigint;
}

class Verifier {
  readonly #view: DataView;
  readonly #size: number;

  constructor(bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#size = bytes.byteLength;
  }

  #need(pos: number, bytes: number, what: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || bytes < 0 || pos + bytes > this.#size)
      throw new MessageMetadataError(`has ${what} outside its ${this.#size} bytes`);
  }

  /** Returns the position of field `index`'s data in the table at `table`, or -1 when absent. */
  field(table: number, index: number): number {
    this.#need(table, 4, 'a table');
    const vtable = table - this.#view.getInt32(table, true);
    this.#need(vtable, 4, 'a vtable');
    const vtableSize = this.#view.getUint16(vtable, true);
    const objectSize = this.#view.getUint16(vtable + 2, true);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new MessageMetadataError('has a malformed vtable');
    this.#need(vtable, vtableSize, 'a vtable');
    this.#need(table, objectSize, 'a table body');
    const slot = 4 + index * 2;
    if (slot + 2 > vtableSize) return -1;
    const offset = this.#view.getUint16(vtable + slot, true);
    if (offset === 0) return -1;
    if (offset >= objectSize) throw new MessageMetadataError('has a field outside its table');
    return table + offset;
  }

  scalar(table: number, index: number, width: 1 | 2 | 4 | 8): bigint {
    const at = this.field(table, index);
    if (at === -1) return 0n;
    this.#need(at, width, 'a scalar field');
    switch (width) {
      case 1:
        return BigInt(this.#view.getUint8(at));
      case 2:
        return BigInt(this.#view.getInt16(at, true));
      case 4:
        return BigInt(this.#view.getInt32(at, true));
      default:
        return this.#view.getBigInt64(at, true);
    }
  }

  /** Follows an offset field to the table/vector/string it points at; -1 when absent. */
  #target(table: number, index: number): number {
    const at = this.field(table, index);
    if (at === -1) return -1;
    this.#need(at, 4, 'an offset');
    const target = at + this.#view.getUint32(at, true);
    this.#need(target, 4, 'an offset target');
    return target;
  }

  table(table: number, index: number): number {
    const target = this.#target(table, index);
    if (target !== -1) this.field(target, 0);
    return target;
  }

  /** Checks a vector of `elementSize`-byte elements; returns its start and length. */
  vector(table: number, index: number, elementSize: number): { start: number; length: number } {
    const target = this.#target(table, index);
    if (target === -1) return { start: 0, length: 0 };
    const length = this.#view.getUint32(target, true);
    this.#need(target + 4, length * elementSize, 'a vector');
    return { start: target + 4, length };
  }

  string(table: number, index: number): void {
    const { start, length } = this.vector(table, index, 1);
    if (length > 0) this.#need(start, length, 'a string');
  }

  /** Tables of a vector of tables. */
  tables(table: number, index: number): number[] {
    const { start, length } = this.vector(table, index, 4);
    const out: number[] = [];
    for (let i = 0; i < length; i++) {
      const at = start + i * 4;
      const target = at + this.#view.getUint32(at, true);
      this.field(target, 0);
      out.push(target);
    }
    return out;
  }

  structs(table: number, index: number, size: number): { start: number; length: number } {
    return this.vector(table, index, size);
  }

  int64At(pos: number): bigint {
    this.#need(pos, 8, 'a struct');
    return this.#view.getBigInt64(pos, true);
  }

  root(): number {
    this.#need(0, 4, 'a root offset');
    const root = this.#view.getUint32(0, true);
    this.field(root, 0);
    return root;
  }
}

function verifyKeyValues(v: Verifier, table: number, index: number): void {
  for (const kv of v.tables(table, index)) {
    v.string(kv, 0);
    v.string(kv, 1);
  }
}

function verifyField(v: Verifier, field: number, depth: number): void {
  if (depth > MAX_FIELD_DEPTH) throw new MessageMetadataError(`nests fields deeper than ${MAX_FIELD_DEPTH} levels`);
  v.string(field, 0);
  const typeTag = Number(v.scalar(field, 2, 1));
  const type = v.table(field, 3);
  if (type !== -1 && typeTag === TYPE_TIMESTAMP) v.string(type, 1);
  if (type !== -1 && typeTag === TYPE_UNION) v.vector(type, 1, 4);
  const dictionary = v.table(field, 4);
  if (dictionary !== -1) v.table(dictionary, 1);
  for (const child of v.tables(field, 5)) verifyField(v, child, depth + 1);
  verifyKeyValues(v, field, 6);
}

/**
 * Verifies the flatbuffer of one Message (Schema or RecordBatch) so decoding it cannot run away.
 * For a RecordBatch it also checks every buffer region lies inside the declared body.
 */
export function verifyMessageMetadata(metadata: Uint8Array): VerifiedMessage {
  const v = new Verifier(metadata);
  const message = v.root();
  const headerType = Number(v.scalar(message, 1, 1));
  const bodyLength = v.scalar(message, 3, 8);
  verifyKeyValues(v, message, 4);
  const header = v.table(message, 2);
  if (header === -1) throw new MessageMetadataError('has no header');
  if (headerType === HEADER_SCHEMA) {
    for (const field of v.tables(header, 1)) verifyField(v, field, 0);
    verifyKeyValues(v, header, 2);
    v.vector(header, 3, 8);
  } else if (headerType === HEADER_RECORD_BATCH) {
    const length = v.scalar(header, 0, 8);
    if (length < 0n || length > 0x7fffffffn) throw new MessageMetadataError(`declares ${length} rows`);
    const nodes = v.structs(header, 1, 16);
    for (let i = 0; i < nodes.length; i++) {
      const nodeLength = v.int64At(nodes.start + i * 16);
      const nullCount = v.int64At(nodes.start + i * 16 + 8);
      if (nodeLength < 0n || nodeLength > 0x7fffffffn || nullCount < 0n || nullCount > nodeLength)
        throw new MessageMetadataError(`has an invalid field node ${i} (length ${nodeLength}, nulls ${nullCount})`);
    }
    const buffers = v.structs(header, 2, 16);
    for (let i = 0; i < buffers.length; i++) {
      const offset = v.int64At(buffers.start + i * 16);
      const size = v.int64At(buffers.start + i * 16 + 8);
      if (offset < 0n || size < 0n || offset + size > bodyLength)
        throw new MessageMetadataError(
          `has buffer ${i} (offset ${offset}, length ${size}) outside the ${bodyLength}-byte body`,
        );
    }
    const compression = v.table(header, 3);
    if (compression !== -1) throw new MessageMetadataError('uses body compression, which the Athena wire never does');
    v.vector(header, 4, 8);
  }
  return { headerType, bodyLength };
}
