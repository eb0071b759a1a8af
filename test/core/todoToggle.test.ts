import { describe, expect, it } from 'vitest';
import { parseTodos } from '../../src/core/todos.js';
import { applyToggle, planToggle } from '../../src/core/todoToggle.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('planToggle', () => {
  it('rewrites exactly the checkbox byte, after multi-byte characters too', () => {
    const source = '# Zürich ✓ notes\n\n- [ ] café ☕ order\n- [x] done\n';
    const bytes = enc(source);
    const [open, done] = parseTodos(source, 'f');
    const plan = planToggle(bytes, source, open!, true);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const out = applyToggle(bytes, plan.plan);
    const diff = [...out].flatMap((b, i) => (b === bytes[i] ? [] : [i]));
    expect(diff).toEqual([plan.plan.byteOffset]);
    expect(new TextDecoder().decode(out)).toBe(source.replace('- [ ] café', '- [x] café'));
    const undo = planToggle(bytes, source, done!, false);
    expect(undo.ok && new TextDecoder().decode(applyToggle(bytes, undo.plan))).toBe(source.replace('- [x] done', '- [ ] done'));
  });

  it('keeps an upper-case X when asked to mark done again, and refuses a stale todo', () => {
    const source = '- [X] shout\n';
    const [todo] = parseTodos(source, 'f');
    const again = planToggle(enc(source), source, todo!, true);
    expect(again).toMatchObject({ ok: true, plan: { from: 'X', to: 'X' } });
    const changed = '- [ ] shout\n';
    expect(planToggle(enc(changed), changed, todo!, false)).toMatchObject({ ok: false });
  });

  it('refuses when the byte is not between brackets (bytes and text disagree)', () => {
    const source = '- [ ] a\n';
    const [todo] = parseTodos(source, 'f');
    expect(planToggle(enc(`xx${source}`), source, todo!, true)).toMatchObject({ ok: false });
  });
});
