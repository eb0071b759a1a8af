import type { Prefs } from '../core/prefsSchema.js';
import type { GenerationsRead } from '../core/result.js';
import type { GenerationList, Host, ParsedTodo } from '../core/types.js';
import type { FlakeHostsResult } from '../system/hostsDiscovery.js';
import type { TodoReadResult, TodoSnapshot, ToggleOutcome } from '../system/todoFile.js';
import type { FleetStatusService } from './fleetSlice.js';
import type { GenerationOps } from '../core/generationService.js';
import type { RunsService } from '../core/runsService.js';
import type { RepoService } from '../core/repo.js';


/** Everything the console needs from the outside world, injected so tests and the demo can swap it. */
export interface Services {
  hostname: string;
  listFolderHosts(flakeDir: string): Promise<string[]>;
  evalFlakeHosts(flakeDir: string): Promise<FlakeHostsResult>;
  /** the flake's hosts as last evaluated, shown until the evaluation confirms them; null when unknown */
  cachedFlakeHosts?(flakeDir: string): Promise<string[] | null>;
  readGenerations(host: Host): Promise<GenerationsRead>;
  /** the list last read from a remote host, shown (with its age) until the host is read again; null when none */
  cachedGenerations?(host: Host): Promise<{ list: GenerationList; savedAtMs: number } | null>;
  /** the Fleet view's reads; without it F says the view is not available */
  fleet?: FleetStatusService;
  readTodos(file: string): Promise<TodoReadResult>;
  setTodoDone(snapshot: TodoSnapshot, todo: ParsedTodo, done: boolean): Promise<ToggleOutcome>;
  savePrefs(changes: Partial<Prefs>): void;
  /** rebuild runs; without it the run keys say that runs are not available */
  runs?: RunsService;
  /** switch to, compare and delete generations; without it those keys say they are not available */
  generations?: GenerationOps;
  /** the flake's repository: inputs, git state, commits, update; without it those keys say it is not available */
  repo?: RepoService;
  /** ring the terminal bell; called when a watched run ends and the `bell` preference is on */
  bell?(): void;
}
