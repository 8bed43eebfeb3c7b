/**
 * Lambda's synchronous payload quotas, in the bytes the service counts (the JSON document), and the
 * one encode that every handler answers through: a response over the limit becomes an error that
 * names it, instead of a payload the Lambda service refuses after the work is done.
 */
import { ConnectorError } from '../errors.js';
import { encodeResponseDocument, encodedResponseBytes } from '../protocol/codec.js';
import { DocumentTooLargeError } from '../protocol/protocol-error.js';
import type { FederationResponse } from '../protocol/types.js';

/**
 * Largest response document Lambda returns from a synchronous invocation; past it the caller gets
 * `Function.ResponseSizeTooLarge` ("exceeded maximum allowed payload size (6291556 bytes)").
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_556;

/**
 * Largest request document Lambda accepts for a synchronous invocation (6 MiB); past it Invoke fails
 * with `RequestEntityTooLargeException` (HTTP 413) and the function never runs.
 */
export const LAMBDA_REQUEST_LIMIT_BYTES = 6_291_456;

/** What the user can do about a response of this type being too large. */
function remedy(type: FederationResponse['@type']): string {
  switch (type) {
    case 'GetSplitsResponse':
      return 'return fewer splits per page (with a continuationToken) or smaller split properties';
    case 'ListTablesResponse':
      return 'return fewer tables per page (with a nextToken)';
    case 'GetTableLayoutResponse':
      return 'the table has more partitions than one response can carry; partition it more coarsely';
    default:
      return 'the connector must answer in smaller pieces';
  }
}

/**
 * Encodes `response` for the Lambda runtime (its JSON text and UTF-8 size); over
 * {@link LAMBDA_RESPONSE_LIMIT_BYTES} it throws a ConnectorError saying so.
 */
export function encodeLambdaResponse(
  response: FederationResponse,
  serDeVersion: number,
): { readonly text: string; readonly bytes: number } {
  try {
    return encodeResponseDocument(response, serDeVersion, LAMBDA_RESPONSE_LIMIT_BYTES);
  } catch (error) {
    if (!(error instanceof DocumentTooLargeError)) throw error;
    // A spilled answer repeats the request's schema; a schema of megabytes leaves no room for the
    // spill locations, and that is the request's doing, not the connector's.
    if (response['@type'] === 'RemoteReadRecordsResponse') {
      const echoed = encodedResponseBytes({ ...response, remoteBlocks: [] }, serDeVersion);
      if (echoed > error.maxBytes / 2) {
        throw new ConnectorError(
          'InvalidInput',
          `The ReadRecordsRequest's schema is ${echoed} bytes as JSON and its answer must repeat it: with the spill locations the answer is ${error.bytes} bytes, more than the ${error.maxBytes} bytes a Lambda response may hold; request fewer or shorter columns`,
          { cause: error },
        );
      }
    }
    throw new ConnectorError(
      'Internal',
      `The ${response['@type']} is ${error.bytes} bytes as JSON, more than the ${error.maxBytes} bytes a Lambda response may hold: ${remedy(response['@type'])}`,
      { cause: error },
    );
  }
}
