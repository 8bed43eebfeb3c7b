/**
 * The seam between request handling and S3: where a request's splits spill and how blocks get
 * there. Kept behind an interface so the dispatcher is testable without S3 and the Lambda adapter
 * decides when clients are created (lazily, after cold start).
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import type { ConnectorContext } from '../connector.js';
import type { EncryptionKey, S3SpillLocation, Split } from '../protocol/types.js';

/** Spill directories and keys for the splits of one GetSplits response. */
export interface SplitSpillTarget {
  /** A fresh `<prefix>/<queryId>/<uuid>` directory for one split. */
  directory(): S3SpillLocation;
  /** A fresh key for one split, or null when spill encryption is disabled. */
  key(): Promise<EncryptionKey | null>;
}

/**
 * Writes one split's result to its spill directory, one object per block, where Athena reads it.
 * `S3BlockSpiller` is the one core ships; core's ReadRecords handling calls these methods.
 */
export interface BlockSpiller {
  /**
   * Called by core for each block that does not fit inline, in block order. Resolves once the
   * block's upload has started, waiting while the most uploads are in flight (backpressure), and
   * rejects once any upload has failed. After it resolves `batch` is no longer read (the object
   * holds its own encoded, encrypted copy), so core reuses the batch's buffers for the next block.
   */
  spill(batch: RecordBatch): Promise<void>;
  /** Called by core after the last block: waits for every upload and resolves to the objects written in block order, or rejects if any failed. */
  finish(): Promise<S3SpillLocation[]>;
  /**
   * Called by core after a failure elsewhere in the request: queued blocks are dropped, no new
   * upload or retry starts, and the returned promise settles (never rejects) once the uploads in
   * flight end.
   */
  abort(): Promise<void>;
}

/** Everything spill-related the dispatcher needs. */
export interface SpillServices {
  /** Called once per GetSplits: checks the spill bucket and returns where this request's splits spill. */
  prepareSplits(ctx: ConnectorContext): Promise<SplitSpillTarget>;
  /** Called by core when a ReadRecords call first spills: a spiller writing under the split's directory with its key. */
  createSpiller(ctx: ConnectorContext, split: Split, schema: Schema): BlockSpiller;
}
