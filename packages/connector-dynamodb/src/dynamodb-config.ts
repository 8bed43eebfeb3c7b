/**
 * DynamoDB-specific settings from the Lambda environment. Java's variable names where Java has
 * one (`disable_glue`, `glue_catalog`, `disable_projection_and_casing`); new options only where
 * Java has none, each documented in the README. Core reads spill, throttle and block settings.
 */
import { ConfigurationError, numberSetting } from '@athena-federation/connector-core';

/** `disable_projection_and_casing` values (Java): `always` reads whole items, `auto` projects. */
export type ProjectionAndCasingMode = 'auto' | 'always';

/** Everything the DynamoDB plugin reads from the environment. */
export interface DynamoDbConfig {
  /** `disable_glue`: any value but `false` turns Glue off (Java): no Glue schemas, tables or metadata. */
  readonly disableGlue: boolean;
  /** `glue_catalog`: the Glue catalog id to read (Java). */
  readonly glueCatalog: string | undefined;
  /** `disable_projection_and_casing`: `always` sends no ProjectionExpression (Java); default `auto`. */
  readonly projectionAndCasing: ProjectionAndCasingMode;
  /** `schema_inference_sample_items` (new): most items sampled per table to infer its schema, default 5000 (the byte budget usually ends the sample first). */
  readonly sampleItems: number;
  /** `schema_inference_sample_bytes` (new): stop sampling past this many bytes, default 1 MiB. */
  readonly sampleBytes: number;
  /** `schema_inference_segments` (new): Scan segments the sample is spread over (each reads an equal share), default 32. */
  readonly sampleSegments: number;
  /** `schema_cache_ttl_seconds` (new): how long an inferred schema and a resolved table name are reused, default 300. */
  readonly schemaCacheTtlMs: number;
  /** `min_scan_segments` (new): the fewest parallel Scan splits per table, default 4. */
  readonly minScanSegments: number;
  /** `max_scan_segments` (new): the most parallel Scan splits per table, default 1000. */
  readonly maxScanSegments: number;
  /** `max_read_capacity_units` (new): read capacity units per second one table read may consume across its splits; 0 = no cap. */
  readonly maxReadCapacityUnits: number;
  /** `lenient_value_conversion` (new): a value that does not fit its column becomes NULL instead of failing the query. */
  readonly lenientValueConversion: boolean;
  /** `cross_account_role_arn` (Java): DynamoDB is read with this role's credentials, assumed through STS. */
  readonly crossAccountRoleArn: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  return numberSetting(env, name, fallback, { integer: true, min, max });
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigurationError(name, `must be "true" or "false", got ${JSON.stringify(value)}`);
}

/** Reads the plugin settings (see {@link DynamoDbConfig}); throws `ConfigurationError` naming a bad variable. */
export function loadDynamoDbConfig(env: Env = process.env): DynamoDbConfig {
  const glue = text(env, 'disable_glue');
  // Java: Glue is off when the variable is set to anything except "false".
  const disableGlue = glue !== undefined && glue.toLowerCase() !== 'false';
  const casing = text(env, 'disable_projection_and_casing')?.toLowerCase();
  const minScanSegments = integer(env, 'min_scan_segments', 4, 1, 1_000_000);
  const maxScanSegments = integer(env, 'max_scan_segments', 1000, 1, 1_000_000);
  if (minScanSegments > maxScanSegments)
    throw new ConfigurationError(
      'min_scan_segments',
      `(${minScanSegments}) must not exceed max_scan_segments (${maxScanSegments})`,
    );
  return {
    disableGlue,
    glueCatalog: text(env, 'glue_catalog'),
    // Java treats every value other than "always" as auto.
    projectionAndCasing: casing === 'always' ? 'always' : 'auto',
    sampleItems: integer(env, 'schema_inference_sample_items', 5000, 1, 1_000_000),
    sampleBytes: integer(env, 'schema_inference_sample_bytes', 1024 * 1024, 1024, 256 * 1024 * 1024),
    sampleSegments: integer(env, 'schema_inference_segments', 32, 1, 1024),
    schemaCacheTtlMs: integer(env, 'schema_cache_ttl_seconds', 300, 0, 86_400) * 1000,
    minScanSegments,
    maxScanSegments,
    maxReadCapacityUnits: integer(env, 'max_read_capacity_units', 0, 0, 1_000_000_000),
    lenientValueConversion: flag(env, 'lenient_value_conversion', false),
    crossAccountRoleArn: roleArn(env, 'cross_account_role_arn'),
  };
}

/** An IAM role ARN, checked here so that a typo fails the cold start rather than the first query's AssumeRole. */
function roleArn(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(value)) {
    throw new ConfigurationError(
      name,
      `must be an IAM role ARN (arn:aws:iam::<account id>:role/<name>), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
