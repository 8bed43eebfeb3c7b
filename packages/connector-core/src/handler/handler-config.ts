/**
 * Connector configuration from the Lambda environment, under the Java connectors' variable names so
 * a deployment moves over without renaming anything. Read once at cold start; anything invalid
 * fails there, naming the variable, instead of on the first query.
 */
import { ConfigurationError, type Env, flag, numberSetting, text } from '../env-settings.js';
import { type SpillConfig, loadSpillConfig } from '../spill/spill-config.js';

/** Java `casing_mode` values (CaseResolver). */
export const CasingModes = ['NONE', 'LOWER', 'UPPER', 'CASE_INSENSITIVE_SEARCH', 'ANNOTATION'] as const;
/** One of {@link CasingModes}. */
export type CasingMode = (typeof CasingModes)[number];

/** AIMD back-off settings for throttled sources (Java `ThrottlingInvoker`). */
export interface ThrottleConfig {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly decreaseFactor: number;
  readonly increaseMs: number;
}

/**
 * Everything core needs to serve requests; build it with {@link loadHandlerConfig} or pass it typed.
 * The spill settings ({@link SpillConfig}) are read by the spill services alone.
 */
export interface HandlerConfig extends SpillConfig {
  /** `MAX_BLOCK_SIZE_BYTES`: overrides the `maxBlockSize` Athena sends. */
  readonly maxBlockSizeBytes: number | undefined;
  /** `throttle_initial_delay_ms`, `throttle_max_delay_ms`, `throttle_decrease_factor`, `throttle_increase_ms`. */
  readonly throttle: ThrottleConfig;
  /** `enable_query_passthrough`, default true. */
  readonly enableQueryPassthrough: boolean;
  /** `casing_mode`; undefined = the connector's own default. */
  readonly casingMode: CasingMode | undefined;
  /**
   * `query_status_check_interval_ms` (new; Java polls on a fixed schedule): how often a long read
   * asks Athena whether its query still runs, default 1000; 0 never asks.
   */
  readonly queryStatusCheckIntervalMs: number;
}

/** Reads the handler configuration from environment variables (Java names); throws {@link ConfigurationError}. */
export function loadHandlerConfig(env: Env = process.env): HandlerConfig {
  const casing = text(env, 'casing_mode')?.toUpperCase();
  if (casing !== undefined && !(CasingModes as readonly string[]).includes(casing)) {
    throw new ConfigurationError(
      'casing_mode',
      `must be one of ${CasingModes.join(', ')}, got ${JSON.stringify(env['casing_mode'])}`,
    );
  }
  const spill = loadSpillConfig(env);
  const throttle: ThrottleConfig = {
    initialDelayMs: numberSetting(env, 'throttle_initial_delay_ms', 10, { integer: true, min: 0 }),
    maxDelayMs: numberSetting(env, 'throttle_max_delay_ms', 1000, { integer: true, min: 0 }),
    // Java's ThrottlingInvoker refuses a factor outside .001–1 and an increase below 1 when a connector builds it; here at cold start.
    decreaseFactor: numberSetting(env, 'throttle_decrease_factor', 0.5, { integer: false, min: 0.001, max: 1 }),
    increaseMs: numberSetting(env, 'throttle_increase_ms', 10, { integer: true, min: 1 }),
  };
  if (throttle.initialDelayMs > throttle.maxDelayMs)
    throw new ConfigurationError(
      'throttle_initial_delay_ms',
      `(${throttle.initialDelayMs}) must not exceed throttle_max_delay_ms (${throttle.maxDelayMs})`,
    );
  const maxBlock =
    text(env, 'MAX_BLOCK_SIZE_BYTES') === undefined
      ? undefined
      : numberSetting(env, 'MAX_BLOCK_SIZE_BYTES', 0, { integer: true, min: 1 });
  return {
    ...spill,
    maxBlockSizeBytes: maxBlock,
    throttle,
    enableQueryPassthrough: flag(env, 'enable_query_passthrough', true),
    casingMode: casing as CasingMode | undefined,
    queryStatusCheckIntervalMs: numberSetting(env, 'query_status_check_interval_ms', 1000, { integer: true, min: 0 }),
  };
}
