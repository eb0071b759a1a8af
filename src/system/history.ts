import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../core/runSummary.js';

/**
 * A rebuild, or an activation of an existing generation (`__activate`: a rollback or a switch to
 * a generation, which builds nothing and takes seconds); their durations are kept apart.
 */
export type RunKind = 'rebuild' | 'activation';

/** One finished run, as kept in $XDG_STATE_HOME/nixdeck/history.jsonl. */
export interface HistoryRecord {
  id: string;
  host: string;
  action: string;
  /** absent in records written before activations were recorded: a rebuild */
  kind?: RunKind;
  startedAt: string;
  durationMs: number;
  result: RunResult;
  /** build time per derivation name without hash and version (`hello`), milliseconds */
  builds: Record<string, number>;
}

export interface History {
  /** recent build durations per derivation name, oldest first */
  buildTimes: Map<string, number[]>;
  /** recent durations of whole runs per host, kind and action (runKey), oldest first */
  runTimes: Map<string, number[]>;
}

const KEEP_PER_NAME = 20;

export function historyFile(stateDir: string): string {
  return path.join(stateDir, 'history.jsonl');
}

export async function appendHistory(stateDir: string, record: HistoryRecord): Promise<void> {
  await appendFile(historyFile(stateDir), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

export function runKey(host: string, action: string, kind: RunKind = 'rebuild'): string {
  return kind === 'rebuild' ? `${host}\u0000${action}` : `${host}\u0000${kind}\u0000${action}`;
}

/** The history; lines that do not parse (a crash mid-write) are skipped. */
export async function loadHistory(stateDir: string): Promise<History> {
  const history: History = { buildTimes: new Map(), runTimes: new Map() };
  let text = '';
  try {
    text = await readFile(historyFile(stateDir), 'utf8');
  } catch {
    return history;
  }
  const push = (map: Map<string, number[]>, key: string, value: number): void => {
    const list = map.get(key) ?? [];
    list.push(value);
    if (list.length > KEEP_PER_NAME) list.shift();
    map.set(key, list);
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: Partial<HistoryRecord>;
    try {
      record = JSON.parse(line) as Partial<HistoryRecord>;
    } catch {
      continue;
    }
    if (typeof record.host !== 'string' || typeof record.action !== 'string') continue;
    if (record.result === 'succeeded' && typeof record.durationMs === 'number') push(history.runTimes, runKey(record.host, record.action, record.kind === 'activation' ? 'activation' : 'rebuild'), record.durationMs);
    for (const [name, ms] of Object.entries(record.builds ?? {})) if (typeof ms === 'number' && ms >= 0) push(history.buildTimes, name, ms);
  }
  return history;
}
