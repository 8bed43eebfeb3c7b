/**
 * Hands decoded record batches to the DuckDB thread. A batch's buffers are views into the
 * response they were decoded from (or into memory shared with other buffers), and posting a view
 * would copy or detach all of that memory; so the views are copied, back to back, into one new
 * buffer the message transfers, with a description of where each one went. The other side
 * rebuilds the batches over that buffer against the schema it already has.
 */
import { Data, RecordBatch, type Schema, Struct } from 'apache-arrow';

/** Where a buffer went in the shared memory, and which typed array it was. */
interface BufferPlacement {
  readonly kind: TypedArrayKind;
  readonly byteOffset: number;
  readonly length: number;
}

/** One `Data` node: its counts and buffers (value offsets, values, validity, type ids), then its children. */
export interface DataPlacement {
  readonly offset: number;
  readonly length: number;
  readonly nullCount: number;
  readonly buffers: readonly (BufferPlacement | null)[];
  readonly children: readonly DataPlacement[];
}

/** Batches as they cross to the other thread: one transferable buffer and where each batch's parts are in it. */
export interface PackedBatches {
  readonly memory: ArrayBuffer;
  readonly batches: readonly DataPlacement[];
  /** Rows in all batches. */
  readonly rows: number;
}

const typedArrays = {
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedArrayKind = keyof typeof typedArrays;

function kindOf(view: ArrayBufferView): TypedArrayKind {
  const name = view.constructor.name;
  if (!(name in typedArrays)) throw new Error(`Arrow buffer of type ${name} cannot be handed to DuckDB's thread`);
  return name as TypedArrayKind;
}

/** The buffers of `data` in the order `Data`'s constructor takes them. */
function buffersOf(data: Data): readonly (ArrayBufferView | undefined)[] {
  const parts = data as {
    valueOffsets?: ArrayBufferView;
    values?: ArrayBufferView;
    nullBitmap?: ArrayBufferView;
    typeIds?: ArrayBufferView;
  };
  return [parts.valueOffsets, parts.values, parts.nullBitmap, parts.typeIds];
}

// Every buffer starts at a multiple of 8, so each typed array (up to 64-bit elements) can view it in place.
const align = (n: number) => (n + 7) & ~7;

function measure(data: Data): number {
  let size = 0;
  for (const view of buffersOf(data)) if (view !== undefined) size += align(view.byteLength);
  for (const child of data.children) size += measure(child);
  return size;
}

/**
 * Copies `batches` into one buffer for `postMessage`'s transfer list: one from `allocate` when
 * given (a buffer handed back for reuse, whose pages are already mapped), else a new one.
 */
export function packBatches(
  batches: readonly RecordBatch[],
  allocate: (bytes: number) => ArrayBuffer = (bytes) => new ArrayBuffer(bytes),
): PackedBatches {
  const size = batches.reduce((n, batch) => n + measure(batch.data), 0);
  const memory = allocate(size);
  if (memory.byteLength < size)
    throw new Error(`A buffer of ${memory.byteLength} bytes cannot hold batches of ${size}`);
  const bytes = new Uint8Array(memory);
  let at = 0;
  const place = (data: Data): DataPlacement => ({
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers: buffersOf(data).map((view) => {
      if (view === undefined) return null;
      const placement = {
        kind: kindOf(view),
        byteOffset: at,
        length: view.byteLength / (view as Uint8Array).BYTES_PER_ELEMENT,
      };
      bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), at);
      at += align(view.byteLength);
      return placement;
    }),
    children: data.children.map(place),
  });
  return {
    memory,
    batches: batches.map((batch) => place(batch.data)),
    rows: batches.reduce((n, batch) => n + batch.numRows, 0),
  };
}

/** Rebuilds the batches of `packed` (packed from batches of `schema`) as views of its memory. */
export function unpackBatches(schema: Schema, packed: PackedBatches): RecordBatch[] {
  const build = (type: Data['type'], placement: DataPlacement): Data => {
    const buffers = placement.buffers.map((b) =>
      b === null ? undefined : new typedArrays[b.kind](packed.memory, b.byteOffset, b.length),
    );
    const childTypes: readonly { type: Data['type'] }[] = type.children ?? [];
    if (childTypes.length !== placement.children.length)
      throw new Error(
        `A batch handed to DuckDB's thread has ${placement.children.length} children where its type ${String(type)} has ${childTypes.length}`,
      );
    const children = placement.children.map((child, i) => build(childTypes[i]?.type ?? type, child));
    // In Data's own buffer order; apache-arrow types each buffer per data type, which a generic rebuild cannot name.
    return new Data(type, placement.offset, placement.length, placement.nullCount, buffers as never, children);
  };
  const struct = new Struct(schema.fields);
  return packed.batches.map((placement) => new RecordBatch(schema, build(struct, placement) as Data<Struct>));
}
