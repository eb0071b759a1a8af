// BENCH_ONLY=todos: a large PROJECT.md (490 KB, 10,000 todos) through `todos --json`, and a
// tick in the console's Controller with the real todo file services. Cold: no parse cache
// (removed before every run); warm: the cache entry of the previous run is there.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PREFS } from '../src/core/prefsSchema.js';
import { Controller, type Services } from '../src/state/controller.js';
import { readTodoFile, setTodoDone } from '../src/system/todoFile.js';
import { largeTodoMarkdown } from '../test/helpers/largeTodoFile.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** Wall time of one run; with `rssFile`, the child's process.resourceUsage() is written there on exit. */
function runCli(cli: string, args: string[], rssFile?: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const preload = rssFile
    ? ['--import', `data:text/javascript,${encodeURIComponent(`import fs from 'node:fs'; process.on('exit', () => fs.writeFileSync(${JSON.stringify(rssFile)}, JSON.stringify(process.resourceUsage())));`)}`]
    : [];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...preload, cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

export async function largeTodoFile(cli: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nixdeck-bench-todos-'));
  try {
    const file = path.join(dir, 'PROJECT.md');
    const markdown = largeTodoMarkdown(10_000);
    writeFileSync(file, markdown);
    const kb = Buffer.byteLength(markdown) / 1000;
    const args = ['todos', '--json', '--file', file];

    const cacheHome = path.join(dir, 'cache');
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
    const cold = (): void => rmSync(cacheHome, { recursive: true, force: true });
    await runCli(cli, args, undefined, env); // warm the page cache
    const walls: number[] = [];
    const warmWalls: number[] = [];
    for (let i = 0; i < 7; i++) {
      cold();
      walls.push(await runCli(cli, args, undefined, env));
      warmWalls.push(await runCli(cli, args, undefined, env));
    }
    const rssFile = path.join(dir, 'maxrss');
    const peaks: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 3; i++) {
      cold();
      await runCli(cli, args, rssFile, env);
      const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as NodeJS.ResourceUsage;
      peaks.push(usage.maxRSS / 1024);
      cpu.push((usage.userCPUTime + usage.systemCPUTime) / 1000);
    }
    const baseline: number[] = [];
    for (let i = 0; i < 7; i++) baseline.push(await runCli('-e', ['0']));
    console.log(`large todo file: ${kb.toFixed(0)} KB, 10,000 todos`);
    console.log(`  todos --json        cold (no cache) median ${ms(median(walls))} of 7 (min ${ms(Math.min(...walls))})   (goal <= 300 ms)`);
    console.log(`  todos --json        warm (cached)   median ${ms(median(warmWalls))} of 7 (min ${ms(Math.min(...warmWalls))})`);
    console.log(`  todos --json        cold CPU (user + system) ${ms(median(cpu))}, median of 3; node -e 0 takes ${ms(median(baseline))} wall here`);
    console.log(`  todos --json        cold peak RSS ${Math.max(...peaks).toFixed(1)} MB (kernel maxRSS, max of 3)   (goal <= 120 MB)`);

    // the console's path: Controller.reloadTodos, then Space on a todo near the end of the file
    const services: Services = {
      hostname: 'bench',
      listFolderHosts: async () => [],
      evalFlakeHosts: async () => ({ ok: true, names: [] }),
      readGenerations: async () => ({ ok: false, error: 'not in the bench' }),
      readTodos: readTodoFile,
      setTodoDone,
      savePrefs: () => {},
    };
    // the console's own cache folder for the load figures: cold first, then warm
    const savedCacheHome = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cacheHome;
    cold();
    const coldLoad = await consoleLoad(services, dir, file);
    const warmLoad = await consoleLoad(services, dir, file);
    if (savedCacheHome === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = savedCacheHome;
    coldLoad.controller.dispose();
    const controller = warmLoad.controller;
    controller.lists.focus('todos');
    controller.lists.moveTo(9_000);
    const ticks: number[] = [];
    const rounds = Number(process.env.BENCH_TODO_TICKS ?? 20);
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await controller.todos.toggleSelectedTodo();
      ticks.push(performance.now() - t);
    }
    const notice = controller.state.notice;
    controller.dispose();
    for (const [name, load] of [['cold', coldLoad], ['warm', warmLoad]] as const) {
      console.log(`  console: load ${name} ${ms(load.ms)}, longest event-loop stall while loading ${ms(load.longestStall)}`);
    }
    console.log(`  console: tick (Space on todo 9,000)  median ${ms(median(ticks))} of ${rounds}, max ${ms(Math.max(...ticks))}   (goal <= 50 ms)   last: ${notice?.text ?? '-'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Controller.reloadTodos, and the longest time the event loop was held meanwhile (keys wait that long). */
async function consoleLoad(services: Services, dir: string, file: string): Promise<{ controller: Controller; ms: number; longestStall: number }> {
  const controller = new Controller(services, { flakeDir: dir, todoFile: file, prefs: { ...DEFAULT_PREFS } });
  let longest = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  await controller.todos.reloadTodos();
  const took = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 20)); // the probe sees the last stall
  clearInterval(probe);
  return { controller, ms: took, longestStall: longest };
}
