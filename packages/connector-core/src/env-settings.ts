/**
 * Reading connector settings from the Lambda environment alike everywhere: core's handler and spill
 * settings and a plugin's own all go through these readers, so every variable is trimmed, parsed
 * and refused the same way, and a bad value fails the cold start naming the variable.
 */
/** Thrown at cold start for a missing or malformed setting; the message names the variable. */
export class ConfigurationError extends Error {
  readonly variable: string;
  /** What is wrong with it, without the variable's name. */
  readonly detail: string;

  constructor(variable: string, detail: string, options?: ErrorOptions) {
    super(`Invalid connector configuration: ${variable} ${detail}`, options);
    this.name = 'ConfigurationError';
    this.variable = variable;
    this.detail = detail;
  }
}

/** The environment a setting is read from: `process.env` in a Lambda, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value of `name`, or undefined when unset or blank. */
export function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A `true` / `false` setting (any case), `fallback` when unset or blank. */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigurationError(name, `must be "true" or "false", got ${JSON.stringify(value)}`);
}

/** Decimal notation only, as Java's Long.parseLong / Double.parseDouble read it: `Number` alone would also take `0x10`, `0b1`, `1e3` for an integer. */
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Bounds and kind of a numeric setting read by {@link numberSetting}. */
export interface NumberSettingCheck {
  readonly integer: boolean;
  readonly min: number;
  readonly max?: number;
}

/**
 * Reads a numeric environment setting the way Java parses it (decimal notation only), `fallback`
 * when unset or blank. Plugins use it for their own settings so every variable is read alike.
 *
 * @throws {ConfigurationError} naming the variable, the accepted range and the text it got.
 */
export function numberSetting(env: Env, name: string, fallback: number, check: NumberSettingCheck): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (
    !(check.integer ? INTEGER_TEXT : DECIMAL_TEXT).test(value) ||
    !Number.isFinite(n) ||
    (check.integer && !Number.isSafeInteger(n)) ||
    n < check.min ||
    (check.max !== undefined && n > check.max)
  ) {
    const range = check.max === undefined ? `≥ ${check.min}` : `between ${check.min} and ${check.max}`;
    throw new ConfigurationError(
      name,
      `must be ${check.integer ? 'an integer' : 'a number'} ${range}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
