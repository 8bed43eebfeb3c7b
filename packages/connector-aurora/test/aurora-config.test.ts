/** Connection-string and environment parsing, Java's formats and names. */
import { ConfigurationError } from '@athena-federation/connector-core';
import { describe, expect, it } from 'vitest';
import { connectionFor, loadAuroraConfig, parseConnectionString } from '../src/index.js';

describe('parseConnectionString', () => {
  it('reads host, port, database, inline credentials and TLS/timeouts', () => {
    const parsed = parseConnectionString(
      'default',
      'mysql://jdbc:mysql://db.example.com:3307/sales?user=admin&password=p%40ss+word&sslMode=verify_identity&connectTimeout=5000',
    );
    expect(parsed).toMatchObject({
      host: 'db.example.com',
      port: 3307,
      database: 'sales',
      user: 'admin',
      password: 'p@ss+word',
      sslMode: 'VERIFY_IDENTITY',
      connectTimeoutMs: 5000,
      secretName: undefined,
    });
  });

  it('takes the first ${SecretName} out of the URL', () => {
    const parsed = parseConnectionString(
      'default',
      'mysql://jdbc:mysql://h/db?${prod/aurora:creds_1+=.@-}&useSSL=false',
    );
    expect(parsed).toMatchObject({
      host: 'h',
      port: 3306,
      secretName: 'prod/aurora:creds_1+=.@-',
      sslMode: 'DISABLED',
      user: undefined,
    });
    expect(parseConnectionString('x', 'mysql://jdbc:mysql://h:1/db?user=a&${s}').secretName).toBe('s');
  });

  it.each([
    ['', 'PREFERRED'],
    ['sslMode=required', 'REQUIRED'],
    ['sslMode=VERIFY_CA&useSSL=false', 'VERIFY_CA'],
    ['useSSL=false', 'DISABLED'],
    ['useSSL=false&requireSSL=true&verifyServerCertificate=true', 'DISABLED'],
    ['useSSL=true', 'PREFERRED'],
    ['useSSL=TRUE&requireSSL=false', 'PREFERRED'],
    ['requireSSL=true', 'REQUIRED'],
    ['useSSL=yes&requireSSL=true', 'REQUIRED'],
    ['verifyServerCertificate=true', 'VERIFY_CA'],
    ['useSSL=true&requireSSL=true&verifyServerCertificate=true', 'VERIFY_CA'],
  ])("translates '%s' to sslMode %s as Connector/J does", (tail, mode) => {
    expect(parseConnectionString('default', `mysql://jdbc:mysql://h/db?user=u&${tail}`).sslMode).toBe(mode);
  });

  it.each([
    ['mysql://jdbc:mysql://h/db?useSSL=maybe', /useSSL must be true or false/],
    ['postgres://jdbc:postgresql://h/db', /engine prefix/],
    ['mysql://h:3306/db', /jdbc:mysql/],
    ['mysql://jdbc:mysql://h:99999/db', /port/],
    ['mysql://jdbc:mysql://a,b/db', /several hosts/],
    ['mysql://jdbc:mysql://h/db?sslMode=sometimes', /sslMode/],
  ])('refuses %s', (text, why) => {
    expect(() => parseConnectionString('default', text)).toThrow(ConfigurationError);
    expect(() => parseConnectionString('default', text)).toThrow(why);
  });

  it('never echoes the password in an error', () => {
    expect(() => parseConnectionString('default', 'mysql://jdbc:mysql://h:0/db?password=topsecret')).not.toThrow(
      /topsecret/,
    );
  });
});

describe('loadAuroraConfig', () => {
  it('requires default', () => {
    expect(() => loadAuroraConfig({})).toThrow(/default is required/);
  });

  it('registers <catalog>_connection_string catalogs and routes like Java', () => {
    const settings = loadAuroraConfig({
      default: 'mysql://jdbc:mysql://d/db',
      sales_connection_string: 'mysql://jdbc:mysql://s/db',
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
    });
    expect(settings.multiplexed).toBe(true);
    expect(connectionFor(settings, 'sales')?.host).toBe('s');
    expect(connectionFor(settings, 'lambda:fn')?.host).toBe('d');
    expect(connectionFor(settings, 'other')).toBeUndefined();
    const single = loadAuroraConfig({ default: 'mysql://jdbc:mysql://d/db' });
    expect(connectionFor(single, 'anything')?.host).toBe('d');
  });

  it('reads the numeric options and checks them', () => {
    const settings = loadAuroraConfig({
      default: 'mysql://jdbc:mysql://d/db',
      target_rows_per_split: '5000',
      max_splits_per_table: '7',
      pool_connection_limit: '2',
      secret_cache_ttl_seconds: '30',
      decimal_precision_overflow: 'VARCHAR',
    });
    expect(settings).toMatchObject({
      targetRowsPerSplit: 5000,
      maxSplitsPerTable: 7,
      poolConnectionLimit: 2,
      secretCacheTtlMs: 30_000,
      decimalOverflow: 'varchar',
    });
    expect(() => loadAuroraConfig({ default: 'mysql://jdbc:mysql://d/db', target_rows_per_split: '0' })).toThrow(
      /target_rows_per_split/,
    );
    // Decimal digits only, as Java parses them: Number() alone would take these.
    for (const text of ['0x10', '1e3', '0b11', '12.0']) {
      expect(() => loadAuroraConfig({ default: 'mysql://jdbc:mysql://d/db', max_splits_per_table: text })).toThrow(
        /max_splits_per_table/,
      );
      expect(() => loadAuroraConfig({ default: `mysql://jdbc:mysql://d/db?connectTimeout=${text}` })).toThrow(
        /connectTimeout/,
      );
    }
  });
});
