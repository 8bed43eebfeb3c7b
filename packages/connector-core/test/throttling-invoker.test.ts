import { describe, expect, it } from 'vitest';
import { ConnectorError, createThrottlingInvoker } from '../src/index.js';

const config = { initialDelayMs: 2, maxDelayMs: 8, decreaseFactor: 0.5, increaseMs: 3 };
class Throttle extends Error {}
const isThrottle = (e: unknown) => e instanceof Throttle;

describe('throttling invoker', () => {
  it('backs off additively on throttles, up to the maximum, and decays multiplicatively on success', async () => {
    const invoker = createThrottlingInvoker(config, { isThrottle });
    let failures = 4;
    const delays: number[] = [];
    const result = await invoker.invoke(async () => {
      delays.push(invoker.delayMs);
      if (failures-- > 0) throw new Throttle();
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(delays).toEqual([0, 2, 5, 8, 8]);
    expect(invoker.delayMs).toBe(4);
    await invoker.invoke(() => Promise.resolve(1));
    expect(invoker.delayMs).toBe(2);
    await invoker.invoke(() => Promise.resolve(1));
    await invoker.invoke(() => Promise.resolve(1));
    expect(invoker.delayMs).toBe(0);
  });

  it('surfaces throttling to Athena while nothing has spilled', async () => {
    const invoker = createThrottlingInvoker(config, { isThrottle, surfaceToEngine: () => true });
    const error = await invoker.invoke(() => Promise.reject(new Throttle())).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).reason).toBe('Throttled');
  });

  it('passes other errors through untouched', async () => {
    const invoker = createThrottlingInvoker(config, { isThrottle });
    await expect(invoker.invoke(() => Promise.reject(new RangeError('bad')))).rejects.toThrow(RangeError);
  });
});
