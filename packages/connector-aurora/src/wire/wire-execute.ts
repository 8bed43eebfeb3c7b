/**
 * How result-set packets reach the wire decoder: mysql2 prepares and executes the statement as
 * usual (handshake, auth, TLS, statement cache, errors stay mysql2's), but the command's states
 * after the column definitions are ours, so each binary row packet goes to WireBatchDecoder instead
 * of mysql2's row parser. The mysql2 internals this relies on are pinned by wire-pin.test.ts.
 */
import type { PoolConnection } from 'mysql2';
import type { RecordBatch } from 'apache-arrow';
import { ConnectorError } from '@athena-federation/connector-core';
import type { Statement } from '../aurora-client.js';
import { classifyMysqlError } from '../aurora-errors.js';
import type { MappedColumn, ZeroDateWarning } from '../aurora-types.js';
import type { WireField } from './wire-column-plan.js';
import { WireBatchDecoder } from './wire-row-decoder.js';

/** The mysql2 version whose Execute command internals {@link installWireStates} was written against. */
export const PINNED_MYSQL2_VERSION = '3.24.5';

/** The part of mysql2's Packet the wire states read. */
interface MysqlPacket {
  readonly buffer: Buffer;
  /** Start of the payload (after the 4-byte header). */
  readonly offset: number;
  readonly end: number;
}

/** A state of mysql2's command state machine: handles one packet and returns the next state (null: done). */
type CommandState = (this: ExecuteCommandInternals, packet: MysqlPacket, connection: unknown) => CommandState | null;

/** The members of mysql2's Execute command (lib/commands/execute.js) the wire states use. */
interface ExecuteCommandInternals {
  readField: CommandState;
  fieldsEOF: CommandState;
  done(): CommandState | null;
  _fields: WireField[][];
  _resultIndex: number;
  once(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'end', listener: () => void): unknown;
}

/** What the wire states hand over. */
export interface WireStateListener {
  /** Called once, with the result's column definitions, before any row. */
  fields(fields: readonly WireField[]): void;
  /** Called for each row packet, payload `buffer[start, end)`. */
  row(buffer: Buffer, start: number, end: number): void;
  /** Called when the result cannot be read (the command then stops; the caller closes the connection). */
  failed(error: ConnectorError): void;
}

const SERVER_MORE_RESULTS_EXISTS = 0x0008;

/** The status flags of a result's final packet: a classic EOF, or an OK packet under CLIENT_DEPRECATE_EOF. */
export function endStatusFlags(buffer: Buffer, start: number, end: number): number {
  if (end - start < 9) return buffer.readUInt16LE(start + 3);
  let at = start + 1;
  // An OK packet: affected rows and last insert id (length-encoded), then the status flags.
  for (let skipped = 0; skipped < 2; skipped++) {
    const first = buffer[at] as number;
    at += first < 0xfb ? 1 : first === 0xfc ? 3 : first === 0xfd ? 4 : 9;
  }
  return buffer.readUInt16LE(at);
}

/**
 * True when the packet ends the result set. Binary row packets start with 0x00, so a 0xFE header
 * is always the end, whether a classic EOF or (CLIENT_DEPRECATE_EOF) an OK packet.
 */
export function isResultEnd(packet: MysqlPacket): boolean {
  return packet.buffer[packet.offset] === 0xfe;
}

/**
 * Replaces the states of mysql2's Execute `command` from the column definitions on, so rows go to
 * `listener`. Must be called before the command receives its result (right after
 * `connection.execute` returns it: packets arrive asynchronously).
 *
 * @throws {ConnectorError} `Internal` when mysql2's command no longer has the shape this relies on.
 */
export function installWireStates(command: ExecuteCommandInternals, listener: WireStateListener): void {
  const prototype = Object.getPrototypeOf(command) as Partial<ExecuteCommandInternals>;
  const readField = prototype.readField;
  const fieldsEOF = prototype.fieldsEOF;
  if (typeof readField !== 'function' || typeof fieldsEOF !== 'function' || typeof prototype.done !== 'function') {
    throw new ConnectorError(
      'Internal',
      `mysql2's Execute command has changed (expected readField, fieldsEOF and done as in mysql2 ${PINNED_MYSQL2_VERSION})`,
    );
  }
  const row: CommandState = function (packet) {
    if (isResultEnd(packet)) {
      if ((endStatusFlags(packet.buffer, packet.offset, packet.end) & SERVER_MORE_RESULTS_EXISTS) !== 0) {
        // Thrown here it would escape from mysql2's socket handler; the rest of the results die with the connection.
        listener.failed(new ConnectorError('Unsupported', 'The statement returned more than one result set'));
        return null;
      }
      return this.done();
    }
    listener.row(packet.buffer, packet.offset, packet.end);
    return row;
  };
  const afterFields: CommandState = function (packet, connection) {
    listener.fields(this._fields[this._resultIndex] ?? []);
    // A classic EOF closes the column definitions; under CLIENT_DEPRECATE_EOF the first row follows directly.
    if (isResultEnd(packet) && packet.end - packet.offset < 9) return row;
    return row.call(this, packet, connection);
  };
  const wireReadField: CommandState = function (packet, connection) {
    const next = readField.call(this, packet, connection);
    if (next === fieldsEOF) return afterFields;
    if (next === readField) return wireReadField;
    return next;
  };
  command.readField = wireReadField;
}

/** Options of {@link streamWireBatches}. */
export interface WireReadOptions {
  /** Stops the read; the connection is then destroyed. */
  readonly signal: AbortSignal;
  /**
   * A batch ends with the row that takes its Arrow buffers past this many bytes: core's block size,
   * so each batch is one block, as core would cut rows itself. A function is asked again whenever
   * a batch passes the last answer (core's block size grows after many spilled blocks).
   */
  readonly targetBatchBytes: number | (() => number);
  /**
   * The connection is closed after the read even when the result was read to its end (query
   * passthrough: the user's query may have changed its session).
   */
  readonly isolated?: boolean;
  /** Told about each zero date read as NULL. */
  readonly warn: ZeroDateWarning;
  /** Goes into error messages, e.g. `reading db.table`. */
  readonly action: string;
}

/** Batches decoded ahead of the consumer before the socket is paused. */
const BATCHES_AHEAD = 2;

/**
 * Runs `statement` on `connection` and yields its rows as RecordBatches of `columns`' schema,
 * decoded from the wire. The connection is released when the result was read to its end (and not
 * `isolated`), and closed otherwise (early return, abort, failure), since a half-read result
 * cannot be reused; the rest of the result is drained without decoding, so the server's query ends.
 * A connection lost before the result's end throws, never ends the read short.
 */
export async function* streamWireBatches(
  connection: PoolConnection,
  statement: Statement,
  columns: readonly MappedColumn[],
  options: WireReadOptions,
): AsyncGenerator<RecordBatch> {
  const queue: RecordBatch[] = [];
  let decoder: WireBatchDecoder | undefined;
  let abandoned = false;
  const targetOption = options.targetBatchBytes;
  const currentTarget = typeof targetOption === 'number' ? () => targetOption : targetOption;
  let target = currentTarget();
  let complete = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  let command: ExecuteCommandInternals;
  try {
    command = connection.execute({ sql: statement.sql, rowsAsArray: true }, [
      ...statement.params,
    ]) as unknown as ExecuteCommandInternals;
    installWireStates(command, {
      fields(fields) {
        try {
          decoder = new WireBatchDecoder(columns, fields, { warn: options.warn, batchBytes: target });
        } catch (error) {
          fail(error);
        }
      },
      row(buffer, start, end) {
        // After the consumer has gone, the rest of the result is only drained (and never paused).
        if (decoder === undefined || failure !== undefined || abandoned) return;
        try {
          decoder.appendRow(buffer, start, end);
          // The size is kept per row by the decoder, so the batch ends with the row that passes the target.
          if (decoder.byteSize <= target) return;
          target = currentTarget();
          if (decoder.byteSize <= target) return;
          queue.push(decoder.finish());
        } catch (error) {
          // Thrown here it would escape from mysql2's socket handler.
          fail(error);
          return;
        }
        if (queue.length >= BATCHES_AHEAD) connection.pause();
        notify();
      },
      failed: fail,
    });
  } catch (error) {
    // Nothing was read, but the command may already be queued: the connection cannot go back to the pool.
    connection.destroy();
    throw classifyMysqlError(error, options.action);
  }
  command.once('error', fail);
  command.once('end', () => {
    if (failure !== undefined) return;
    try {
      if (decoder !== undefined && decoder.numRows > 0) queue.push(decoder.finish());
    } catch (error) {
      fail(error);
      return;
    }
    complete = true;
    notify();
  });
  const onClose = () => {
    if (!complete)
      fail(Object.assign(new Error('Connection closed during the read'), { code: 'PROTOCOL_CONNECTION_LOST' }));
  };
  connection.once('end', onClose);
  connection.once('error', onClose);
  options.signal.addEventListener('abort', notify, { once: true });
  let finished = false;
  try {
    for (;;) {
      if (options.signal.aborted) return;
      if (failure !== undefined) throw failure.error;
      const batch = queue.shift();
      if (batch !== undefined) {
        // MySQL sends the next rows while this batch is consumed.
        if (queue.length < BATCHES_AHEAD) connection.resume();
        yield batch;
        continue;
      }
      if (complete) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    finished = true;
  } catch (error) {
    if (options.signal.aborted) return;
    throw classifyMysqlError(error, options.action);
  } finally {
    options.signal.removeEventListener('abort', notify);
    connection.off('end', onClose);
    connection.off('error', onClose);
    if (finished && options.isolated !== true) {
      connection.release();
    } else {
      // Let the socket drain: a connection left paused by backpressure keeps the server blocked on
      // writing the rest of the result, its query running after we are gone.
      abandoned = true;
      queue.length = 0;
      connection.resume();
      connection.destroy();
    }
  }
}
