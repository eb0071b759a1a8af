// A large PROJECT.md as people grow them: headings every ~50 todos, nested and ordered items,
// prose, code blocks and HTML comments holding checkbox look-alikes. Used by the parser
// oracle test and by `BENCH_ONLY=todos`.

const SECTIONS = ['Immediate (This Week)', 'Soon', 'Someday', 'Security', 'Laptops', 'Servers'];
const VERBS = ['Update', 'Rotate', 'Enable', 'Test', 'Move', 'Document', 'Replace', 'Benchmark'];
const WHERE = ['on hq', 'on every laptop', 'before the release', 'on vm01 and vm02', 'this week'];
const THINGS = ['outdated packages', 'Tailscale keys', 'zram on t460', 'restic restore', 'nas to 25.11', 'the router firmware', 'ssh host keys', 'backups of vm01'];

/** About 49 bytes per todo: 10,000 todos make ~490 KB. */
export function largeTodoMarkdown(count = 10_000, newline = '\n'): string {
  const out: string[] = ['# Fleet', '', 'Everything we mean to do, by area.', ''];
  for (let i = 0; i < count; i++) {
    if (i % 50 === 0) {
      const n = i / 50;
      out.push('', `${n % 4 === 3 ? '###' : '##'} ${SECTIONS[n % SECTIONS.length]} ${n}`, '');
      if (n % 4 === 1) out.push('```nix', '- [ ] not a todo: inside a fence', '```', '');
      if (n % 8 === 2) out.push('<!--', '- [x] not a todo: in a comment', '-->', '');
    }
    const box = i % 3 === 0 ? 'x' : ' ';
    const text = `${VERBS[i % VERBS.length]} ${THINGS[(i * 7) % THINGS.length]} ${WHERE[i % WHERE.length]} #${i}`;
    if (i % 5 === 4) out.push(`  - [${box}] ${text}`);
    else if (i % 17 === 0) out.push(`1. [${box}] ${text}`);
    else out.push(`- [${box}] ${text}`);
  }
  out.push('');
  return out.join(newline);
}
