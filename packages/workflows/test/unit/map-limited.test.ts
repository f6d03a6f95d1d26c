import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../src/control/limited';

describe('mapLimited', () => {
  it('keeps the items’ order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, ms * 3));
      running--;
      return ms * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('answers an empty list without calling anything, and passes a failure on', async () => {
    expect(await mapLimited([], 8, () => Promise.reject(new Error('never')))).toEqual([]);
    await expect(
      mapLimited([1, 2], 2, (n) => (n === 2 ? Promise.reject(new Error('two')) : Promise.resolve(n))),
    ).rejects.toThrow('two');
  });
});
