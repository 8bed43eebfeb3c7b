/**
 * The closed set of reasons a connector request can fail, and how each reaches Athena. Plugins
 * classify their native errors (DynamoDB, MySQL, …) into a reason; core turns it into the Java
 * exception class Athena reacts to, so throttling makes Athena back off instead of failing.
 */

/** Why a request failed. */
export const ErrorReasons = [
  'Throttled',
  'InvalidInput',
  'NotFound',
  'AccessDenied',
  'Unsupported',
  'Timeout',
  'Internal',
] as const;
/** One of {@link ErrorReasons}. */
export type ErrorReason = (typeof ErrorReasons)[number];

/** Java `FederationSourceErrorCode` names, shown in the message so the user sees the same codes as with Java connectors. */
export const SourceErrorCodes: Readonly<Record<ErrorReason, string>> = {
  Throttled: 'ThrottlingException',
  InvalidInput: 'InvalidInputException',
  NotFound: 'EntityNotFoundException',
  AccessDenied: 'AccessDeniedException',
  Unsupported: 'OperationNotSupportedException',
  Timeout: 'OperationTimeoutException',
  Internal: 'InternalServiceException',
};

/** The Java exception classes Athena distinguishes; `errorType` of the Lambda function error. */
export const JavaExceptionTypes = {
  throttle: 'com.amazonaws.athena.connector.lambda.exceptions.FederationThrottleException',
  connector: 'com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException',
} as const;

/** A classified failure. Throw it from a plugin with a message that helps the user; never put row values or secrets in it. */
export class ConnectorError extends Error {
  readonly reason: ErrorReason;

  constructor(reason: ErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConnectorError';
    this.reason = reason;
  }

  /** Whether trying again later may succeed (throttling and timeouts). */
  get retryable(): boolean {
    return this.reason === 'Throttled' || this.reason === 'Timeout';
  }
}

/** True for a {@link ConnectorError}, also across package copies. */
export function isConnectorError(error: unknown): error is ConnectorError {
  return (
    error instanceof ConnectorError ||
    (error instanceof Error &&
      error.name === 'ConnectorError' &&
      typeof (error as { reason?: unknown }).reason === 'string')
  );
}

/**
 * Normalises anything thrown into a ConnectorError. Unclassified errors become `Internal` with a
 * generic message, because their text (a driver's message, a stack) may carry data or secrets;
 * the original stays available as `cause` for logs.
 */
export function toConnectorError(error: unknown, context?: string): ConnectorError {
  if (isConnectorError(error)) return error;
  const where = context === undefined ? '' : ` while ${context}`;
  return new ConnectorError('Internal', `The connector failed unexpectedly${where}`, { cause: error });
}

/**
 * Longest message sent to Athena. Messages echo request values (a table name, a token); a request
 * carrying megabytes would otherwise get them back in an error larger than Lambda's 6 MB response
 * limit, which Athena would see as a runtime failure instead of this error.
 */
export const MAX_LAMBDA_ERROR_MESSAGE = 4096;

/**
 * The error the Lambda runtime reports to Athena for `error`: its `name` becomes `errorType`
 * (the Java class Athena reacts to), and its stack is cut to the message so no internal frames leave.
 * A message past {@link MAX_LAMBDA_ERROR_MESSAGE} is cut, saying how much was left out.
 */
export function toLambdaError(error: ConnectorError): Error {
  const full = `[${SourceErrorCodes[error.reason]}] ${error.message}`;
  const wire = new Error(
    full.length <= MAX_LAMBDA_ERROR_MESSAGE
      ? full
      : `${full.slice(0, MAX_LAMBDA_ERROR_MESSAGE - 40)}… (${full.length - (MAX_LAMBDA_ERROR_MESSAGE - 40)} more characters)`,
  );
  wire.name = error.reason === 'Throttled' ? JavaExceptionTypes.throttle : JavaExceptionTypes.connector;
  wire.stack = `${wire.name}: ${wire.message}`;
  return wire;
}
