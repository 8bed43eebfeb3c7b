// Scalar UDFs over the wire: the Java SDK's own UDF vector (factor1 × factor2 → product) answered by
// a TypeScript function, compared with the Java response vector.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnValues, createUdfHandler, decodeResponse, readRows } from '../../src/index.js';
import { LambdaInvocationError, inProcessTransport } from '../../src/testing/index.js';

const vectors = join(import.meta.dirname, '../fixtures/java-sdk/serde/v2');
const request = JSON.parse(readFileSync(join(vectors, 'UserDefinedFunctionRequest.json'), 'utf8')) as object;
const expected = decodeResponse(readFileSync(join(vectors, 'UserDefinedFunctionResponse.json'), 'utf8'), 2);

const handler = createUdfHandler({
  'test-method': (columns) => {
    const [a = [], b = []] = columns.map(columnValues);
    return a.map((x, i) => (x === null || b[i] === null ? null : (x as number) * (b[i] as number)));
  },
});

describe('createUdfHandler', () => {
  it('answers the Java UDF vector in the Java response schema (the Java response vector holds other rows, so values are checked by hand)', async () => {
    const answer = decodeResponse(await inProcessTransport(handler)(request), 6);
    if (answer['@type'] !== 'UserDefinedFunctionResponse' || expected['@type'] !== 'UserDefinedFunctionResponse')
      throw new Error('wrong response type');
    expect(answer.methodName).toBe('test-method');
    expect(answer.records.schema.fields.map((f) => [f.name, String(f.type)])).toEqual(
      expected.records.schema.fields.map((f) => [f.name, String(f.type)]),
    );
    expect(readRows(answer.records.records)).toEqual([[6]]);
  });

  it('names an unknown function and refuses data requests', async () => {
    const unknown = { ...request, methodName: 'nope' };
    const error = await inProcessTransport(handler)(unknown).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error.errorMessage).toMatch(
      /EntityNotFoundException.*No function named nope.*test-method/,
    );
  });
});
