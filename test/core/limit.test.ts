import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/core/limit.js';

describe('mapLimit', () => {
  it('runs at most `limit` tasks at once, all of them, results in order', async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const done = mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return n * 10;
    });
    // release the tasks one at a time, in the order they started
    for (let released = 0; released < 7; released++) {
      while (gates.length <= released) await new Promise((resolve) => setImmediate(resolve));
      expect(running).toBeLessThanOrEqual(3);
      gates[released]?.();
    }
    expect(await done).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('starts every task at once when the limit is larger than the list', async () => {
    let started = 0;
    const gates: (() => void)[] = [];
    const done = mapLimit(['a', 'b'], 16, async (s) => {
      started++;
      await new Promise<void>((resolve) => gates.push(resolve));
      return s;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(2);
    gates.forEach((g) => g());
    expect(await done).toEqual(['a', 'b']);
  });

  it('refuses a limit below 1', async () => {
    await expect(mapLimit([1], 0, async (n) => n)).rejects.toThrow(/at least 1/);
  });
});
