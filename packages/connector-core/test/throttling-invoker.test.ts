import { describe, expect, it } from 'vitest';
import { ConnectorError, createThrottlingInvoker } from '../src/index.js';
import { nextDelayAfterThrottle } from '../src/throttling-invoker.js';

class Throttle extends Error {}
const isThrottle = (e: unknown) => e instanceof Throttle;

/** Runs one call that is throttled `throttles` times before it succeeds; returns the delay seen before each attempt. */
async function delaysOf(invoker: ReturnType<typeof createThrottlingInvoker>, throttles: number): Promise<number[]> {
  const delays: number[] = [];
  let left = throttles;
  await invoker.invoke(async () => {
    delays.push(invoker.delayMs);
    if (left-- > 0) throw new Throttle();
    return 'ok';
  });
  return delays;
}

describe('throttling invoker (Java AIMD: multiplicative decrease of the rate, additive increase)', () => {
  it("paces as Java's ThrottlingInvoker: initial 1, max 64, factor 0.5, increase 3", async () => {
    const invoker = createThrottlingInvoker(
      { initialDelayMs: 1, maxDelayMs: 64, decreaseFactor: 0.5, increaseMs: 3 },
      { isThrottle },
    );
    // The delay before each attempt: none, then after each throttle ceil(delay / 0.5), from 1, capped at 64.
    expect(await delaysOf(invoker, 8)).toEqual([0, 1, 2, 4, 8, 16, 32, 64, 64]);
    // The success of the last attempt takes the increase off.
    expect(invoker.delayMs).toBe(61);
    await invoker.invoke(() => Promise.resolve(1));
    expect(invoker.delayMs).toBe(58);
  });

  it('never drops below zero on success, and starts again at the initial delay', async () => {
    const invoker = createThrottlingInvoker(
      { initialDelayMs: 2, maxDelayMs: 8, decreaseFactor: 0.5, increaseMs: 3 },
      { isThrottle },
    );
    expect(await delaysOf(invoker, 1)).toEqual([0, 2]);
    expect(invoker.delayMs).toBe(0);
    expect(await delaysOf(invoker, 2)).toEqual([0, 2, 4]);
    expect(invoker.delayMs).toBe(1);
    await invoker.invoke(() => Promise.resolve(1));
    expect(invoker.delayMs).toBe(0);
  });

  it("rounds up as Java's Math.ceil over a double division does", () => {
    const config = { initialDelayMs: 5, maxDelayMs: 1000, decreaseFactor: 0.7, increaseMs: 1 };
    expect(nextDelayAfterThrottle(0, config)).toBe(5);
    expect(nextDelayAfterThrottle(2, config)).toBe(3);
    expect(nextDelayAfterThrottle(10, config)).toBe(15);
    expect(nextDelayAfterThrottle(999, config)).toBe(1000);
    // A factor of 1 keeps the delay where it is once it is not 0.
    expect(nextDelayAfterThrottle(7, { ...config, decreaseFactor: 1 })).toBe(7);
  });

  it('surfaces throttling to Athena while nothing has spilled', async () => {
    const invoker = createThrottlingInvoker(
      { initialDelayMs: 2, maxDelayMs: 8, decreaseFactor: 0.5, increaseMs: 3 },
      { isThrottle, surfaceToEngine: () => true },
    );
    const error = await invoker
      .invoke(() => Promise.reject(new Throttle()))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).reason).toBe('Throttled');
    // Java adjusts the delay before it surfaces the throttle, so the next call from this Lambda waits.
    expect(invoker.delayMs).toBe(2);
  });

  it('passes other errors through untouched', async () => {
    const invoker = createThrottlingInvoker(
      { initialDelayMs: 2, maxDelayMs: 8, decreaseFactor: 0.5, increaseMs: 3 },
      { isThrottle },
    );
    await expect(invoker.invoke(() => Promise.reject(new RangeError('bad')))).rejects.toThrow(RangeError);
    expect(invoker.delayMs).toBe(0);
  });
});
