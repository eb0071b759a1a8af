import { describe, expect, it } from 'vitest';
import { Ring } from '../../src/core/ring.js';

describe('Ring', () => {
  it('keeps the last items in order and counts all', () => {
    const ring = new Ring<number>(3);
    expect(ring.last()).toEqual([]);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.last()).toEqual([5, 6, 7]);
    expect(ring.last(2)).toEqual([6, 7]);
    expect(ring.last(10)).toEqual([5, 6, 7]);
    expect(ring.total).toBe(7);
    expect(ring.size).toBe(3);
  });
});
