import { describe, expect, it } from 'vitest';
import { lazy } from '../../src/services/lazy.js';

class Counter {
  total = 0;
  async add(n: number): Promise<number> {
    this.total += n;
    return this.total;
  }
}

describe('lazy', () => {
  it('loads the service on the first call only, and calls its methods on it', async () => {
    let loads = 0;
    const service = lazy(async () => {
      loads++;
      return new Counter();
    });
    expect(service.started()).toBeNull();
    expect(loads).toBe(0);
    const add = service.method('add');
    expect(await Promise.all([add(1), add(2)])).toEqual([1, 3]);
    expect(await add(4)).toBe(7);
    expect(loads).toBe(1);
    expect((await service.started())?.total).toBe(7);
  });

  it('passes a failed load on to every call', async () => {
    const service = lazy<Counter>(async () => {
      throw new Error('cannot load');
    });
    await expect(service.method('add')(1)).rejects.toThrow('cannot load');
  });
});
