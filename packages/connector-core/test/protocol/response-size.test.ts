// The size a response takes on the wire, measured without encoding it: `encodedResponseBytes` must
// equal the UTF-8 length of what `encodeResponse` writes, for every response vector in every serde
// version (both Arrow framings) and for text that is not ASCII; and `encodeResponse` refuses a
// document over its byte bound exactly at the bound.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Int32, Schema, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  DocumentTooLargeError,
  type ReadRecordsResponse,
  buildRecordBatch,
  decodeResponse,
  encodeResponse,
  encodedResponseBytes,
} from '../../src/index.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const vectors = [
  ...readdirSync(join(fixtures, 'java-sdk/serde/v2')).map((f) => ({
    path: join(fixtures, 'java-sdk/serde/v2', f),
    version: 2,
  })),
  ...['PingResponse.json'].map((f) => ({ path: join(fixtures, 'java-sdk/serde', f), version: 2 })),
  ...['v2', 'v3', 'v4', 'v5', 'v6'].flatMap((dir) =>
    readdirSync(join(fixtures, 'spec', dir)).map((f) => ({
      path: join(fixtures, 'spec', dir, f),
      version: Number(dir.slice(1)),
    })),
  ),
].filter((f) => f.path.endsWith('Response.json'));

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

function response(catalogName: string, rows: readonly (readonly [number, string | null])[]): ReadRecordsResponse {
  const schema = new Schema([new Field('id', new Int32(), false), new Field('note', new Utf8(), true)]);
  return {
    '@type': 'ReadRecordsResponse',
    catalogName,
    records: { aId: 'a', schema, records: buildRecordBatch(schema, rows) },
  };
}

describe('encodedResponseBytes', () => {
  it('equals the UTF-8 size of the encoded document for every response vector', () => {
    expect(vectors.length).toBeGreaterThan(10);
    for (const vector of vectors) {
      const decoded = decodeResponse(readFileSync(vector.path, 'utf8'), vector.version);
      expect(encodedResponseBytes(decoded, vector.version), vector.path).toBe(
        utf8Bytes(encodeResponse(decoded, vector.version)),
      );
    }
  });

  it('counts non-ASCII text in bytes and every base64 length, in both Arrow framings', () => {
    for (let rows = 0; rows < 12; rows++) {
      const r = response(
        'catálogo-🩺',
        Array.from({ length: rows }, (_, i) => [i, i % 3 === 0 ? null : 'é🩺'.repeat(i)] as const),
      );
      for (const version of [2, 3, 6])
        expect(encodedResponseBytes(r, version), `${rows} rows, V${version}`).toBe(
          utf8Bytes(encodeResponse(r, version)),
        );
    }
  });
});

describe('encodeResponse with a byte bound', () => {
  it('writes a document of exactly the bound and refuses one byte over, saying how large it is', () => {
    const r = response('c', [[1, 'x'.repeat(1000)]]);
    const size = utf8Bytes(encodeResponse(r, 3));
    expect(encodeResponse(r, 3, size)).toBe(encodeResponse(r, 3));
    const error = (() => {
      try {
        encodeResponse(r, 3, size - 1);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DocumentTooLargeError);
    expect(error).toMatchObject({ bytes: size, maxBytes: size - 1, path: '$' });
  });
});
