/**
 * Classifies mysql2 and Secrets Manager failures into core's closed `ErrorReason` set, so Athena
 * backs off on lock waits and users see a helpful message. Driver messages can quote data or SQL,
 * so only messages we write ourselves (naming the MySQL error code) ever leave the connector.
 */
import { ConnectorError, isConnectorError } from '@athena-federation/connector-core';

/** The fields of a mysql2 error this module reads (mysql2 sets `code`, `errno`, `fatal`). */
interface DriverErrorLike {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly fatal?: unknown;
}

/** MySQL server error codes that mean "the object is not there". */
const NOT_FOUND = new Set([
  'ER_NO_SUCH_TABLE',
  'ER_BAD_DB_ERROR',
  'ER_BAD_TABLE_ERROR',
  'ER_BAD_FIELD_ERROR',
  'ER_UNKNOWN_TABLE',
]);
/** Credentials or privileges. */
const ACCESS_DENIED = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR',
]);
/** Contention the server reports; trying again later is the right reaction. */
const THROTTLED = new Set([
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_USER_LIMIT_REACHED',
]);
/** The statement ran out of time (max_execution_time, client timeouts). */
const TIMEOUT = new Set([
  'ER_QUERY_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_STATEMENT_TIMEOUT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ETIMEDOUT',
]);
/** The statement itself is wrong (passthrough queries are the user's SQL). */
/**
 * Errors caused by what the request asked for (a passthrough statement without a database, a name
 * or literal MySQL cannot represent in the connection's character set, mixed collations) rather
 * than by the connector or the server.
 */
const INVALID_INPUT = new Set([
  'ER_SYNTAX_ERROR',
  'ER_DUP_FIELDNAME',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
  'ER_WRONG_USAGE',
  'ER_UNSUPPORTED_PS',
  'ER_OPERAND_COLUMNS',
  'ER_NO_DB_ERROR',
  'ER_INVALID_CHARACTER_STRING',
  'ER_CANT_AGGREGATE_2COLLATIONS',
  'ER_CANT_AGGREGATE_3COLLATIONS',
  'ER_CANT_AGGREGATE_NCOLLATIONS',
  'ER_WRONG_DB_NAME',
  'ER_WRONG_TABLE_NAME',
  'ER_WRONG_COLUMN_NAME',
  'ER_TOO_LONG_IDENT',
  // The query's own arithmetic overflowed (a pushed BIGINT expression), as it would in Athena.
  'ER_DATA_OUT_OF_RANGE',
]);
/** Network-level failures: the connection could not be made or was lost mid-query. */
const CONNECTION = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'HANDSHAKE_SSL_ERROR',
  'ER_NET_READ_INTERRUPTED',
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as DriverErrorLike).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns anything a MySQL call threw into a ConnectorError. `action` says what the connector was
 * doing ("reading split", "listing tables of schema `x`") and is part of the message; the driver's
 * own message is kept only as `cause`, for logs.
 */
export function classifyMysqlError(error: unknown, action: string): ConnectorError {
  if (isConnectorError(error)) return error;
  const code = codeOf(error);
  const options = { cause: error };
  if (code === undefined) return new ConnectorError('Internal', `MySQL failed while ${action}`, options);
  if (NOT_FOUND.has(code)) return new ConnectorError('NotFound', `MySQL reports ${code} while ${action}`, options);
  if (ACCESS_DENIED.has(code))
    return new ConnectorError(
      'AccessDenied',
      `MySQL refused access (${code}) while ${action}; check the connection string's user or secret and its grants`,
      options,
    );
  if (THROTTLED.has(code)) return new ConnectorError('Throttled', `MySQL is busy (${code}) while ${action}`, options);
  if (TIMEOUT.has(code)) return new ConnectorError('Timeout', `MySQL timed out (${code}) while ${action}`, options);
  if (CONNECTION.has(code))
    return new ConnectorError('Internal', `The connection to MySQL failed (${code}) while ${action}`, options);
  if (INVALID_INPUT.has(code) || code.startsWith('ER_PARSE'))
    return new ConnectorError('InvalidInput', `MySQL rejected the statement (${code}) while ${action}`, options);
  return new ConnectorError('Internal', `MySQL failed (${code}) while ${action}`, options);
}

/**
 * Classifies a Secrets Manager failure. The secret's name is safe to show (it is in the
 * connection string); its value never is, and the SDK's messages do not carry it.
 */
export function classifySecretError(error: unknown, secretName: string): ConnectorError {
  if (isConnectorError(error)) return error;
  const name = error instanceof Error ? error.name : '';
  const options = { cause: error };
  if (name === 'ResourceNotFoundException')
    return new ConnectorError(
      'NotFound',
      `Secret ${JSON.stringify(secretName)} does not exist in Secrets Manager`,
      options,
    );
  if (name === 'AccessDeniedException' || name === 'AccessDenied')
    return new ConnectorError(
      'AccessDenied',
      `Not allowed to read secret ${JSON.stringify(secretName)} (secretsmanager:GetSecretValue)`,
      options,
    );
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException')
    return new ConnectorError(
      'Throttled',
      `Secrets Manager throttled reading secret ${JSON.stringify(secretName)}`,
      options,
    );
  return new ConnectorError(
    'Internal',
    `Reading secret ${JSON.stringify(secretName)} from Secrets Manager failed`,
    options,
  );
}
