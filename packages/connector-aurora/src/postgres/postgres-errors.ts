/**
 * Classifies pg (node-postgres) failures into core's closed `ErrorReason` set by SQLSTATE, the
 * way aurora-errors.ts does for MySQL codes. PostgreSQL's messages can quote values and SQL, so
 * only messages written here (naming the SQLSTATE and what the connector was doing) leave the
 * connector; the driver's error stays as `cause`, for logs.
 */
import { ConnectorError, isConnectorError } from '@athena-federation/connector-core';
import type { PostgresConnectionSettings } from './postgres-config.js';

/** SQLSTATEs meaning "the object is not there". */
const NOT_FOUND = new Set(['42P01', '3F000', '42703', '3D000', '42883']);
/** Credentials or privileges. */
const ACCESS_DENIED = new Set(['28000', '28P01', '42501']);
/** Contention or load; trying again later is the right reaction. */
const THROTTLED = new Set(['40001', '40P01', '55P03', '53300', '53400', '57P03']);
/** The statement ran out of time (`statement_timeout`, a cancel). */
const TIMEOUT = new Set(['57014']);
/** Network-level failures: the connection could not be made or was lost mid-query. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT']);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns anything a pg call threw into a ConnectorError. `action` says what the connector was doing
 * and is part of the message. Class 42 (syntax, names) and 22 (data: an overflow the pushed
 * arithmetic hit, as Athena's would) are the request's fault; class 08 and a lost socket are the
 * connection's.
 */
export function classifyPostgresError(error: unknown, action: string): ConnectorError {
  if (isConnectorError(error)) return error;
  const code = codeOf(error);
  const options = { cause: error };
  if (code === undefined) {
    const message = error instanceof Error ? error.message : '';
    // pg reports a dropped socket and a connect timeout without a code.
    if (/Connection terminated|connection timeout/i.test(message))
      return new ConnectorError('Internal', `The connection to PostgreSQL failed while ${action}`, options);
    return new ConnectorError('Internal', `PostgreSQL failed while ${action}`, options);
  }
  if (NOT_FOUND.has(code)) return new ConnectorError('NotFound', `PostgreSQL reports ${code} while ${action}`, options);
  if (ACCESS_DENIED.has(code))
    return new ConnectorError(
      'AccessDenied',
      `PostgreSQL refused access (${code}) while ${action}; check the connection string's user or secret, its grants and pg_hba.conf`,
      options,
    );
  if (THROTTLED.has(code))
    return new ConnectorError('Throttled', `PostgreSQL is busy (${code}) while ${action}`, options);
  if (TIMEOUT.has(code))
    return new ConnectorError('Timeout', `PostgreSQL timed out (${code}) while ${action}`, options);
  if (CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P'))
    return new ConnectorError('Internal', `The connection to PostgreSQL failed (${code}) while ${action}`, options);
  if (code.startsWith('42') || code.startsWith('22') || code === '25006' || code === '0A000')
    return new ConnectorError('InvalidInput', `PostgreSQL rejected the statement (${code}) while ${action}`, options);
  return new ConnectorError('Internal', `PostgreSQL failed (${code}) while ${action}`, options);
}

/**
 * Whether pg's error says the session is gone rather than that the statement failed: the server
 * ended it (57P01 administrator command or shutdown, 57P02 crash), class 08, or the socket dropped.
 */
export function isLostConnection(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return error instanceof Error && /Connection terminated|not queryable/i.test(error.message);
  return code === '57P01' || code === '57P02' || code === 'ECONNRESET' || code === 'EPIPE' || code.startsWith('08');
}

/** pg's message when TLS was asked for and the server answered that it has none. */
export const NO_TLS_OFFERED = 'The server does not support SSL connections';

/**
 * A TLS failure explained with the connection's `sslmode` and what to change, or undefined for any
 * other error. Node's certificate errors name certificates and hosts, never data.
 */
export function postgresTlsFailure(error: unknown, settings: PostgresConnectionSettings): ConnectorError | undefined {
  const where = `${settings.source} (sslmode=${settings.sslMode}, ${settings.host}:${settings.port})`;
  const message = error instanceof Error ? error.message : '';
  const code = codeOf(error) ?? '';
  if (message === NO_TLS_OFFERED)
    return new ConnectorError(
      'AccessDenied',
      `${where}: the PostgreSQL server does not offer TLS; enable ssl on the server, or set sslmode=prefer (TLS when offered) or disable`,
      { cause: error },
    );
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames|does not match/i.test(message))
    return new ConnectorError(
      'AccessDenied',
      `${where}: the server's certificate does not name ${settings.host}; connect by a name the certificate holds, or use sslmode=verify-ca`,
      { cause: error },
    );
  if (/CERT|SELF_SIGNED|ISSUER/.test(code) || /certificate/i.test(message))
    return new ConnectorError(
      'AccessDenied',
      `${where}: the server's certificate is not signed by a trusted CA (${code || message}); trusted are the Amazon RDS CA bundle, Node's CA store and the file in NODE_EXTRA_CA_CERTS`,
      { cause: error },
    );
  return undefined;
}
