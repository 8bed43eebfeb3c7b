/**
 * What a failure looks like in the logs: an Error tree for Powertools' `error` field (name, message,
 * stack, cause), built so that no row value can reach CloudWatch. Our own errors keep their text,
 * which by contract names tables and columns, never values; a driver's or SDK's text may quote data
 * (mysql2 puts the SQL and the offending value in its errors), so only its name, codes and frames
 * are kept.
 */
import { MAX_LAMBDA_ERROR_MESSAGE, isConnectorError } from '../errors.js';

/** Names of the error classes whose messages this project writes, under the no-values rule. */
const OWN_ERRORS: ReadonlySet<string> = new Set([
  'ConnectorError',
  'ProtocolError',
  'ConfigurationError',
  'SpillCryptoError',
  'ValueCoercionError',
]);

/** Properties of foreign errors that identify the failure without holding data (SDK, Node and MySQL codes). */
const SAFE_PROPERTIES = ['code', 'errno', 'syscall', 'sqlState', 'fatal', 'reason', '$fault'] as const;

/** How deep a `cause` chain is followed. */
const MAX_CAUSES = 5;

/** An error as logged; `Error` so that Powertools formats it (name, location, message, stack, cause). */
class LoggedError extends Error {
  constructor(
    name: string,
    message: string,
    stack: string,
    cause: Error | undefined,
    properties: Readonly<Record<string, unknown>>,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    Object.assign(this, properties);
    this.stack = stack;
  }
}

/** A Node system error (`connect ECONNREFUSED 10.0.0.5:3306`): its message names a host or path, not data. */
function isSystemError(error: Error & { code?: unknown; syscall?: unknown }): boolean {
  return typeof error.syscall === 'string' && typeof error.code === 'string' && /^E[A-Z0-9_]+$/.test(error.code);
}

function capped(text: string): string {
  return text.length <= MAX_LAMBDA_ERROR_MESSAGE
    ? text
    : `${text.slice(0, MAX_LAMBDA_ERROR_MESSAGE)}… (${text.length - MAX_LAMBDA_ERROR_MESSAGE} more characters)`;
}

/** The stack's frames under a new first line (V8 starts `stack` with `name: message`, which may hold data). */
function framesUnder(head: string, stack: string | undefined): string {
  if (stack === undefined) return head;
  const firstFrame = stack.search(/\n\s+at /);
  return firstFrame === -1 ? head : head + stack.slice(firstFrame);
}

function loggable(error: unknown, depth: number): Error {
  if (!(error instanceof Error))
    return new LoggedError('NonError', `a thrown ${typeof error}, not an Error`, 'NonError', undefined, {});
  const cause = depth < MAX_CAUSES && error.cause !== undefined ? loggable(error.cause, depth + 1) : undefined;
  const properties: Record<string, unknown> = {};
  const fields = error as Error &
    Partial<Record<(typeof SAFE_PROPERTIES)[number], unknown>> & {
      $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
    };
  for (const key of SAFE_PROPERTIES) {
    const value = fields[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') properties[key] = value;
  }
  if (fields.$metadata !== undefined) properties['httpStatusCode'] = fields.$metadata.httpStatusCode;
  if (fields.$metadata?.requestId !== undefined) properties['awsRequestId'] = fields.$metadata.requestId;
  if (isConnectorError(error) || OWN_ERRORS.has(error.name) || isSystemError(error)) {
    const message = capped(error.message);
    return new LoggedError(
      error.name,
      message,
      framesUnder(`${error.name}: ${message}`, error.stack),
      cause,
      properties,
    );
  }
  const message = `(${error.name}'s message is not logged: it may hold data)`;
  return new LoggedError(error.name, message, framesUnder(error.name, error.stack), cause, properties);
}

/**
 * The error to hand Powertools' logger for `error`, e.g. `logger.error('request failed', attributes,
 * errorForLog(failure))`. Stacks stay (with `--enable-source-maps` they name the TypeScript sources);
 * messages stay only where this project wrote them or Node describes a connection; codes stay.
 */
export function errorForLog(error: unknown): Error {
  return loggable(error, 0);
}
