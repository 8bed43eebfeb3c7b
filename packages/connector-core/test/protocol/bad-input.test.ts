// Bad input gets a ProtocolError that names the JSON path at fault — never a crash, a hang or a
// half-filled object.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Field, RecordBatch, Schema, Struct, Utf8, makeData } from 'apache-arrow';
import {
  ProtocolError,
  decodeRequest,
  decodeResponse,
  encodeRecordBatchMessage,
  encodeRequest,
  encodeSchemaMessage,
} from '../../src/index.js';

const java = join(import.meta.dirname, '../fixtures/java-sdk/serde');
const spec = join(import.meta.dirname, '../fixtures/spec');
type Doc = Record<string, unknown>;
const load = (path: string): Doc => JSON.parse(readFileSync(path, 'utf8')) as Doc;
const readRecords = (): Doc => load(join(java, 'v2/ReadRecordsRequest.json'));

/** Navigates a JSON document by a dotted/indexed path such as `constraints.summary.col3.ranges[0].low`. */
function at(doc: Doc, path: string): Doc {
  let node: unknown = doc;
  for (const part of path.split(/\.|(?=\[)/)) {
    const index = /^\[(\d+)\]$/.exec(part);
    node = index ? (node as unknown[])[Number(index[1])] : (node as Doc)[part];
  }
  return node as Doc;
}

function expectProtocolError(run: () => unknown, path: string, detail?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'throws').toBeInstanceOf(ProtocolError);
  const error = caught as ProtocolError;
  expect(error.path).toBe(path);
  expect(error.message.startsWith(`${path}: `)).toBe(true);
  if (detail) expect(error.message).toMatch(detail);
}

describe('bad input', () => {
  it('malformed JSON names the offset', () => {
    expectProtocolError(() => decodeRequest('{"@type": "PingRequest",'), '$', /malformed JSON at the end/);
    expectProtocolError(() => decodeRequest('{"@type" "PingRequest"}'), '$', /offset 9/);
    expectProtocolError(() => decodeRequest(''), '$', /malformed JSON/);
    expectProtocolError(() => decodeRequest('[1] x'), '$', /after the JSON document/);
    expectProtocolError(() => decodeRequest(new Uint8Array([0x7b, 0xff, 0x7d])), '$', /UTF-8/);
  });

  it('hostile nesting is refused, not a stack overflow', () => {
    expectProtocolError(() => decodeRequest('['.repeat(100_000)), '$', /nesting deeper/);
  });

  it('a document that is not an object', () => {
    expectProtocolError(() => decodeRequest('[]'), '$', /must be an object/);
    expectProtocolError(() => decodeRequest('null'), '$', /must be an object/);
  });

  it('unknown @type', () => {
    expectProtocolError(
      () => decodeRequest('{"@type":"DropTableRequest"}'),
      '@type',
      /"DropTableRequest" is not a known FederationRequest/,
    );
    expectProtocolError(() => decodeRequest('{"catalogName":"x"}'), '@type', /is missing/);
    const doc = readRecords();
    at(doc, 'constraints.summary.col3')['@type'] = 'FancyRangeSet';
    expectProtocolError(() => decodeRequest(doc), 'constraints.summary.col3.@type', /not a known ValueSet/);
  });

  it('a missing member', () => {
    const doc = readRecords();
    delete doc['catalogName'];
    expectProtocolError(() => decodeRequest(doc), 'catalogName', /is missing/);
    const doc2 = readRecords();
    delete at(doc2, 'split.spillLocation')['bucket'];
    expectProtocolError(() => decodeRequest(doc2), 'split.spillLocation.bucket', /is missing \(must be a string\)/);
  });

  it('a mistyped member', () => {
    const doc = readRecords();
    at(doc, 'split')['properties'] = { month: 11 };
    expectProtocolError(() => decodeRequest(doc), 'split.properties.month', /must be a string, found a number/);
    const doc2 = readRecords();
    doc2['maxBlockSize'] = 1600;
    expectProtocolError(() => decodeRequest(doc2), 'maxBlockSize', /must be a string holding a decimal integer/);
    const doc3 = readRecords();
    at(doc3, 'constraints.summary.col3.ranges[0].low')['bound'] = 'above';
    expectProtocolError(
      () => decodeRequest(doc3),
      'constraints.summary.col3.ranges[0].low.bound',
      /one of "BELOW", "EXACTLY", "ABOVE"/,
    );
  });

  it('an unknown member inside a nested object (Java closes nested objects strictly)', () => {
    const doc = readRecords();
    at(doc, 'tableName')['catalog'] = 'x';
    expectProtocolError(() => decodeRequest(doc), 'tableName.catalog', /not a member of TableName/);
  });

  it('bad base64', () => {
    const doc = readRecords();
    const low = at(doc, 'constraints.summary.col3.ranges[0].low.valueBlock');
    low['records'] = `${String(low['records']).slice(0, -4)}!!!!`;
    expectProtocolError(
      () => decodeRequest(doc),
      'constraints.summary.col3.ranges[0].low.valueBlock.records',
      /not valid base64/,
    );
    const doc2 = readRecords();
    at(doc2, 'split.encryptionKey')['key'] = 'abc';
    expectProtocolError(() => decodeRequest(doc2), 'split.encryptionKey.key', /not valid base64/);
    const doc3 = readRecords();
    at(doc3, 'split.encryptionKey')['nonce'] = 'ab c';
    expectProtocolError(() => decodeRequest(doc3), 'split.encryptionKey.nonce', /not valid base64/);
    const doc4 = readRecords();
    at(doc4, 'split.encryptionKey')['nonce'] = 'AA==AAAA';
    expectProtocolError(() => decodeRequest(doc4), 'split.encryptionKey.nonce', /not valid base64/);
    // The URL-safe alphabet names the same bytes, so it is read (leniently) rather than refused.
    const doc5 = readRecords();
    at(doc5, 'split.encryptionKey')['nonce'] = 'ab-_';
    const { request } = decodeRequest(doc5);
    expect(request['@type'] === 'ReadRecordsRequest' && Array.from(request.split.encryptionKey?.nonce ?? [])).toEqual([
      0x69, 0xbf, 0xbf,
    ]);
  });

  it('truncated or garbage Arrow', () => {
    const truncate = (b64: string, bytes: number) => Buffer.from(b64, 'base64').subarray(0, bytes).toString('base64');
    const doc = readRecords();
    doc['schema'] = truncate(String(doc['schema']), 100);
    expectProtocolError(() => decodeRequest(doc), 'schema', /does not fit|truncated/);
    const doc2 = readRecords();
    const block = at(doc2, 'constraints.summary.col4.valueBlock');
    block['records'] = truncate(String(block['records']), 60);
    expectProtocolError(() => decodeRequest(doc2), 'constraints.summary.col4.valueBlock.records');
    const doc3 = readRecords();
    doc3['schema'] = Buffer.from('not arrow at all, just some text').toString('base64');
    expectProtocolError(() => decodeRequest(doc3), 'schema');
    const doc4 = readRecords();
    const withTail = Buffer.concat([
      Buffer.from(String(at(doc4, 'constraints.summary.col4.valueBlock')['records']), 'base64'),
      Buffer.alloc(8),
    ]);
    at(doc4, 'constraints.summary.col4.valueBlock')['records'] = withTail.toString('base64');
    expectProtocolError(() => decodeRequest(doc4), 'constraints.summary.col4.valueBlock.records', /8 bytes after/);
    // A records message in place of the schema, and vice versa.
    const doc5 = readRecords();
    const valueBlock = at(doc5, 'constraints.summary.col4.valueBlock');
    valueBlock['schema'] = valueBlock['records'];
    expectProtocolError(() => decodeRequest(doc5), 'constraints.summary.col4.valueBlock.schema', /not a schema/);
  });

  it('a Marker block with two rows', () => {
    const doc = readRecords();
    const twoRows = at(load(join(java, 'v2/ReadRecordsResponse.json')), 'records');
    at(doc, 'constraints.summary.col3.ranges[0].low')['valueBlock'] = twoRows;
    expectProtocolError(
      () => decodeRequest(doc),
      'constraints.summary.col3.ranges[0].low.valueBlock',
      /exactly one column|must hold 1 row/,
    );
  });

  it('an Arrow batch whose offsets point past its data', () => {
    const field = new Field('name', new Utf8(), true);
    const bad = makeData({
      type: new Utf8(),
      length: 2,
      nullCount: 0,
      valueOffsets: Int32Array.from([0, 3, 100]),
      data: new TextEncoder().encode('abc'),
    });
    const batch = new RecordBatch(
      new Schema([field]),
      makeData({ type: new Struct([field]), length: 2, nullCount: 0, children: [bad] }),
    );
    const doc = load(join(java, 'v2/ReadRecordsResponse.json'));
    at(doc, 'records')['schema'] = Buffer.from(encodeSchemaMessage(batch.schema, 'continuation')).toString('base64');
    at(doc, 'records')['records'] = Buffer.from(encodeRecordBatchMessage(batch, 'continuation')).toString('base64');
    expectProtocolError(() => decodeResponse(doc, 3), 'records.records', /offsets past the end/);
  });

  it('members of different serde versions in one constraints object', () => {
    const doc = readRecords();
    at(doc, 'constraints')['expression'] = [];
    expectProtocolError(() => decodeRequest(doc), 'constraints.orderByClause', /mixes serde versions/);
  });

  it('ListTablesRequest: pageSize must follow a nextToken (Java leniency only covers both absent)', () => {
    const doc = load(join(java, 'v2/ListTablesRequest.json'));
    delete doc['pageSize'];
    expectProtocolError(() => decodeRequest(doc), 'pageSize', /must follow nextToken/);
    delete doc['nextToken'];
    const { request } = decodeRequest(doc);
    expect(request).toMatchObject({ nextToken: null, pageSize: -1 });
  });

  it('encoding refuses to drop members an older version cannot carry', () => {
    const { request } = decodeRequest(readFileSync(join(spec, 'v4/ReadRecordsRequest.every-function.json'), 'utf8'));
    expectProtocolError(
      () => encodeRequest(request, 3),
      'constraints.expression',
      /cannot be encoded in serDe version 3/,
    );
    const capabilities = decodeRequest(
      readFileSync(join(spec, 'v4/GetDataSourceCapabilitiesRequest.json'), 'utf8'),
    ).request;
    expectProtocolError(() => encodeRequest(capabilities, 3), '$', /does not exist in serDe version 3/);
    expectProtocolError(() => encodeRequest(capabilities, 7), '$', /not supported/);
  });

  it('a capabilities response cannot be read as an older version', () => {
    const text = readFileSync(join(spec, 'v4/GetDataSourceCapabilitiesResponse.json'), 'utf8');
    expectProtocolError(() => decodeResponse(text, 3), '$', /mixes serde versions/);
  });
});
