// Every JSON vector the Java SDK ships (test/fixtures/java-sdk, Apache-2.0, see NOTICE there) is
// decoded, re-encoded in its own serde version and compared member by member.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeLambdaFunctionError,
  decodeRequest,
  decodeResponse,
  encodeLambdaFunctionError,
  encodeRequest,
  encodeResponse,
} from '../../src/index.js';
import { expectSameWire } from '../support/wire-compare.js';

const root = join(import.meta.dirname, '../fixtures/java-sdk/serde');
const vectors = [
  ...readdirSync(root)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f, path: join(root, f), version: 2 })),
  ...readdirSync(join(root, 'v2')).map((f) => ({ file: `v2/${f}`, path: join(root, 'v2', f), version: 2 })),
];

/** The version Java's CompositeHandler answers each request vector in (newest shape that parses). */
const answeredIn: Record<string, number> = {
  PingRequest: 6,
  ListSchemasRequest: 6,
  ListTablesRequest: 6,
  GetTableRequest: 4,
  GetTableLayoutRequest: 3,
  GetSplitsRequest: 3,
  ReadRecordsRequest: 3,
  UserDefinedFunctionRequest: 6,
};

describe('Java SDK vectors', () => {
  it('are all present', () => {
    expect(vectors.length).toBe(20);
  });

  for (const vector of vectors) {
    const text = readFileSync(vector.path, 'utf8');
    const document = JSON.parse(text) as { '@type'?: string };
    const type = document['@type'];
    const ignore = vector.file.includes('ForwardsCompatible') ? ['newField'] : [];

    if (type === undefined) {
      it(`${vector.file}: decodes and re-encodes the Lambda error document`, () => {
        const error = decodeLambdaFunctionError(text);
        expect(error.errorType).toBe('com.amazonaws.services.dynamodbv2.model.ResourceNotFoundException');
        expect(error.stackTrace).toHaveLength(2);
        expectSameWire(encodeLambdaFunctionError(error), text);
      });
    } else if (type.endsWith('Request')) {
      it(`${vector.file}: decodes, reports Java's answering version, re-encodes identically`, () => {
        const { request, serDeVersion } = decodeRequest(text);
        expect(request['@type']).toBe(type);
        expect(serDeVersion).toBe(answeredIn[type]);
        expectSameWire(encodeRequest(request, vector.version), text, ignore);
        // And in the version the request would be answered in, the JSON is still the same document.
        expectSameWire(encodeRequest(request, serDeVersion), text, ignore);
      });
    } else {
      it(`${vector.file}: decodes and re-encodes identically`, () => {
        const response = decodeResponse(text, vector.version);
        expect(response['@type']).toBe(type);
        expectSameWire(encodeResponse(response, vector.version), text, ignore);
      });
    }
  }

  it('reads the same request from text, bytes and an already-parsed object', () => {
    const text = readFileSync(join(root, 'v2/ReadRecordsRequest.json'), 'utf8');
    const fromText = encodeRequest(decodeRequest(text).request, 3);
    expect(encodeRequest(decodeRequest(Buffer.from(text)).request, 3)).toBe(fromText);
    expect(encodeRequest(decodeRequest(JSON.parse(text) as object).request, 3)).toBe(fromText);
  });
});
