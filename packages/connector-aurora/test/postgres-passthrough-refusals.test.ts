// system.query on PostgreSQL refuses calls of functions that act on the server (READ ONLY does not
// stop them), however the call is spelled, and leaves alone names that merely look alike. The
// database-level proof (nothing changed, no session ended) is reliability's injection-postgres.
import { ConnectorError } from '@athena-federation/connector-core';
import { describe, expect, it } from 'vitest';
import { postgresPassthroughQuery } from '../src/postgres/postgres-passthrough.js';

const query = (text: string) => postgresPassthroughQuery({ query: text });

describe('system.query server-action refusals', () => {
  it.each([
    ['SELECT pg_terminate_backend(42)', 'pg_terminate_backend'],
    ['SELECT pg_catalog.PG_CANCEL_BACKEND (42)', 'PG_CANCEL_BACKEND'],
    ['SELECT "pg_terminate_backend"(42)', 'pg_terminate_backend'],
    ['SELECT pg_terminate_backend/* a /* nested */ comment */(42)', 'pg_terminate_backend'],
    ['SELECT pg_terminate_backend -- a line comment\n(42)', 'pg_terminate_backend'],
    ["SELECT lo_from_bytea(0, '\\x66')", 'lo_from_bytea'],
    ["SELECT * FROM pg_ls_dir('.')", 'pg_ls_dir'],
    ["SELECT set_config('work_mem', '1GB', false)", 'set_config'],
    ['SELECT pg_advisory_lock(1)', 'pg_advisory_lock'],
    ["SELECT * FROM dblink('dbname=x', 'select 1') AS t(a int)", 'dblink'],
  ])('refuses %s, naming %s', (text, name) => {
    expect(() => query(text)).toThrow(ConnectorError);
    expect(() => query(text)).toThrow(`system.query reads data only: ${name} acts on the server`);
  });

  it('refuses Unicode-escaped identifiers, which could spell a refused name', () => {
    expect(() => query('SELECT U&"pg\\0074erminate_backend"(42)')).toThrow(/Unicode-escaped identifiers/);
  });

  it.each([
    'SELECT lo_limit, hi_limit FROM ranges',
    'SELECT "pg_terminate_backend_count" FROM stats',
    "SELECT 'set_config is a function' AS note",
    'SELECT my_lo_total(amount) FROM claims',
  ])('takes %s', (text) => {
    expect(query(text)).toBe(text);
  });
});
