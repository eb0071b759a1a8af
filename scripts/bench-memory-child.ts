// The measured side of bench.ts's "peak memory after a 1,000,000-line run": a process of its own
// (so nothing of the bench's own data is counted) that follows one run's log to its end with
// trackRun, taking a pane's snapshot on every batch like the console does, and prints its memory
// figures as one JSON line on stdout.
//
//   node --expose-gc --import tsx scripts/bench-memory-child.ts RUN_DIR
import { trackRun } from '../src/system/runTracking.js';

const runDir = process.argv[2];
if (runDir === undefined) {
  process.stderr.write('usage: bench-memory-child.ts RUN_DIR\n');
  process.exit(2);
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
gc();
const baselineRss = process.memoryUsage().rss;
let peakRss = baselineRss;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 50);

const started = performance.now();
const controller = new AbortController();
let batches = 0;
let paneLines = 0;
const tracked = trackRun(runDir, {
  signal: controller.signal,
  onChange: () => {
    batches++;
    // what a pane asks for on an update
    paneLines = tracked.progress.snapshot({ tailLines: 500 }).tail.length;
  },
});
const info = await tracked.done;
const elapsedMs = performance.now() - started;
sample();
clearInterval(sampler);

const snap = tracked.progress.snapshot({ tailLines: 500 });
gc();
const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    state: info.state,
    elapsedMs,
    batches,
    paneLines,
    events: snap.events,
    displayLines: snap.totalLines,
    buildsDone: snap.builds.done,
    baselineRss,
    peakRss,
    /** the kernel's high-water mark of this process, in bytes */
    maxRss: process.resourceUsage().maxRSS * 1024,
    finalRss: memory.rss,
    finalHeapUsed: memory.heapUsed,
  })}\n`,
);
// `progress` must stay reachable until the figures above are taken
void tracked.progress;
