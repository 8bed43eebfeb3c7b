/**
 * Recycles the writer's large buffers so that a long read does not leave a trail of garbage blocks
 * for the collector: buffers outgrown while filling a block, and — once the caller has said it no
 * longer needs the last finished batch ({@link RecordBatchWriter.recycle}) — that batch's buffers.
 * Pooled buffers are not zeroed; every writer that takes one writes each slot it exposes.
 */
export class BufferPool {
  #spare: ArrayBuffer[] = [];
  /** Buffers inside the most recently finished batch; reusable only after `recycle()`. */
  #lent: ArrayBuffer[] = [];

  /** A buffer of at least `byteLength` bytes: the smallest spare that fits, or a new one. */
  take(byteLength: number): ArrayBuffer {
    const spare = this.#spare;
    let best: ArrayBuffer | undefined;
    let bestIndex = -1;
    for (let i = 0; i < spare.length; i++) {
      const candidate = spare[i] as ArrayBuffer;
      if (candidate.byteLength >= byteLength && (best === undefined || candidate.byteLength < best.byteLength)) {
        best = candidate;
        bestIndex = i;
      }
    }
    if (best !== undefined) {
      spare.splice(bestIndex, 1);
      return best;
    }
    // Nothing fits: spares smaller than this request have been outgrown and would only be held.
    this.#spare = spare.filter((candidate) => candidate.byteLength >= byteLength);
    // allocUnsafeSlow: unpooled and not zeroed (each slot is written before it is exposed).
    return Buffer.allocUnsafeSlow(byteLength).buffer as ArrayBuffer;
  }

  /** A buffer the writer has outgrown while filling a block; nothing else references it. */
  giveBack(buffer: ArrayBuffer): void {
    if (buffer.byteLength >= MIN_POOLED_BYTES) this.#spare.push(buffer);
  }

  /** A buffer now inside the batch being finished. */
  lend(buffer: ArrayBuffer): void {
    if (buffer.byteLength >= MIN_POOLED_BYTES) this.#lent.push(buffer);
  }

  /** Called as a new batch is finished: the previous batch's buffers stay with whoever holds it. */
  forgetLent(): void {
    this.#lent = [];
  }

  /** The caller is done with the last finished batch: its buffers become spares. */
  recycle(): void {
    this.#spare.push(...this.#lent);
    this.#lent = [];
  }
}

/** Buffers below this size are left to the garbage collector; pooling them saves nothing. */
const MIN_POOLED_BYTES = 64 * 1024;
