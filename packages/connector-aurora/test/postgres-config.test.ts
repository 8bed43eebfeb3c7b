/** PostgreSQL connection strings as Java's athena-postgresql takes them, and engine routing per catalog. */
import { ConfigurationError } from '@athena-federation/connector-core';
import { describe, expect, it } from 'vitest';
import {
  catalogEngine,
  connectionFor,
  loadAuroraConfig,
  parsePostgresConnectionString,
  postgresConnectionFor,
} from '../src/index.js';

describe('parsePostgresConnectionString', () => {
  it('reads host, port, database, inline credentials, sslmode and the timeout in seconds', () => {
    expect(
      parsePostgresConnectionString(
        'default',
        'postgres://jdbc:postgresql://pg.example.com:5433/ehr?user=admin&password=p%40ss+word&sslmode=verify-full&connectTimeout=5',
      ),
    ).toEqual({
      source: 'default',
      host: 'pg.example.com',
      port: 5433,
      database: 'ehr',
      user: 'admin',
      password: 'p@ss+word',
      secretName: undefined,
      sslMode: 'verify-full',
      connectTimeoutMs: 5000,
    });
  });

  it('takes the first ${SecretName} out of the URL and defaults to port 5432 and sslmode=prefer', () => {
    expect(parsePostgresConnectionString('x', 'postgres://jdbc:postgresql://h/db?${prod/pg-creds}')).toMatchObject({
      host: 'h',
      port: 5432,
      database: 'db',
      secretName: 'prod/pg-creds',
      sslMode: 'prefer',
      user: undefined,
      connectTimeoutMs: 10_000,
    });
  });

  it.each([
    ['sslmode=disable', 'disable'],
    ['sslmode=ALLOW', 'allow'],
    ['sslmode=require', 'require'],
    ['sslmode=verify-ca', 'verify-ca'],
    ['ssl=true', 'verify-full'],
    ['ssl=false', 'prefer'],
    ['ssl=true&sslmode=require', 'require'],
  ])("reads '%s' as sslmode %s (libpq's values; pgjdbc's ssl=true is verify-full)", (tail, mode) => {
    expect(parsePostgresConnectionString('default', `postgres://jdbc:postgresql://h/db?user=u&${tail}`).sslMode).toBe(
      mode,
    );
  });

  it.each([
    [
      'postgres://jdbc:postgresql://h/db?password=secret-password&sslmode=sometimes',
      /sslmode must be one of disable, allow, prefer/,
    ],
    ['postgres://jdbc:postgresql://h/db?ssl=maybe', /ssl must be true or false/],
    ['postgres://jdbc:mysql://h/db', /jdbc:postgresql:\/\//],
    ['postgres://jdbc:postgresql://h:70000/db', /port/],
    ['postgres://jdbc:postgresql://a,b/db', /several hosts/],
    ['postgres://jdbc:postgresql://h/db?connectTimeout=1e3', /connectTimeout must be a positive number of seconds/],
    ['postgres://jdbc:postgresql://h/%E0%A4%A', /database name/],
  ])('refuses %s naming the variable', (text, why) => {
    let thrown: unknown;
    try {
      parsePostgresConnectionString('ehr_connection_string', text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(String((thrown as Error).message)).toMatch(/ehr_connection_string/);
    expect(String((thrown as Error).message)).toMatch(why);
    // The password never appears in a message.
    expect(String((thrown as Error).message)).not.toMatch(/secret-password/);
  });
});

describe('one function, MySQL and PostgreSQL catalogs side by side', () => {
  const env = {
    default: 'mysql://jdbc:mysql://mysql.example.com:3306/claims?user=a',
    ehr_connection_string: 'postgres://jdbc:postgresql://pg.example.com/ehr?user=b',
    billing_connection_string: 'mysql://jdbc:mysql://billing.example.com/b?user=c',
    AWS_LAMBDA_FUNCTION_NAME: 'fed',
  };

  it('routes each catalog to the engine of its connection string', () => {
    const config = loadAuroraConfig(env);
    expect(catalogEngine(config, 'ehr')).toBe('postgresql');
    expect(catalogEngine(config, 'billing')).toBe('mysql');
    expect(catalogEngine(config, 'default')).toBe('mysql');
    expect(catalogEngine(config, 'lambda:fed')).toBe('mysql');
    expect(catalogEngine(config, 'unknown')).toBeUndefined();
    expect(postgresConnectionFor(config, 'ehr')?.host).toBe('pg.example.com');
    expect(connectionFor(config, 'ehr')).toBeUndefined();
    expect(postgresConnectionFor(config, 'billing')).toBeUndefined();
  });

  it('lets default be PostgreSQL, serving every catalog without multiplexing', () => {
    const config = loadAuroraConfig({ default: 'postgres://jdbc:postgresql://pg/ehr?user=b' });
    expect(catalogEngine(config, 'any_catalog')).toBe('postgresql');
    expect(connectionFor(config, 'any_catalog')).toBeUndefined();
  });

  it('names both formats when default is missing', () => {
    expect(() => loadAuroraConfig({})).toThrow(/default.*mysql:\/\/jdbc:mysql.*postgres:\/\/jdbc:postgresql/);
  });

  it('reads default_scale (Java) for unbounded NUMERIC, 0 by default, at most 38', () => {
    expect(loadAuroraConfig(env).defaultScale).toBe(0);
    expect(loadAuroraConfig({ ...env, default_scale: '6' }).defaultScale).toBe(6);
    expect(() => loadAuroraConfig({ ...env, default_scale: '39' })).toThrow(/default_scale/);
  });

  it('forces TLS for IAM database authentication: prefer and allow become require, disable is refused', () => {
    const iam = { iam_database_authentication: 'true', AWS_REGION: 'us-east-1' };
    const modeOf = (tail: string) =>
      loadAuroraConfig({ ...iam, default: `postgres://jdbc:postgresql://pg/ehr?user=u${tail}` }).postgresCatalogs.get(
        'default',
      )?.sslMode;
    expect(modeOf('')).toBe('require');
    expect(modeOf('&sslmode=allow')).toBe('require');
    expect(modeOf('&sslmode=verify-full')).toBe('verify-full');
    expect(loadAuroraConfig({ ...env, ...iam }).iamAuthentication).toEqual({ region: 'us-east-1' });
    expect(() =>
      loadAuroraConfig({ ...env, ...iam, ehr_connection_string: `${env['ehr_connection_string']}&sslmode=disable` }),
    ).toThrow(/ehr_connection_string.*disables TLS/);
    expect(() => loadAuroraConfig({ ...iam, default: 'postgres://jdbc:postgresql://pg/ehr' })).toThrow(
      /default.*needs user=/,
    );
    // A secret names the user.
    expect(
      loadAuroraConfig({ ...iam, default: 'postgres://jdbc:postgresql://pg/ehr?${pg_secret}' }).iamAuthentication,
    ).toEqual({ region: 'us-east-1' });
  });
});
