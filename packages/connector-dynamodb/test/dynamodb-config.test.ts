// Environment settings under Java's names, with the new options' defaults and validation.
import { ConfigurationError } from '@athena-federation/connector-core';
import { describe, expect, it } from 'vitest';
import { loadDynamoDbConfig } from '../src/index.js';

describe('loadDynamoDbConfig', () => {
  it('has Java defaults with an empty environment', () => {
    const config = loadDynamoDbConfig({});
    expect(config).toEqual({
      disableGlue: false,
      glueCatalog: undefined,
      projectionAndCasing: 'auto',
      sampleItems: 5000,
      sampleBytes: 1024 * 1024,
      sampleSegments: 32,
      schemaCacheTtlMs: 300_000,
      minScanSegments: 4,
      maxScanSegments: 1000,
      maxReadCapacityUnits: 0,
      lenientValueConversion: false,
    });
  });

  it('reads disable_glue as Java does: anything but "false" disables', () => {
    expect(loadDynamoDbConfig({ disable_glue: 'false' }).disableGlue).toBe(false);
    expect(loadDynamoDbConfig({ disable_glue: 'FALSE' }).disableGlue).toBe(false);
    expect(loadDynamoDbConfig({ disable_glue: 'true' }).disableGlue).toBe(true);
    expect(loadDynamoDbConfig({ disable_glue: 'yes' }).disableGlue).toBe(true);
  });

  it('reads disable_projection_and_casing: only "always" is always', () => {
    expect(loadDynamoDbConfig({ disable_projection_and_casing: 'ALWAYS' }).projectionAndCasing).toBe('always');
    expect(loadDynamoDbConfig({ disable_projection_and_casing: 'never' }).projectionAndCasing).toBe('auto');
  });

  it('reads the new options and rejects bad values naming the variable', () => {
    const config = loadDynamoDbConfig({
      glue_catalog: '123456789012',
      schema_inference_sample_items: '50',
      schema_cache_ttl_seconds: '0',
      min_scan_segments: '2',
      max_scan_segments: '8',
      lenient_value_conversion: 'true',
    });
    expect(config).toMatchObject({
      glueCatalog: '123456789012',
      sampleItems: 50,
      schemaCacheTtlMs: 0,
      minScanSegments: 2,
      maxScanSegments: 8,
      lenientValueConversion: true,
    });
    expect(() => loadDynamoDbConfig({ max_scan_segments: 'lots' })).toThrow(ConfigurationError);
    expect(() => loadDynamoDbConfig({ max_scan_segments: '0' })).toThrow(/max_scan_segments/);
    // Decimal digits only, as Java parses them: Number() alone would take these.
    for (const text of ['0x10', '1e3', '0b11', '8.0'])
      expect(() => loadDynamoDbConfig({ max_scan_segments: text })).toThrow(/max_scan_segments/);
    expect(() => loadDynamoDbConfig({ min_scan_segments: '9', max_scan_segments: '8' })).toThrow(/min_scan_segments/);
    expect(() => loadDynamoDbConfig({ lenient_value_conversion: 'maybe' })).toThrow(/lenient_value_conversion/);
  });
});
