/** Error classification of mysql2 and Secrets Manager failures, without a database. */
import { describe, expect, it } from 'vitest';
import { classifyMysqlError, classifySecretError } from '../src/index.js';

function driverError(code: string): Error {
  return Object.assign(new Error(`driver text with data 'secret-row-value' for ${code}`), { code });
}

describe('classifyMysqlError', () => {
  it.each([
    ['ER_NO_SUCH_TABLE', 'NotFound'],
    ['ER_BAD_DB_ERROR', 'NotFound'],
    ['ER_ACCESS_DENIED_ERROR', 'AccessDenied'],
    ['ER_TABLEACCESS_DENIED_ERROR', 'AccessDenied'],
    ['ER_LOCK_WAIT_TIMEOUT', 'Throttled'],
    ['ER_LOCK_DEADLOCK', 'Throttled'],
    ['ER_CON_COUNT_ERROR', 'Throttled'],
    ['ER_QUERY_TIMEOUT', 'Timeout'],
    ['ETIMEDOUT', 'Timeout'],
    ['ECONNREFUSED', 'Internal'],
    ['PROTOCOL_CONNECTION_LOST', 'Internal'],
    ['ER_PARSE_ERROR', 'InvalidInput'],
    ['ER_NO_DB_ERROR', 'InvalidInput'],
    ['ER_CANT_AGGREGATE_2COLLATIONS', 'InvalidInput'],
    ['ER_INVALID_CHARACTER_STRING', 'InvalidInput'],
    ['ER_DATA_OUT_OF_RANGE', 'InvalidInput'],
    ['ER_SOMETHING_NEW', 'Internal'],
  ])('%s → %s, with a safe message', (code, reason) => {
    const error = classifyMysqlError(driverError(code), 'reading split');
    expect(error.reason).toBe(reason);
    expect(error.message).toContain(code);
    expect(error.message).toContain('reading split');
    expect(error.message).not.toContain('secret-row-value');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('classifies anything without a code as Internal', () => {
    expect(classifyMysqlError('boom', 'x').reason).toBe('Internal');
    expect(classifyMysqlError(new Error('boom'), 'x').message).not.toContain('boom');
  });

  it('marks throttling and timeouts retryable', () => {
    expect(classifyMysqlError(driverError('ER_LOCK_WAIT_TIMEOUT'), 'x').retryable).toBe(true);
    expect(classifyMysqlError(driverError('ER_NO_SUCH_TABLE'), 'x').retryable).toBe(false);
  });
});

describe('classifySecretError', () => {
  it.each([
    ['ResourceNotFoundException', 'NotFound'],
    ['AccessDeniedException', 'AccessDenied'],
    ['ThrottlingException', 'Throttled'],
    ['InternalServiceError', 'Internal'],
  ])('%s → %s', (name, reason) => {
    const error = Object.assign(new Error('sdk text'), { name });
    expect(classifySecretError(error, 'prod/db').reason).toBe(reason);
    expect(classifySecretError(error, 'prod/db').message).toContain('prod/db');
  });
});
