// Classification of DynamoDB SDK errors into core's reasons (Java's handleDynamoDBException table).
import { ConnectorError } from '@athena-federation/connector-core';
import { describe, expect, it } from 'vitest';
import { classifyDynamoDbError, isDynamoDbThrottle } from '../src/index.js';

function sdkError(name: string, status?: number, message = 'details with :v0 = secret'): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, status === undefined ? {} : { $metadata: { httpStatusCode: status } });
}

describe('classifyDynamoDbError', () => {
  it.each([
    ['ResourceNotFoundException', 400, 'NotFound'],
    ['ProvisionedThroughputExceededException', 400, 'Throttled'],
    ['RequestLimitExceeded', 400, 'Throttled'],
    ['LimitExceededException', 400, 'Throttled'],
    ['ThrottlingException', 400, 'Throttled'],
    ['AccessDeniedException', 400, 'AccessDenied'],
    ['UnrecognizedClientException', 400, 'AccessDenied'],
    ['SomethingForbidden', 403, 'AccessDenied'],
    ['ValidationException', 400, 'InvalidInput'],
    ['SomeOtherClientError', 400, 'InvalidInput'],
    ['TimeoutError', undefined, 'Timeout'],
    ['AbortError', undefined, 'Timeout'],
    ['InternalServerError', 500, 'Internal'],
  ] as const)('%s (HTTP %s) → %s', (name, status, reason) => {
    // Act
    const error = classifyDynamoDbError(sdkError(name, status), 'scanning DynamoDB table Orders');
    // Assess
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.reason).toBe(reason);
    expect(error.message).toContain('scanning DynamoDB table Orders');
    expect(error.message).not.toContain('secret');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('passes ConnectorErrors through and survives non-errors', () => {
    const original = new ConnectorError('NotFound', 'Table x does not exist');
    expect(classifyDynamoDbError(original, 'x')).toBe(original);
    expect(classifyDynamoDbError('boom', 'listing').reason).toBe('Internal');
    expect(classifyDynamoDbError(null, 'listing').reason).toBe('Internal');
  });

  it('recognises throttles for the AIMD invoker', () => {
    expect(isDynamoDbThrottle(sdkError('ProvisionedThroughputExceededException'))).toBe(true);
    expect(isDynamoDbThrottle(sdkError('ValidationException'))).toBe(false);
    expect(isDynamoDbThrottle(undefined)).toBe(false);
  });
});
