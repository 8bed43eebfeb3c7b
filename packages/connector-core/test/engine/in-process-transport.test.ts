// The in-process transport stands in for Lambda in local-athena and every test, so it must refuse
// what Lambda refuses: a request document over 6,291,456 bytes never reaches the function
// (RequestEntityTooLargeException), and a response over 6,291,556 bytes becomes the
// `Function.ResponseSizeTooLarge` error Lambda returns in its place. Sizes are UTF-8 bytes, not
// characters, counted on the JSON the runtime would send.
import { describe, expect, it } from 'vitest';
import { LAMBDA_REQUEST_LIMIT_BYTES, LAMBDA_RESPONSE_LIMIT_BYTES } from '../../src/index.js';
import { LambdaInvocationError, LambdaRequestTooLargeError, inProcessTransport } from '../../src/testing/index.js';

/** An object whose compact JSON is `bytes` bytes long: `{"p":"…"}`, padded with `unit` (1 or 2 UTF-8 bytes). */
function documentOf(bytes: number, unit: 'x' | 'é' = 'x'): { p: string } {
  const room = bytes - '{"p":""}'.length;
  const wide = unit === 'é' ? Math.floor(room / 2) : 0;
  return { p: 'é'.repeat(wide) + 'x'.repeat(room - wide * 2) };
}

const byteLength = (value: object) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('inProcessTransport enforces Lambda payload limits', () => {
  it('returns a response of exactly the limit and refuses one byte more, as Lambda does', async () => {
    const fits = documentOf(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(byteLength(fits)).toBe(LAMBDA_RESPONSE_LIMIT_BYTES);
    expect(await inProcessTransport(() => Promise.resolve(fits))({})).toBe(JSON.stringify(fits));

    const error = await inProcessTransport(() => Promise.resolve(documentOf(LAMBDA_RESPONSE_LIMIT_BYTES + 1)))({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    expect((error as LambdaInvocationError).error).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
  });

  it('counts response bytes, not characters', async () => {
    const wide = documentOf(LAMBDA_RESPONSE_LIMIT_BYTES + 2, 'é');
    expect(JSON.stringify(wide).length).toBeLessThan(LAMBDA_RESPONSE_LIMIT_BYTES);
    const error = await inProcessTransport(() => Promise.resolve(wide))({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as LambdaInvocationError).error.errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('delivers a request of exactly the limit and refuses a larger one before the handler runs', async () => {
    let calls = 0;
    const transport = inProcessTransport(() => {
      calls++;
      return Promise.resolve({});
    });
    expect(await transport(documentOf(LAMBDA_REQUEST_LIMIT_BYTES))).toBe('{}');
    expect(calls).toBe(1);
    for (const request of [
      documentOf(LAMBDA_REQUEST_LIMIT_BYTES + 1),
      documentOf(LAMBDA_REQUEST_LIMIT_BYTES + 2, 'é'),
    ]) {
      const error = await transport(request).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LambdaRequestTooLargeError);
      expect(error).toMatchObject({
        name: 'RequestEntityTooLargeException',
        message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      });
    }
    expect(calls).toBe(1);
  });
});
