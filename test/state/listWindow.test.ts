// The one list-window reducer: cursor and visible window of every list, and the scrollers.
import { describe, expect, it } from 'vitest';
import { clampPane, reduceWindow } from '../../src/state/listWindow.js';
import { emptyPane } from '../../src/state/appState.js';

const at = (cursor: number, offset = 0) => ({ cursor, offset });

describe('reduceWindow', () => {
  it('a scroller that follows shows its last rows, however many there are', () => {
    expect(reduceWindow(at(3, 3), { count: 50, rows: 10 }, { kind: 'follow' })).toEqual(at(40, 40));
    expect(reduceWindow(at(3, 3), { count: 50, rows: 20 }, { kind: 'follow' })).toEqual(at(30, 30));
    expect(reduceWindow(at(3, 3), { count: 5, rows: 20 }, { kind: 'follow' })).toEqual(at(0, 0));
  });

  it('moves the cursor and keeps it inside the list', () => {
    expect(reduceWindow(at(0), { count: 5, rows: 10 }, { kind: 'move', delta: 3 })).toEqual(at(3));
    expect(reduceWindow(at(3), { count: 5, rows: 10 }, { kind: 'move', delta: 9 })).toEqual(at(4));
    expect(reduceWindow(at(3), { count: 5, rows: 10 }, { kind: 'move', delta: -9 })).toEqual(at(0));
    expect(reduceWindow(at(2), { count: 0, rows: 10 }, { kind: 'moveTo', index: 7 })).toEqual(at(0));
  });

  it('scrolls the window down and up just enough to show the cursor', () => {
    expect(reduceWindow(at(2), { count: 20, rows: 4 }, { kind: 'moveTo', index: 6 })).toEqual(at(6, 3));
    expect(reduceWindow(at(6, 3), { count: 20, rows: 4 }, { kind: 'move', delta: -1 })).toEqual(at(5, 3));
    expect(reduceWindow(at(5, 3), { count: 20, rows: 4 }, { kind: 'moveTo', index: 1 })).toEqual(at(1, 1));
    expect(reduceWindow(at(0), { count: 20, rows: 4 }, { kind: 'moveTo', index: 1e9 })).toEqual(at(19, 16));
  });

  it('clamp: a taller window pulls the offset back so no empty rows show below the list', () => {
    expect(reduceWindow(at(19, 16), { count: 20, rows: 10 }, { kind: 'clamp' })).toEqual(at(19, 10));
    expect(reduceWindow(at(3, 2), { count: 2, rows: 4 }, { kind: 'clamp' })).toEqual(at(1, 0));
    expect(reduceWindow(at(5, 0), { count: 20, rows: 0 }, { kind: 'clamp' })).toEqual(at(5, 5));
  });

  it('scroll: a scroller moves its window within what there is, whatever the cursor', () => {
    expect(reduceWindow(at(0), { count: 30, rows: 10 }, { kind: 'scroll', delta: 5 })).toEqual(at(5, 5));
    expect(reduceWindow(at(5, 5), { count: 30, rows: 10 }, { kind: 'scroll', delta: 100 })).toEqual(at(20, 20));
    expect(reduceWindow(at(20, 20), { count: 30, rows: 10 }, { kind: 'scroll', delta: -100 })).toEqual(at(0, 0));
    expect(reduceWindow(at(0), { count: 3, rows: 10 }, { kind: 'scroll', delta: 4 })).toEqual(at(0, 0));
  });
});

describe('clampPane', () => {
  it('keeps the rest of the pane and fixes cursor and offset', () => {
    const hits = ['a', 'b', 'c'].map((item, index) => ({ item, index }));
    const pane = { ...emptyPane<string>(), filter: 'x', hits, cursor: 9, offset: 9 };
    expect(clampPane(pane, 2)).toEqual({ ...pane, cursor: 2, offset: 1 });
  });
});
