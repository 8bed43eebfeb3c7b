import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadHandlerConfig, loadSpillConfig, spillTarget } from '../../src/index.js';

describe('handler configuration', () => {
  it('has the Java defaults', () => {
    const config = loadHandlerConfig({});
    expect(config).toMatchObject({
      spillBucket: undefined,
      spillPrefix: 'athena-federation-spill',
      kmsKeyId: undefined,
      disableSpillEncryption: false,
      enableQueryPassthrough: true,
      throttle: { initialDelayMs: 10, maxDelayMs: 1000, decreaseFactor: 0.5, increaseMs: 10 },
    });
  });

  it('reads the Java variable names', () => {
    const config = loadHandlerConfig({
      spill_bucket: 'my-spill',
      spill_prefix: 'custom/prefix',
      kms_key_id: 'alias/spill',
      disable_spill_encryption: 'TRUE',
      spill_put_request_headers: '{"ServerSideEncryption":"aws:kms"}',
      MAX_BLOCK_SIZE_BYTES: '1048576',
      throttle_max_delay_ms: '2000',
      enable_query_passthrough: 'false',
      casing_mode: 'case_insensitive_search',
      spill_queue_capacity: '8',
    });
    expect(config).toMatchObject({
      spillBucket: 'my-spill',
      spillPrefix: 'custom/prefix',
      kmsKeyId: 'alias/spill',
      disableSpillEncryption: true,
      spillPutRequestHeaders: { ServerSideEncryption: 'aws:kms' },
      maxBlockSizeBytes: 1048576,
      enableQueryPassthrough: false,
      casingMode: 'CASE_INSENSITIVE_SEARCH',
      spillConcurrency: 8,
    });
    expect(config.throttle.maxDelayMs).toBe(2000);
  });

  const bad: [Record<string, string>, string, RegExp][] = [
    [{ disable_spill_encryption: 'yes' }, 'disable_spill_encryption', /"true" or "false"/],
    [{ casing_mode: 'snake' }, 'casing_mode', /one of NONE, LOWER/],
    [{ MAX_BLOCK_SIZE_BYTES: '16MB' }, 'MAX_BLOCK_SIZE_BYTES', /integer/],
    [{ spill_put_request_headers: '{bad json' }, 'spill_put_request_headers', /JSON object/],
    [{ spill_put_request_headers: '{"a":1}' }, 'spill_put_request_headers', /values are strings/],
    [{ spill_bucket: 'Not_A_Bucket' }, 'spill_bucket', /not a valid S3 bucket name/],
    [{ spill_prefix: '/leading' }, 'spill_prefix', /must not start or end/],
    [{ throttle_decrease_factor: '2' }, 'throttle_decrease_factor', /between 0.001 and 1/],
    [{ throttle_decrease_factor: '0' }, 'throttle_decrease_factor', /between 0.001 and 1/],
    [{ throttle_increase_ms: '0' }, 'throttle_increase_ms', /≥ 1/],
    [{ throttle_initial_delay_ms: '5000' }, 'throttle_initial_delay_ms', /must not exceed throttle_max_delay_ms/],
    [{ spill_queue_capacity: '0' }, 'spill_queue_capacity', /between 1 and 64/],
  ];
  for (const [env, variable, message] of bad) {
    it(`refuses ${JSON.stringify(env)} at cold start, naming ${variable}`, () => {
      let caught: unknown;
      try {
        loadHandlerConfig(env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigurationError);
      expect((caught as ConfigurationError).variable).toBe(variable);
      expect((caught as Error).message).toContain(variable);
      expect((caught as Error).message).toMatch(message);
    });
  }

  it('takes the spill location from configOptions only when non-blank, as Java', () => {
    const config = loadHandlerConfig({ spill_bucket: 'env-bucket', spill_prefix: 'env-prefix' });
    expect(spillTarget(config, undefined)).toEqual({ bucket: 'env-bucket', prefix: 'env-prefix' });
    expect(spillTarget(config, { spill_bucket: ' ', spill_prefix: '' })).toEqual({
      bucket: 'env-bucket',
      prefix: 'env-prefix',
    });
    expect(spillTarget(config, { spill_bucket: 'managed', spill_prefix: 'p' })).toEqual({
      bucket: 'managed',
      prefix: 'p',
    });
  });

  it('holds exactly the spill settings loadSpillConfig reads, beside its own', () => {
    // Prepare: every spill variable set away from its default.
    const env = {
      spill_bucket: 'spill-here',
      spill_prefix: 'a/b',
      kms_key_id: 'alias/spill',
      disable_spill_encryption: 'true',
      spill_put_request_headers: '{"ServerSideEncryption":"aws:kms"}',
      spill_queue_capacity: '5',
      casing_mode: 'lower',
    };
    // Act
    const spill = loadSpillConfig(env);
    const config = loadHandlerConfig(env);
    // Assess
    expect(spill).toEqual({
      spillBucket: 'spill-here',
      spillPrefix: 'a/b',
      kmsKeyId: 'alias/spill',
      disableSpillEncryption: true,
      spillPutRequestHeaders: { ServerSideEncryption: 'aws:kms' },
      spillConcurrency: 5,
    });
    expect(config).toMatchObject({ ...spill, casingMode: 'LOWER' });
  });
});
