/**
 * Classifies DynamoDB SDK errors into core's closed reason set, as Java's
 * `DDBTableUtils.handleDynamoDBException` does: missing tables → NotFound, throughput and limit
 * errors → Throttled (Athena backs off), access → AccessDenied, other client errors → InvalidInput.
 */
import { ConnectorError } from '@athena-federation/connector-core';

const THROTTLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ThrottlingException',
  'TooManyRequestsException',
]);
const ACCESS_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'MissingAuthenticationTokenException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'KMSAccessDeniedException',
]);
const INPUT_NAMES = new Set(['ValidationException', 'SerializationException', 'InvalidParameterValueException']);
/** Socket-level failures: the SDK may name them `TimeoutError` (a reset) or leave only the code. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const name = (error as SdkErrorShape).name;
  return typeof name === 'string' ? name : '';
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as SdkErrorShape).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** True for DynamoDB throttling (the errors Java's ThrottlingInvoker filter matches, plus generic throttles). */
export function isDynamoDbThrottle(error: unknown): boolean {
  return THROTTLE_NAMES.has(errorName(error));
}

/**
 * The ConnectorError for a DynamoDB failure while doing `action` (e.g. `scanning table Orders`).
 * Messages name the operation and the table, never item data; the SDK error stays as `cause`.
 * Errors that are already ConnectorErrors pass through.
 */
export function classifyDynamoDbError(error: unknown, action: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const name = errorName(error);
  if (name === 'ResourceNotFoundException')
    return new ConnectorError('NotFound', `DynamoDB resource not found while ${action}`, { cause: error });
  if (isDynamoDbThrottle(error))
    return new ConnectorError('Throttled', `DynamoDB is throttling requests while ${action}`, { cause: error });
  if (ACCESS_NAMES.has(name) || httpStatus(error) === 403) {
    return new ConnectorError(
      'AccessDenied',
      `Access to DynamoDB was denied while ${action}; check the Lambda role's dynamodb permissions`,
      { cause: error },
    );
  }
  const code = errorCode(error);
  if (code !== undefined && CONNECTION_CODES.has(code))
    return new ConnectorError('Internal', `The connection to DynamoDB failed (${code}) while ${action}`, {
      cause: error,
    });
  if (name === 'AbortError')
    return new ConnectorError('Timeout', `DynamoDB request was abandoned at the Lambda deadline while ${action}`, {
      cause: error,
    });
  if (name === 'TimeoutError' || name === 'RequestTimeout')
    return new ConnectorError('Timeout', `DynamoDB timed out while ${action}`, { cause: error });
  if (INPUT_NAMES.has(name) || (httpStatus(error) ?? 0) === 400) {
    // DynamoDB's own text can quote expression values (query literals), so it stays in `cause` only.
    return new ConnectorError('InvalidInput', `DynamoDB rejected the request (${name || 'HTTP 400'}) while ${action}`, {
      cause: error,
    });
  }
  return new ConnectorError('Internal', `DynamoDB failed while ${action}`, { cause: error });
}
