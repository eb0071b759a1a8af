// Turns the demo's flake folder into a git repository holding the planned history: `git init`,
// one `git fast-import` of every commit and tag, and `git reset` to fill the index (the working
// tree is already written). Git runs isolated from the user's configuration: no system or global
// config, HOME and XDG_CONFIG_HOME inside the demo folder, no templates and no hooks. Without git
// the demo simply has no repository.
import path from 'node:path';
import { DEMO_AUTHOR, type DemoHistory, gitIdent } from './demoHistory.js';

export interface DemoRepo {
  head: string;
  /** deployed/<host> → commit */
  tags: Record<string, string>;
}

/**
 * What every git of the demo runs with, the console's included: none of the user's git
 * configuration (nor their hooks), and the demo's own identity for a commit made in the demo.
 */
export function demoGitVariables(demoDir: string): Record<string, string> {
  return {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    HOME: demoDir,
    XDG_CONFIG_HOME: path.join(demoDir, 'config'),
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: DEMO_AUTHOR.name,
    GIT_AUTHOR_EMAIL: DEMO_AUTHOR.email,
    GIT_COMMITTER_NAME: DEMO_AUTHOR.name,
    GIT_COMMITTER_EMAIL: DEMO_AUTHOR.email,
  };
}

function demoGitEnv(demoDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  return { ...env, ...demoGitVariables(demoDir) };
}

const GIT_OPTIONS = ['-c', 'core.hooksPath=/dev/null', '-c', 'init.defaultBranch=main', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];

/** The `git fast-import` stream of the history: each distinct file once, every commit, the tags. */
export function fastImportStream(history: DemoHistory, tags: Record<string, string>): Buffer {
  const parts: Buffer[] = [Buffer.from('feature done\n')];
  const data = (text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    parts.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'));
  };
  const blobMarks = new Map<string, number>();
  let mark = history.commits.length;
  for (const commit of history.commits) {
    for (const text of Object.values(commit.tree)) {
      if (blobMarks.has(text)) continue;
      blobMarks.set(text, ++mark);
      parts.push(Buffer.from(`blob\nmark :${mark}\n`));
      data(text);
    }
  }
  const commitMark = new Map<string, number>();
  history.commits.forEach((commit, i) => {
    commitMark.set(commit.hash, i + 1);
    parts.push(Buffer.from(`commit refs/heads/main\nmark :${i + 1}\nauthor ${gitIdent(commit.date)}\ncommitter ${gitIdent(commit.date)}\n`));
    data(`${commit.subject}\n`);
    parts.push(Buffer.from('deleteall\n'));
    for (const [file, text] of Object.entries(commit.tree)) parts.push(Buffer.from(`M 100644 :${blobMarks.get(text)} ${file}\n`));
    parts.push(Buffer.from('\n'));
  });
  for (const [host, hash] of Object.entries(tags)) {
    const target = commitMark.get(hash);
    if (target !== undefined) parts.push(Buffer.from(`reset refs/tags/deployed/${host}\nfrom :${target}\n\n`));
  }
  parts.push(Buffer.from('done\n'));
  return Buffer.concat(parts);
}

/**
 * Make `flakeDir` (already holding the working tree) a repository with the history and tags.
 * Resolves to null when git is not there or fails; the demo then has no repository.
 */
export async function createDemoRepo(demoDir: string, flakeDir: string, history: DemoHistory, tags: Record<string, string>): Promise<DemoRepo | null> {
  const head = history.commits.at(-1)?.hash;
  if (head === undefined) return null;
  const { execa } = await import('execa');
  const env = demoGitEnv(demoDir);
  const git = (args: string[], input?: Buffer) =>
    execa('git', [...GIT_OPTIONS, ...args], { cwd: flakeDir, env, extendEnv: false, input, timeout: 20_000, reject: false, stripFinalNewline: false });
  const steps: [string[], Buffer?][] = [
    [['init', '--quiet', '--template=']],
    [['fast-import', '--quiet', '--date-format=raw'], fastImportStream(history, tags)],
    [['reset', '--quiet']],
  ];
  for (const [args, input] of steps) {
    const done = await git(args, input).catch(() => null);
    if (done === null || done.exitCode !== 0) return null;
  }
  return { head, tags: Object.fromEntries(Object.entries(tags).filter(([, hash]) => history.commits.some((c) => c.hash === hash))) };
}
