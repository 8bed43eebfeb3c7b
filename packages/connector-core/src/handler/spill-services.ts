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

/** Writes one split's spilled blocks. */
export interface BlockSpillerLike {
  /**
   * Queues one block; resolves when there is room for the next (backpressure). Once it resolves the
   * spiller no longer reads `batch` (it has been encoded and encrypted into its own object), so core
   * reuses the batch's buffers for the next block.
   */
  spill(batch: RecordBatch): Promise<void>;
  /** Waits for every upload; the locations in block order. Rejects if any upload failed. */
  finish(): Promise<S3SpillLocation[]>;
  /** Stops pending uploads after a failure elsewhere. */
  abort(): Promise<void>;
}

/** Everything spill-related the dispatcher needs. */
export interface SpillServices {
  /** Called once per GetSplits: checks the spill bucket and returns where this request's splits spill. */
  prepareSplits(ctx: ConnectorContext): Promise<SplitSpillTarget>;
  /** A spiller for one ReadRecords call, writing under the split's directory with its key. */
  createSpiller(ctx: ConnectorContext, split: Split, schema: Schema): BlockSpillerLike;
}
