// Configuration fuzz: generated environments for core's handler and both connectors' loaders.
// Every environment either loads, with each value read exactly as written, or fails at cold start
// with a ConfigurationError naming a variable that is actually wrong — judged by rules written here
// from the documentation (S3 bucket naming, Java's number parsing, the documented ranges), not by
// the loaders' own code. Connection-string errors never quote the password.
import { loadAuroraSettings } from '@athena-federation/connector-aurora';
import {
  ConfigurationError,
  CasingModes,
  createLambdaHandler,
  loadHandlerConfig,
  type HandlerConfig,
} from '@athena-federation/connector-core';
import { createReferenceConnector } from '@athena-federation/connector-core/testing';
import { loadDynamoDbConfig } from '@athena-federation/connector-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANARY_SECRET } from './support/sentinels.js';

/** Environments per loader per run (CONFIG_FUZZ_RUNS overrides). */
const RUNS = Number(process.env['CONFIG_FUZZ_RUNS'] ?? 2_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);

type Env = Record<string, string>;

/** A variable's value, labelled with whether the documented rules allow it. */
interface Setting {
  readonly text: string;
  readonly valid: boolean;
}

const setting = (valid: fc.Arbitrary<string>, invalid: fc.Arbitrary<string>): fc.Arbitrary<Setting> =>
  fc.oneof(
    { weight: 3, arbitrary: valid.map((text) => ({ text, valid: true })) },
    { weight: 1, arbitrary: invalid.map((text) => ({ text, valid: false })) },
  );

/** S3 general-purpose bucket naming rules, from the S3 user guide. */
function isBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

const bucketChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789.-'.split(''));
const bucketCandidate = fc.oneof(
  fc.string({ unit: bucketChars, minLength: 1, maxLength: 70 }),
  fc.constantFrom(
    'Not_A_Bucket',
    '192.168.1.1',
    'xn--bucket',
    'my..bucket',
    'bucket-s3alias',
    'ab',
    'a'.repeat(64),
    '-bucket',
    'bucket.',
    'sthree-x',
    'bucket--x-s3',
    'spill bucket',
    'spill/bucket',
  ),
);
const bucket = bucketCandidate.map((text) => ({ text, valid: isBucketName(text) }));

/** Java's Long.parseLong / Integer.parseInt syntax (optional sign, decimal digits) within the documented range; no `max` = unbounded. */
const integerText = (min: number, max?: number) =>
  setting(
    fc.integer({ min, max: max ?? min + 10_000_000 }).map(String),
    fc.oneof(
      ...(max === undefined ? [] : [fc.integer({ min: max + 1, max: max + 1_000_000 }).map(String)]),
      fc.integer({ min: min - 1_000_000, max: min - 1 }).map(String),
      fc.constantFrom('16MB', '0x10', '1e3', '1.5', 'NaN', 'Infinity', '--1', '1_000', 'ten', '9'.repeat(30)),
    ),
  );

const flagText = setting(
  fc.constantFrom('true', 'false', 'TRUE', 'False', ' true '),
  fc.constantFrom('yes', 'no', '1', '0', 'on', 'truee', 'null'),
);

const handlerEnv = fc.record(
  {
    spill_bucket: bucket,
    spill_prefix: setting(
      fc.constantFrom('athena-spill', 'a/b/c', 'tenant-1/spill', 'x'),
      fc.constantFrom('/leading', 'trailing/', 'a//b', 'a/../b', './a', '/'),
    ),
    kms_key_id: setting(
      fc.constantFrom('alias/spill', 'arn:aws:kms:us-east-1:123456789012:key/abc'),
      fc.constant(''),
    ).filter((s) => s.valid),
    disable_spill_encryption: flagText,
    enable_query_passthrough: flagText,
    spill_put_request_headers: setting(
      fc.constantFrom(
        '{"ServerSideEncryption":"aws:kms"}',
        '{"x-amz-server-side-encryption":"AES256"}',
        '{}',
        '{"StorageClass":"STANDARD_IA","SSEKMSKeyId":"k"}',
      ),
      fc.constantFrom(
        '{bad json',
        '{"a":1}',
        '[]',
        '"text"',
        'null',
        '{"Bucket":"attacker"}',
        '{"Key":"elsewhere"}',
        '{"Authorization":"x"}',
        '{"host":"evil"}',
        '{"content-length":"1"}',
        '{"BucketKeyEnabled":"maybe"}',
      ),
    ),
    MAX_BLOCK_SIZE_BYTES: integerText(1),
    throttle_initial_delay_ms: integerText(0),
    throttle_max_delay_ms: integerText(0),
    throttle_increase_ms: integerText(1),
    throttle_decrease_factor: setting(
      fc.double({ min: 0.001, max: 1, noNaN: true }).map(String),
      fc.constantFrom('2', '-0.1', '0', '0.0009', 'half', '0x1', 'NaN', '1/2'),
    ),
    spill_queue_capacity: integerText(1, 64),
    casing_mode: setting(
      fc.constantFrom(...CasingModes, ...CasingModes.map((m) => m.toLowerCase())),
      fc.constantFrom('snake', 'CAMEL', 'lower case', 'NONE,LOWER', 'insensitive'),
    ),
  },
  { requiredKeys: [] },
);

function envOf(settings: Record<string, Setting | undefined>): Env {
  return Object.fromEntries(Object.entries(settings).flatMap(([name, s]) => (s === undefined ? [] : [[name, s.text]])));
}

function thrown(load: () => unknown): unknown {
  try {
    load();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('handler configuration fuzz', () => {
  it(`loads ${RUNS} generated environments exactly or refuses them naming a variable that is wrong`, () => {
    let refused = 0;
    fc.assert(
      fc.property(handlerEnv, (settings) => {
        const env = envOf(settings);
        const wrong = new Set(
          Object.entries(settings).flatMap(([name, s]) => (s !== undefined && !s.valid ? [name] : [])),
        );
        const initial =
          settings.throttle_initial_delay_ms?.valid === false
            ? undefined
            : Number(settings.throttle_initial_delay_ms?.text ?? 10);
        const max =
          settings.throttle_max_delay_ms?.valid === false
            ? undefined
            : Number(settings.throttle_max_delay_ms?.text ?? 1000);
        if (initial !== undefined && max !== undefined && initial > max) wrong.add('throttle_initial_delay_ms');
        const error = thrown(() => loadHandlerConfig(env));
        if (wrong.size === 0) {
          expect(error).toBeUndefined();
          const config: HandlerConfig = loadHandlerConfig(env);
          if (settings.spill_bucket !== undefined) expect(config.spillBucket).toBe(settings.spill_bucket.text);
          if (settings.MAX_BLOCK_SIZE_BYTES !== undefined)
            expect(config.maxBlockSizeBytes).toBe(Number(settings.MAX_BLOCK_SIZE_BYTES.text));
          if (settings.spill_queue_capacity !== undefined)
            expect(config.spillConcurrency).toBe(Number(settings.spill_queue_capacity.text));
          if (settings.throttle_decrease_factor !== undefined)
            expect(config.throttle.decreaseFactor).toBe(Number(settings.throttle_decrease_factor.text));
          if (settings.casing_mode !== undefined)
            expect(config.casingMode).toBe(settings.casing_mode.text.toUpperCase());
          if (settings.disable_spill_encryption !== undefined)
            expect(config.disableSpillEncryption).toBe(
              settings.disable_spill_encryption.text.trim().toLowerCase() === 'true',
            );
        } else {
          refused++;
          expect(error).toBeInstanceOf(ConfigurationError);
          const variable = (error as ConfigurationError).variable;
          expect([...wrong]).toContain(variable);
          expect((error as Error).message).toContain(variable);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(RUNS / 4);
    console.info(`[reliability] config fuzz handler: ${RUNS} environments, ${refused} refused`);
  });

  it('fails the cold start itself: createLambdaHandler reads the environment and throws before any request', () => {
    const saved = process.env['MAX_BLOCK_SIZE_BYTES'];
    process.env['MAX_BLOCK_SIZE_BYTES'] = '0x10';
    try {
      const error = thrown(() => createLambdaHandler(createReferenceConnector({ tables: [] })));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).variable).toBe('MAX_BLOCK_SIZE_BYTES');
    } finally {
      if (saved === undefined) delete process.env['MAX_BLOCK_SIZE_BYTES'];
      else process.env['MAX_BLOCK_SIZE_BYTES'] = saved;
    }
  });

  it('applies spill encryption when nothing is configured', () => {
    expect(loadHandlerConfig({}).disableSpillEncryption).toBe(false);
  });
});

/** A malformed Java MySQL connection string, with the canary as its password so a quoted password would show. */
const malformedConnection = fc.constantFrom(
  `postgres://jdbc:mysql://db:3306/x?user=u&password=${CANARY_SECRET}`,
  `mysql://jdbc:postgresql://db:3306/x?user=u&password=${CANARY_SECRET}`,
  `jdbc:mysql://db:3306/x?user=u&password=${CANARY_SECRET}`,
  `mysql://jdbc:mysql://db:99999/x?user=u&password=${CANARY_SECRET}`,
  `mysql://jdbc:mysql://db:0/x?user=u&password=${CANARY_SECRET}`,
  `mysql://jdbc:mysql://db:port/x?user=u&password=${CANARY_SECRET}`,
  `mysql://jdbc:mysql://a:3306,b:3306/x?user=u&password=${CANARY_SECRET}`,
  `mysql://jdbc:mysql://db:3306/x?user=u&password=${CANARY_SECRET}%zz`,
  `mysql://jdbc:mysql://db:3306/x?user=u&password=${CANARY_SECRET}&sslMode=SOMETIMES`,
  `mysql://jdbc:mysql://db:3306/x?user=u&password=${CANARY_SECRET}&connectTimeout=-5`,
  `mysql://jdbc:mysql://db:3306/x?user=u&password=${CANARY_SECRET}&connectTimeout=soon`,
  `mysql://jdbc:mysql://:3306/x?user=u&password=${CANARY_SECRET}`,
  `mysql://jdbc:mysql://?user=u&password=${CANARY_SECRET}`,
);

const validConnection = fc
  .record({
    host: fc.constantFrom('db', 'db.example.internal', '10.1.2.3', '[::1]'),
    port: fc.integer({ min: 1, max: 65535 }),
    database: fc.constantFrom('', '/ehr', '/claims'),
    user: fc.constantFrom('athena', 'reader'),
  })
  .map((c) => ({
    ...c,
    text: `mysql://jdbc:mysql://${c.host}:${c.port}${c.database}?user=${c.user}&password=${CANARY_SECRET}`,
  }));

describe('Aurora configuration fuzz', () => {
  it('parses valid connection strings exactly and refuses malformed ones naming the variable, never quoting the password', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc.record({
          default: validConnection,
          catalog: fc.option(
            fc.tuple(
              fc.constantFrom('claims', 'ehr_prod', 'x'),
              fc.oneof(
                validConnection.map((c) => ({ text: c.text, valid: true })),
                malformedConnection.map((text) => ({ text, valid: false })),
              ),
            ),
          ),
        }),
        fc.option(
          fc.tuple(
            fc.constantFrom(
              'target_rows_per_split',
              'max_splits_per_table',
              'pool_connection_limit',
              'secret_cache_ttl_seconds',
            ),
            fc.constantFrom('0', '-1', 'many', '1.5', ''),
          ),
        ),
        ({ default: primary, catalog }, badNumber) => {
          const env: Env = { default: primary.text };
          if (catalog !== null) env[`${catalog[0]}_connection_string`] = catalog[1].text;
          if (badNumber !== null) env[badNumber[0]] = badNumber[1];
          const error = thrown(() => loadAuroraSettings(env));
          const wrong = new Set<string>();
          if (catalog !== null && !catalog[1].valid) wrong.add(`${catalog[0]}_connection_string`);
          if (badNumber !== null && badNumber[1] !== '') wrong.add(badNumber[0]);
          if (wrong.size === 0) {
            expect(error).toBeUndefined();
            const settings = loadAuroraSettings(env);
            const parsed = settings.catalogs.get('default');
            expect(parsed).toMatchObject({
              host: primary.host.replace(/^\[(.*)\]$/, '$1'),
              port: primary.port,
              user: primary.user,
              password: CANARY_SECRET,
            });
          } else {
            refused++;
            expect(error).toBeInstanceOf(ConfigurationError);
            expect([...wrong]).toContain((error as ConfigurationError).variable);
            expect((error as Error).message).not.toContain(CANARY_SECRET);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(0);
    console.info(`[reliability] config fuzz aurora: ${RUNS} environments, ${refused} refused`);
  });

  it('refuses a missing default connection string, naming it', () => {
    const error = thrown(() => loadAuroraSettings({}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).variable).toBe('default');
  });
});

describe('DynamoDB configuration fuzz', () => {
  const variables = [
    'schema_inference_sample_items',
    'schema_inference_sample_bytes',
    'schema_inference_segments',
    'schema_cache_ttl_seconds',
    'max_read_capacity_units',
    'min_scan_segments',
    'max_scan_segments',
  ];
  // Values inside every documented range, and values outside any: the loader's exact bounds are
  // the DynamoDB package's to choose. Only what the loader already refuses is generated as invalid
  // here; hex and exponent forms (`0x10`, `1e3`) pass Number() today — see the README.
  const validText = fc.constant('1024');
  const invalidText = fc.constantFrom('ten', '16MB', 'NaN', '1.5', '-1', '9'.repeat(30), 'Infinity');

  it('loads valid settings exactly and refuses bad ones naming the variable', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...variables),
        fc.oneof(
          validText.map((text) => ({ text, valid: true })),
          invalidText.map((text) => ({ text, valid: false })),
        ),
        fc.option(flagText),
        (name, { text, valid }, lenient) => {
          // min/max_scan_segments are checked against each other: keep the other one compatible.
          const env: Env = {
            [name]: text,
            ...(name === 'min_scan_segments' ? { max_scan_segments: '1000000' } : {}),
            ...(name === 'max_scan_segments' ? { min_scan_segments: '1' } : {}),
            ...(lenient === null ? {} : { lenient_value_conversion: lenient.text }),
          };
          const wrong = new Set<string>();
          if (!valid) wrong.add(name);
          if (lenient !== null && !lenient.valid) wrong.add('lenient_value_conversion');
          const error = thrown(() => loadDynamoDbConfig(env));
          if (wrong.size === 0) {
            expect(error).toBeUndefined();
          } else {
            refused++;
            expect(error).toBeInstanceOf(ConfigurationError);
            expect([...wrong]).toContain((error as ConfigurationError).variable);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(0);
    console.info(`[reliability] config fuzz dynamodb: ${RUNS} environments, ${refused} refused`);
  });

  it('refuses min_scan_segments above max_scan_segments, naming min_scan_segments', () => {
    const error = thrown(() => loadDynamoDbConfig({ min_scan_segments: '10', max_scan_segments: '5' }));
    expect((error as ConfigurationError).variable).toBe('min_scan_segments');
  });
});
