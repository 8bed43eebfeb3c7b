/**
 * Calls a throttled source with Java's AIMD pacing (`ThrottlingInvoker`), named from the call rate's
 * point of view: a throttle cuts the rate multiplicatively (the delay between calls is divided by
 * `throttle_decrease_factor`, rounded up, starting at `throttle_initial_delay_ms`, capped at
 * `throttle_max_delay_ms`), and each success raises it additively (the delay shrinks by
 * `throttle_increase_ms`, not below 0). Before anything has spilled, a throttle is surfaced to Athena
 * instead, so the engine slows the whole query down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from './errors.js';
import type { ThrottleConfig } from './handler/handler-config.js';

/** Options of {@link createThrottlingInvoker}. */
export interface ThrottlingInvokerOptions {
  /** Classifies a source error as throttling (e.g. DynamoDB ProvisionedThroughputExceededException). */
  readonly isThrottle: (error: unknown) => boolean;
  /**
   * Whether a throttle should go to Athena now rather than be waited out here. Java surfaces it
   * only while nothing has spilled (afterwards a retry by Athena would redo the spilled work).
   */
  readonly surfaceToEngine?: () => boolean;
  /** Stops waiting when the request is abandoned (the Lambda deadline). */
  readonly signal?: AbortSignal;
}

/** Runs source calls under shared AIMD pacing; one per source and Lambda is typical. */
export interface ThrottlingInvoker {
  invoke<T>(call: () => Promise<T>): Promise<T>;
  /** The current delay between calls, in milliseconds. */
  readonly delayMs: number;
}

/**
 * Java's `handleThrottle`: `ceil(delay / decrease)`, the initial delay when that is 0, never above the
 * maximum. The floating-point division is Java's too, so both pace alike (2 / 0.7 = 2.857… → 3).
 */
export function nextDelayAfterThrottle(delay: number, config: ThrottleConfig): number {
  const grown = Math.ceil(delay / config.decreaseFactor);
  return grown === 0 ? config.initialDelayMs : Math.min(grown, config.maxDelayMs);
}

/** Creates an invoker with the `throttle_*` settings. */
export function createThrottlingInvoker(config: ThrottleConfig, options: ThrottlingInvokerOptions): ThrottlingInvoker {
  let delay = 0;
  const pause = async () => {
    if (delay > 0) await sleep(delay, undefined, options.signal === undefined ? {} : { signal: options.signal });
  };
  return {
    get delayMs() {
      return delay;
    },
    async invoke<T>(call: () => Promise<T>): Promise<T> {
      for (;;) {
        await pause();
        try {
          const result = await call();
          delay = Math.max(0, delay - config.increaseMs);
          return result;
        } catch (error) {
          if (!options.isThrottle(error)) throw error;
          delay = nextDelayAfterThrottle(delay, config);
          if (options.surfaceToEngine?.() ?? false)
            throw new ConnectorError(
              'Throttled',
              'The data source is throttling requests; Athena will retry with less concurrency',
              { cause: error },
            );
          if (options.signal?.aborted === true)
            throw new ConnectorError('Timeout', 'The data source kept throttling until the Lambda deadline', {
              cause: error,
            });
        }
      }
    },
  };
}
