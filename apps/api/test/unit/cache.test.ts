import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache';

describe('cache without Redis', () => {
  it('computes once per key while fresh, and shares a computation in flight', async () => {
    const cache = createCache(null, 'test:');
    let calls = 0;
    const compute = async () => ++calls;
    const [a, b] = await Promise.all([cache.remember('k', 1_000, compute), cache.remember('k', 1_000, compute)]);
    expect([a, b, await cache.remember('k', 1_000, compute)]).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
  });

  it('counts hits per window', async () => {
    const cache = createCache(null, 'test:');
    expect(await cache.hit('login', 60_000)).toBe(1);
    expect(await cache.hit('login', 60_000)).toBe(2);
    expect(await cache.hit('other', 60_000)).toBe(1);
  });
});
