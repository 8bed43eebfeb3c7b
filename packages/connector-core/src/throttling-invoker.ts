/**
 * Calls a throttled source with AIMD pacing (Java `ThrottlingInvoker`): each throttle adds
 * `throttle_increase_ms` to the delay between calls (starting at `throttle_initial_delay_ms`, up to
 * `throttle_max_delay_ms`), each success shrinks it by `throttle_decrease_factor`. Before anything
 * has spilled, a throttle is surfaced to Athena instead, so the engine slows the whole query down.
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
          delay = delay * config.decreaseFactor < 1 ? 0 : delay * config.decreaseFactor;
          return result;
        } catch (error) {
          if (!options.isThrottle(error)) throw error;
          delay = delay === 0 ? config.initialDelayMs : Math.min(config.maxDelayMs, delay + config.increaseMs);
          if (options.surfaceToEngine?.() ?? false) throw new ConnectorError('Throttled', 'The data source is throttling requests; Athena will retry with less concurrency', { cause: error });
          if (options.signal?.aborted === true) throw new ConnectorError('Timeout', 'The data source kept throttling until the Lambda deadline', { cause: error });
        }
      }
    },
  };
}
