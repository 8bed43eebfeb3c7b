/**
 * Codecs for Arrow payloads inside JSON: a bare `schema` (one base64 Schema message) and a Block
 * `{aId, schema, records}`. Framing follows the serde version being written (legacy for V2,
 * continuation for V3+); reading accepts both, as Arrow Java does.
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import {
  ArrowMessageError,
  type IpcFraming,
  decodeRecordBatchBytes,
  decodeSchemaMessage,
  emptyRecordBatch,
  encodeRecordBatchMessageChunks,
  encodeSchemaMessage,
} from '../arrow/ipc.js';
import { encodeBase64 } from './base64.js';
import { ProtocolError, memberPath } from './protocol-error.js';
import { type Codec, type ReadContext, isJsonObject, mismatch } from './serde.js';
import type { Block } from './types.js';

/** The Arrow framing a serde version writes (PROTOCOL.md §3.2). */
export function framingForVersion(serDeVersion: number): IpcFraming {
  return serDeVersion <= 2 ? 'legacy' : 'continuation';
}

function rethrowArrow(path: string, error: unknown): never {
  if (error instanceof ArrowMessageError) throw new ProtocolError(path, error.message, { cause: error });
  if (error instanceof ProtocolError) throw error;
  throw new ProtocolError(
    path,
    `cannot be decoded as Arrow: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

function readSchema(text: string, path: string, ctx: ReadContext): Schema {
  const bytes = ctx.base64(text, path);
  try {
    return decodeSchemaMessage(bytes);
  } catch (error) {
    return rethrowArrow(path, error);
  }
}

/** A bare base64 Arrow Schema message. */
export const schemaCodec: Codec<Schema> = {
  expected: 'a base64 Arrow schema',
  read(value, path, ctx) {
    if (typeof value !== 'string') return mismatch(path, 'a base64 Arrow schema string', value);
    return readSchema(value, path, ctx);
  },
  write(value, _path, ctx) {
    ctx.out.text('"');
    ctx.out.asciiText(encodeBase64(encodeSchemaMessage(value, framingForVersion(ctx.serDeVersion))));
    ctx.out.text('"');
  },
};

/** Decodes a Block's `records` against its schema. */
function readRecords(text: string, schema: Schema, path: string, ctx: ReadContext): RecordBatch {
  if (text === '') return emptyRecordBatch(schema);
  const bytes = ctx.base64(text, path);
  try {
    return decodeRecordBatchBytes(bytes, schema);
  } catch (error) {
    return rethrowArrow(path, error);
  }
}

/** Java `Block`: `{"aId", "schema", "records"}`; zero rows are written as `"records": ""`. */
export const blockCodec: Codec<Block> = {
  expected: 'an object (Block)',
  read(value, path, ctx) {
    if (!isJsonObject(value)) return mismatch(path, 'an object (Block)', value);
    for (const key of Object.keys(value)) {
      if (key !== 'aId' && key !== 'schema' && key !== 'records')
        throw new ProtocolError(memberPath(path, key), 'is not a member of Block');
    }
    const aIdPath = memberPath(path, 'aId');
    const schemaPath = memberPath(path, 'schema');
    const recordsPath = memberPath(path, 'records');
    const aId = value['aId'];
    if (typeof aId !== 'string') return mismatch(aIdPath, 'a string', aId);
    const schemaText = value['schema'];
    if (typeof schemaText !== 'string') return mismatch(schemaPath, 'a base64 Arrow schema string', schemaText);
    const recordsText = value['records'];
    if (typeof recordsText !== 'string')
      return mismatch(recordsPath, 'a base64 Arrow record batch string (or "")', recordsText);
    const schema = readSchema(schemaText, schemaPath, ctx);
    return { aId, schema, records: readRecords(recordsText, schema, recordsPath, ctx) };
  },
  write(value, path, ctx) {
    const framing = framingForVersion(ctx.serDeVersion);
    if (value.records.schema.fields.length !== value.schema.fields.length) {
      throw new ProtocolError(
        memberPath(path, 'records'),
        `has ${value.records.schema.fields.length} columns but the block schema has ${value.schema.fields.length}`,
      );
    }
    // Base64 never needs JSON escaping, so it goes out as is (it can be many MB).
    ctx.out.text(`{"aId":${JSON.stringify(value.aId)},"schema":"`);
    ctx.out.asciiText(encodeBase64(encodeSchemaMessage(value.schema, framing)));
    ctx.out.text('","records":"');
    if (value.records.numRows > 0) ctx.out.base64(encodeRecordBatchMessageChunks(value.records, framing));
    ctx.out.text('"}');
  },
};

/** Raw bytes as base64 (encryption keys and nonces). */
export const bytesCodec: Codec<Uint8Array> = {
  expected: 'a base64 string',
  read(value, path, ctx) {
    if (typeof value !== 'string') return mismatch(path, 'a base64 string', value);
    return ctx.base64(value, path);
  },
  write: (value, _path, ctx) => {
    ctx.out.text('"');
    ctx.out.asciiText(encodeBase64(value));
    ctx.out.text('"');
  },
};
