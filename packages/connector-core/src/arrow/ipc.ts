/**
 * Single Arrow IPC messages, as the wire carries them: a `schema` is exactly one Schema message and
 * a block's `records` exactly one RecordBatch message (no stream header, no end-of-stream marker).
 * apache-arrow writes the bytes; this module only frames, splits and checks them, because a reader
 * must never hand a connector a batch whose buffers point outside the data it was given.
 */
import { verifyMessageMetadata } from './message-verifier.js';
import {
  type Data,
  DataType,
  type Field,
  Message,
  Struct,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  type Schema,
} from 'apache-arrow';
import type { RecordBatch as RecordBatchMetadata } from 'apache-arrow/ipc/metadata/message';
import { VectorLoader } from 'apache-arrow/visitor/vectorloader';

/**
 * How messages are prefixed. `legacy` is a bare int32 length (Arrow < 0.15; serde V1/V2 and spill
 * objects); `continuation` is `0xFFFFFFFF` then the length (serde V3+).
 */
export type IpcFraming = 'legacy' | 'continuation';

/** Why bytes could not be read as the expected Arrow message. The codec adds the JSON path. */
export class ArrowMessageError extends Error {
  constructor(detail: string, options?: ErrorOptions) {
    super(detail, options);
    this.name = 'ArrowMessageError';
  }
}

class MessageWriter extends RecordBatchStreamWriter {
  #chunks: Uint8Array[] = [];
  #size = 0;

  constructor(framing: IpcFraming) {
    super({ writeLegacyIpcFormat: framing === 'legacy' });
    // Writing single messages, not a stream: open the writer without emitting a schema first.
    this._started = true;
  }

  protected override _write(chunk: ArrayBufferView): this {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.byteLength > 0) {
      this.#chunks.push(bytes);
      this.#size += bytes.byteLength;
    }
    return this;
  }

  schemaMessage(schema: Schema): Uint8Array {
    this._writeSchema(schema);
    return this.#take();
  }

  recordBatchMessage(batch: RecordBatch): Uint8Array {
    this._writeRecordBatch(batch);
    return this.#take();
  }

  recordBatchChunks(batch: RecordBatch): Uint8Array[] {
    this._writeRecordBatch(batch);
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#size = 0;
    return chunks;
  }

  #take(): Uint8Array {
    const out = Buffer.allocUnsafe(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.#chunks = [];
    this.#size = 0;
    return out;
  }
}

/** Encodes `schema` as one Schema message in the given framing. */
export function encodeSchemaMessage(schema: Schema, framing: IpcFraming): Uint8Array {
  return new MessageWriter(framing).schemaMessage(schema);
}

/** Encodes `batch` as one RecordBatch message (no schema, no end-of-stream) in the given framing. */
export function encodeRecordBatchMessage(batch: RecordBatch, framing: IpcFraming): Uint8Array {
  return new MessageWriter(framing).recordBatchMessage(batch);
}

/**
 * The same bytes as `encodeRecordBatchMessage`, as the pieces apache-arrow wrote (metadata,
 * padding, then views of the column buffers themselves), so a caller that only streams them out
 * never copies the batch.
 */
export function encodeRecordBatchMessageChunks(batch: RecordBatch, framing: IpcFraming): Uint8Array[] {
  return new MessageWriter(framing).recordBatchChunks(batch);
}

interface MessageFrame {
  readonly message: Message;
  /** Bytes the whole message occupies, prefix, metadata and body included. */
  readonly size: number;
  /** Where the body starts (after the prefix and metadata). */
  readonly bodyStart: number;
}

function readFrame(bytes: Uint8Array, expected: 'schema' | 'record batch'): MessageFrame {
  if (bytes.byteLength < 8)
    throw new ArrowMessageError(`is too short to hold an Arrow ${expected} message (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getInt32(0, true);
  const prefix = first === -1 ? 8 : 4;
  const metadataLength = first === -1 ? view.getInt32(4, true) : first;
  if (metadataLength <= 0 || prefix + metadataLength > bytes.byteLength) {
    throw new ArrowMessageError(
      `holds an Arrow message whose metadata length (${metadataLength}) does not fit its ${bytes.byteLength} bytes`,
    );
  }
  let message: Message;
  try {
    verifyMessageMetadata(bytes.subarray(prefix, prefix + metadataLength));
  } catch (cause) {
    throw new ArrowMessageError(
      cause instanceof Error ? `holds ${cause.message.replace(/^Arrow/, 'Arrow')}` : 'holds invalid Arrow metadata',
      { cause },
    );
  }
  try {
    message = Message.decode(bytes.subarray(prefix, prefix + metadataLength));
  } catch (cause) {
    throw new ArrowMessageError('holds Arrow message metadata that cannot be decoded', { cause });
  }
  const bodyLength = Number(message.bodyLength);
  if (!Number.isSafeInteger(bodyLength) || bodyLength < 0)
    throw new ArrowMessageError(`declares an invalid Arrow body length (${String(message.bodyLength)})`);
  const wanted = expected === 'schema' ? message.isSchema() : message.isRecordBatch();
  if (!wanted)
    throw new ArrowMessageError(
      `holds an Arrow message of header type ${String(message.headerType)}, not a ${expected}`,
    );
  return { message, size: prefix + metadataLength + bodyLength, bodyStart: prefix + metadataLength };
}

function checkExactSize(frame: MessageFrame, bytes: Uint8Array, expected: string): void {
  if (frame.size > bytes.byteLength)
    throw new ArrowMessageError(
      `is truncated: the ${expected} message needs ${frame.size} bytes, ${bytes.byteLength} given`,
    );
  if (frame.size < bytes.byteLength)
    throw new ArrowMessageError(`has ${bytes.byteLength - frame.size} bytes after its ${expected} message`);
}

/** Decodes exactly one Schema message (either framing). */
export function decodeSchemaMessage(bytes: Uint8Array): Schema {
  const frame = readFrame(bytes, 'schema');
  checkExactSize(frame, bytes, 'schema');
  let schema: Schema;
  try {
    schema = frame.message.header() as Schema;
  } catch (cause) {
    throw new ArrowMessageError('holds a Schema message that cannot be decoded', { cause });
  }
  for (const field of schema.fields) validateFieldType(field, field.name);
  return schema;
}

/**
 * Rejects field types apache-arrow would accept in metadata but fail on later (unknown parameters,
 * wrong child counts) and dictionary encoding, which the Athena wire never uses.
 */
function validateFieldType(field: Field, where: string): void {
  const type: DataType = field.type;
  const fail = (detail: string): never => {
    throw new ArrowMessageError(`holds field ${JSON.stringify(where)} ${detail}`);
  };
  if (DataType.isDictionary(type)) fail('with dictionary encoding, which the wire does not use');
  const children: Field[] = type.children ?? [];
  if ((DataType.isList(type) || DataType.isFixedSizeList(type)) && children.length !== 1)
    fail(`of type ${String(type)} with ${children.length} children (needs 1)`);
  if (DataType.isMap(type) && (children.length !== 1 || children[0]?.type.children?.length !== 2))
    fail('of type Map without a key/value entries struct');
  if (
    DataType.isDecimal(type) &&
    (type.precision < 1 ||
      type.precision > (type.bitWidth === 256 ? 76 : 38) ||
      type.scale > type.precision ||
      type.scale < -type.precision ||
      (type.bitWidth !== 128 && type.bitWidth !== 256))
  )
    fail(`with an invalid decimal type (precision ${type.precision}, scale ${type.scale}, ${type.bitWidth} bits)`);
  try {
    emptyData(type);
  } catch (cause) {
    throw new ArrowMessageError(
      `holds field ${JSON.stringify(where)} whose type cannot be used (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
  for (const child of children) validateFieldType(child, `${where}.${child.name}`);
}

/**
 * Decodes exactly one RecordBatch message (either framing) of `schema`. The columns are views of
 * `bytes`, not copies. The metadata was already parsed (and verified) to frame the message, so the
 * body is loaded from it directly rather than by a stream reader that would parse it again.
 */
export function decodeRecordBatchBytes(bytes: Uint8Array, schema: Schema): RecordBatch {
  const frame = readFrame(bytes, 'record batch');
  checkExactSize(frame, bytes, 'record batch');
  let batch: RecordBatch;
  try {
    const header = frame.message.header() as RecordBatchMetadata;
    let body = bytes.subarray(frame.bodyStart, frame.size);
    // Column views need their element alignment; Arrow writers align the body to 8, but the bytes
    // may sit anywhere in their buffer.
    if (body.byteOffset % 8 !== 0) body = Uint8Array.prototype.slice.call(body);
    const children = new VectorLoader(
      body,
      header.nodes,
      header.buffers,
      new Map(),
      schema.metadataVersion,
      header.variadicBufferCounts,
    ).visitMany(schema.fields.map((field) => field.type));
    batch = new RecordBatch(
      schema,
      makeData({ type: new Struct(schema.fields), length: Number(header.length), children }),
    );
  } catch (cause) {
    throw new ArrowMessageError('holds a RecordBatch message that cannot be decoded', { cause });
  }
  validateData(batch.data, 'the record batch');
  return batch;
}

/** An empty (zero-row) batch of `schema`, which the wire writes as `"records": ""`. */
export function emptyRecordBatch(schema: Schema): RecordBatch {
  return new RecordBatch(schema, emptyData(new Struct(schema.fields)) as Data<Struct>);
}

function emptyData(type: DataType): Data {
  const children = (type.children ?? []).map((field: Field) => emptyData(field.type));
  if (DataType.isList(type) || DataType.isMap(type))
    return makeData({
      type,
      length: 0,
      nullCount: 0,
      valueOffsets: new Int32Array(1),
      child: children[0],
    } as Parameters<typeof makeData>[0]);
  if (DataType.isStruct(type)) return makeData({ type, length: 0, nullCount: 0, children });
  return makeData({ type, length: 0, nullCount: 0 } as Parameters<typeof makeData>[0]);
}

function bitmapBytes(length: number): number {
  return Math.ceil(length / 8);
}

/**
 * Checks that every buffer of `data` (recursively) is large enough and every offset in range, so a
 * crafted message cannot make later reads return garbage or run past a buffer.
 */
export function validateData(data: Data, where: string): void {
  const { length, type } = data;
  const fail = (detail: string): never => {
    throw new ArrowMessageError(`${where} (${String(type)}) ${detail}`);
  };
  if (!Number.isSafeInteger(length) || length < 0) fail(`has an invalid length ${length}`);
  if (data.offset !== 0) fail('has a non-zero offset');
  if (data.nullCount > 0 && (data.nullBitmap === undefined || data.nullBitmap.byteLength < bitmapBytes(length)))
    fail('has a validity bitmap shorter than its length');
  if (data.nullCount > length) fail('has more nulls than values');
  if (DataType.isBool(type)) {
    if ((data.values?.byteLength ?? 0) < bitmapBytes(length)) fail('has a value buffer shorter than its length');
  } else if (DataType.isUtf8(type) || DataType.isBinary(type)) {
    checkOffsets(data, data.values?.length ?? 0, fail);
  } else if (DataType.isList(type) || DataType.isMap(type)) {
    const child = data.children[0];
    if (child === undefined) {
      fail('has no child data');
      return;
    }
    checkOffsets(data, child.length, fail);
    validateData(child, `${where}.${type.children[0]?.name ?? 'item'}`);
  } else if (DataType.isStruct(type)) {
    if (data.children.length !== type.children.length) fail('has the wrong number of children');
    data.children.forEach((child, index) => {
      if (child.length < length) fail(`has a child shorter than the struct (${child.length} < ${length})`);
      validateData(child, `${where}.${type.children[index]?.name ?? index}`);
    });
  } else if (!DataType.isNull(type)) {
    const values = data.values as ArrayLike<unknown> | undefined;
    if (values === undefined || values.length < length * data.stride)
      fail('has a value buffer shorter than its length');
  }
}

function checkOffsets(data: Data, limit: number, fail: (detail: string) => never): void {
  const offsets = data.valueOffsets as Int32Array | undefined;
  const length = data.length;
  if (offsets === undefined || offsets.length < length + 1) {
    if (length === 0) return;
    fail('has an offset buffer shorter than its length');
  }
  if ((offsets[0] ?? 0) < 0) fail('has a negative offset');
  const at = firstDecrease(offsets, length);
  if (at !== -1) fail(`has decreasing offsets at ${at}`);
  const last = offsets[length] ?? 0;
  if (last > limit) fail(`has offsets past the end of its data (${last} > ${limit})`);
}

/** Index of the first offset below its predecessor within `offsets[0..length]`, or -1 (runs over every row of every string column read). */
function firstDecrease(offsets: Int32Array, length: number): number {
  let previous = offsets[0] as number;
  for (let i = 1; i <= length; i++) {
    const current = offsets[i] as number;
    if (current < previous) return i;
    previous = current;
  }
  return -1;
}
