// The demo flake repository's history: about three dozen commits over half a year that build the
// fleet's files up to what the demo writes, flake.lock updates among them. Each commit is given
// as the change it made (text it added or replaced), undone from the newest commit back, so the
// files at HEAD are exactly the demo's. Commit hashes are computed here as git computes them
// (blob, tree and commit objects), so the generations can carry them before git has run, and
// without git at all.
import { createHash } from 'node:crypto';
import { demoLockText, type InputLock, type LockState, type NixpkgsLock, type OtherInput } from './demoLock.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEMO_AUTHOR = { name: 'Alice', email: 'alice@example.org' } as const;

/** A change a commit made to one file, as found in the file after it. */
type Edit =
  | { file: string; add: string }
  | { file: string; replace: readonly [before: string, after: string] }
  | { file: string; create: true };

interface CommitSpec {
  /** days relative to the demo's day (midnight UTC of `now`) */
  day: number;
  /** UTC, HH:MM */
  time: string;
  /** null: "flake.lock: update <the inputs that changed>" */
  subject: string | null;
  edits?: readonly Edit[];
  /** inputs this commit added to flake.nix or updated in flake.lock */
  inputs?: readonly OtherInput[];
}

const HQ = 'systems/hq/default.nix';
const T460 = 'systems/t460/default.nix';
const X1 = 'systems/x1carbon/default.nix';
const VM01 = 'systems/vm01/default.nix';
const NAS = 'systems/nas/default.nix';

/** The first commit: the history starts here, everything before it was never in this repository. */
export const HISTORY_DAYS = 190;

const COMMITS: readonly CommitSpec[] = [
  { day: -HISTORY_DAYS, time: '20:14', subject: "Import the fleet's configuration from /etc/nixos into one flake" },
  { day: -184, time: '19:02', subject: 'hq: enable fwupd', edits: [{ file: HQ, add: '  services.fwupd.enable = true;\n' }] },
  { day: -161, time: '18:25', subject: 't460: enable fwupd', edits: [{ file: T460, add: '  services.fwupd.enable = true;\n' }] },
  {
    day: -153, time: '22:10', subject: 'nas: restic REST server, reachable over Tailscale',
    edits: [{
      file: NAS,
      add: '  services.restic.server = {\n    enable = true;\n    dataDir = "/srv/restic";\n    extraFlags = [ "--no-auth" ];\n  };\n  networking.firewall.interfaces.tailscale0.allowedTCPPorts = [ 8000 ];\n\n',
    }],
  },
  {
    day: -147, time: '20:45', subject: 'hq: add restic backups (nightly, /home to nas; the laptops too)',
    edits: [{ file: 'modules/restic.nix', create: true }, { file: 'flake.nix', add: '        ./modules/restic.nix\n' }],
  },
  {
    day: -139, time: '19:30', subject: 'x1carbon: battery-saver specialisation',
    edits: [{
      file: X1,
      add: '  # Picked in the boot menu before a long train ride.\n  specialisation.battery-saver.configuration = {\n    services.power-profiles-daemon.enable = lib.mkForce false;\n    services.tlp = {\n      enable = true;\n      settings = {\n        CPU_ENERGY_PERF_POLICY_ON_BAT = "power";\n        START_CHARGE_THRESH_BAT0 = 40;\n        STOP_CHARGE_THRESH_BAT0 = 80;\n      };\n    };\n    boot.kernelParams = [ "pcie_aspm.policy=powersupersave" ];\n  };\n\n',
    }],
  },
  {
    day: -120, time: '20:20', subject: "t460, x1carbon: ThinkPad modules from nixos-hardware", inputs: ['nixos-hardware'],
    edits: [
      { file: 'flake.nix', add: '    nixos-hardware.url = "github:NixOS/nixos-hardware";\n' },
      { file: 'flake.nix', replace: ['[ ./systems/t460 ]', '[ ./systems/t460 inputs.nixos-hardware.nixosModules.lenovo-thinkpad-t460 ]'] },
      { file: 'flake.nix', replace: ['[ ./systems/x1carbon ]', '[ ./systems/x1carbon inputs.nixos-hardware.nixosModules.lenovo-thinkpad-x1-9th-gen ]'] },
    ],
  },
  {
    day: -112, time: '22:30', subject: 'nas: weekly ZFS scrub and auto-snapshots',
    edits: [{ file: NAS, add: '  services.zfs.autoScrub.enable = true;\n  services.zfs.autoSnapshot.enable = true;\n' }],
  },
  {
    day: -103, time: '19:15', subject: 'PROJECT.md: plan the nas move to 25.11',
    edits: [{
      file: 'PROJECT.md',
      add: '* [ ] Move nas to 25.11\n  * [ ] Read the [25.11 release notes](https://nixos.org/manual/nixos/stable/release-notes)\n  * [ ] Check that ZFS builds against `linuxPackages_6_12`\n  * [ ] Drop the `nixpkgs-2505` input from `flake.nix`\n',
    }],
  },
  { day: -100, time: '08:12', subject: null, inputs: ['home-manager'] },
  {
    day: -81, time: '21:35', subject: "home: alice's dotfiles from a local checkout (path input)", inputs: ['dotfiles'],
    edits: [{ file: 'flake.nix', add: '    dotfiles = {\n      url = "path:/home/alice/src/dotfiles";\n      flake = false;\n    };\n' }],
  },
  {
    day: -60, time: '20:50', subject: 'sops-nix: secrets for the desktops', inputs: ['sops-nix'],
    edits: [
      { file: 'flake.nix', add: '    sops-nix.url = "github:Mic92/sops-nix";\n' },
      { file: 'flake.nix', add: '        inputs.sops-nix.nixosModules.sops\n' },
    ],
  },
  { day: -45, time: '08:05', subject: null, inputs: ['home-manager'] },
  { day: -38, time: '20:10', subject: 'vm01: restic for the restore drill', edits: [{ file: VM01, add: '  environment.systemPackages = [ pkgs.restic ];\n' }] },
  { day: -33, time: '07:45', subject: null, inputs: ['sops-nix'] },
  { day: -22, time: '08:20', subject: null, inputs: ['nixpkgs-unstable'] },
  {
    day: -18, time: '19:20', subject: 'PROJECT.md: Tailscale keys rotated everywhere',
    edits: [{
      file: 'PROJECT.md',
      replace: ['- [ ] Rotate Tailscale keys\n  - [x] hq, t460, x1carbon\n  - [ ] nas', '- [x] Rotate Tailscale keys\n  - [x] hq, t460, x1carbon\n  - [x] nas'],
    }],
  },
  { day: -15, time: '20:35', subject: 'hq: podman for the immich containers', edits: [{ file: HQ, add: '  virtualisation.podman.enable = true;\n' }] },
  {
    day: -7, time: '19:40', subject: 'PROJECT.md: restore drill on vm01',
    edits: [{
      file: 'PROJECT.md',
      add: '- [ ] Test restic restore on vm01\n  - [x] Restore the latest `/home` snapshot of x1carbon into `/tmp/restore`\n  - [ ] Compare with `diff -r` and note how long it took\n',
    }],
  },
  // (the newest `nix flake update` of nixpkgs comes in here, day -4 in the morning)
  { day: -4, time: '20:05', subject: 'x1carbon: fingerprint reader', edits: [{ file: X1, add: '  services.fprintd.enable = true;\n' }] },
  { day: -3, time: '08:50', subject: 't460: fprintd for login and sudo', edits: [{ file: T460, add: '  services.fprintd.enable = true;\n' }] },
  {
    day: -3, time: '22:15', subject: 'PROJECT.md: reboot t460 for its new kernel',
    edits: [{ file: 'PROJECT.md', add: '- [ ] Reboot t460 (the new kernel is installed but not running)\n' }],
  },
  {
    day: -2, time: '10:15', subject: 'home: btop and nixd for alice',
    edits: [{ file: 'modules/home.nix', replace: ['[ ripgrep fd jq ]', '[ ripgrep fd jq btop nixd ]'] }],
  },
  { day: -2, time: '18:40', subject: 'hq: bluetooth', edits: [{ file: HQ, add: '  hardware.bluetooth.enable = true;\n' }] },
];

/** The uncommitted edit in the working tree: zram on t460, as PROJECT.md asks for. */
export const DIRTY_EDIT = { file: T460, after: '  hardware.bluetooth.enable = true;\n', add: '  zramSwap.enable = true;\n' } as const;
/** A file nobody has added yet. */
export const UNTRACKED_FILE = {
  file: 'notes/restore-drill.md',
  text: '# Restore drill on vm01\n\n- snapshot: latest of x1carbon /home\n- started 21:10, restic restore still running at 21:40\n',
} as const;

export interface DemoCommit {
  hash: string;
  /** ms, whole seconds */
  date: number;
  subject: string;
  /** path → content, the whole tree */
  tree: Record<string, string>;
}

export interface DemoHistory {
  /** oldest first */
  commits: DemoCommit[];
  /** HEAD's tree with the uncommitted edit, and the untracked file */
  workingTree: Record<string, string>;
}

export interface HistoryInput {
  now: number;
  /** the files at HEAD except flake.nix and flake.lock */
  files: Record<string, string>;
  /** flake.nix's template: `fillFlake(text, date)` fills it for a commit's date */
  flakeTemplate: string;
  fillFlake(template: string, date: number): string;
  /** the dates of the fleet's `nix flake update`s of nixpkgs */
  nixpkgsUpdates: readonly number[];
  /** nixpkgs, and the 25.05 input, as the newest update at `date` left them */
  nixpkgsAt(date: number): { nixpkgs: NixpkgsLock; nixpkgs2505: NixpkgsLock };
  /** more commits that change no file themselves (a release move: flake.nix and flake.lock follow the date) */
  events?: readonly { date: number; subject: string }[];
}

/** Midnight UTC of the day `now` falls on: the history moves with the demo's clock a day at a time. */
export const demoDay = (now: number): number => Math.floor(now / DAY) * DAY;

function dateOf(day: number, spec: CommitSpec): number {
  const [h = 0, m = 0] = spec.time.split(':').map(Number);
  return day + spec.day * DAY + h * HOUR + m * 60_000;
}

interface Planned {
  date: number;
  subject: string | null;
  edits: readonly Edit[];
  inputs: readonly OtherInput[];
  /** updates nixpkgs (a timeline update) */
  lock: boolean;
}

/** The whole history for a demo started at `now`. */
export function planHistory(input: HistoryInput): DemoHistory {
  const day = demoDay(input.now);
  const planned: Planned[] = COMMITS.map((c) => ({ date: dateOf(day, c), subject: c.subject, edits: c.edits ?? [], inputs: c.inputs ?? [], lock: false }));
  const first = planned[0]?.date ?? day;
  const last = planned.at(-1)?.date ?? day;
  for (const date of input.nixpkgsUpdates) {
    const at = Math.ceil(date / 1000) * 1000;
    if (at > first && at < last) planned.push({ date: at, subject: null, edits: [], inputs: [], lock: true });
  }
  for (const event of input.events ?? []) {
    if (event.date > first && event.date < last) planned.push({ date: event.date, subject: event.subject, edits: [], inputs: [], lock: false });
  }
  planned.sort((a, b) => a.date - b.date);

  // forwards: each commit's flake.lock
  const initial: LockState['inputs'] = {
    'nixpkgs-unstable': { n: 0, at: first - 12 * DAY },
    'home-manager': { n: 0, at: first - 20 * DAY },
  };
  let inputs = initial;
  const locks: string[] = [];
  const subjects: string[] = [];
  let previous: LockState | null = null;
  for (const p of planned) {
    if (p.inputs.length > 0) {
      inputs = { ...inputs };
      for (const name of p.inputs) inputs[name] = { n: (inputs[name]?.n ?? -1) + 1, at: p.date } satisfies InputLock;
    }
    const state: LockState = { ...input.nixpkgsAt(p.date), inputs };
    // most commits leave flake.lock as it was: the same state, the same text
    const same = previous !== null && JSON.stringify(previous) === JSON.stringify(state);
    locks.push(same ? (locks.at(-1) ?? '') : demoLockText(state));
    subjects.push(p.subject ?? `flake.lock: update ${updatedInputs(previous, state).join(', ') || 'inputs'}`);
    previous = state;
  }

  // backwards: each commit's files, undoing the newer commits' edits from HEAD's files
  let files: Record<string, string> = { ...input.files, 'flake.nix': input.flakeTemplate };
  const trees: Record<string, string>[] = [];
  for (let i = planned.length - 1; i >= 0; i--) {
    const p = planned[i] as Planned;
    const { 'flake.nix': template = '', ...rest } = files;
    trees[i] = { ...rest, 'flake.nix': input.fillFlake(template, p.date), 'flake.lock': locks[i] ?? '' };
    files = undo(files, p.edits, subjects[i] ?? '');
  }

  const hasher = new GitHasher();
  const commits: DemoCommit[] = [];
  let parent: string | null = null;
  planned.forEach((p, i) => {
    const tree = trees[i] ?? {};
    const subject = subjects[i] ?? '';
    const hash = hasher.commit(hasher.tree(tree), parent, p.date, `${subject}\n`);
    commits.push({ hash, date: p.date, subject, tree });
    parent = hash;
  });
  const head = commits.at(-1)?.tree ?? {};
  return { commits, workingTree: { ...head, [DIRTY_EDIT.file]: dirtied(head[DIRTY_EDIT.file] ?? ''), [UNTRACKED_FILE.file]: UNTRACKED_FILE.text } };
}

function dirtied(text: string): string {
  const at = text.indexOf(DIRTY_EDIT.after);
  if (at < 0) throw new Error(`demo history: ${DIRTY_EDIT.file} has no line "${DIRTY_EDIT.after.trim()}" to edit after`);
  const end = at + DIRTY_EDIT.after.length;
  return `${text.slice(0, end)}${DIRTY_EDIT.add}${text.slice(end)}`;
}

/** The inputs an update changed (not those it added). */
function updatedInputs(before: LockState | null, after: LockState): string[] {
  if (before === null) return [];
  const names: string[] = [];
  for (const name of Object.keys(after.inputs).sort() as OtherInput[]) {
    const [x, y] = [before.inputs[name], after.inputs[name]];
    if (x && y && x.n !== y.n) names.push(name);
  }
  if (before.nixpkgs.index !== after.nixpkgs.index) names.push('nixpkgs');
  if (before.nixpkgs2505.index !== after.nixpkgs2505.index) names.push('nixpkgs-2505');
  return names.sort();
}

/** The files before a commit, from the files after it. */
function undo(files: Record<string, string>, edits: readonly Edit[], subject: string): Record<string, string> {
  const out = { ...files };
  for (const edit of [...edits].reverse()) {
    const text = out[edit.file];
    if (text === undefined) throw new Error(`demo history: "${subject}" changes ${edit.file}, which is not there`);
    if ('create' in edit) {
      delete out[edit.file];
      continue;
    }
    const [before, after] = 'add' in edit ? ['', edit.add] : edit.replace;
    const at = text.indexOf(after);
    if (at < 0 || text.indexOf(after, at + 1) >= 0) {
      throw new Error(`demo history: "${subject}": ${edit.file} must hold ${JSON.stringify(after)} exactly once`);
    }
    out[edit.file] = `${text.slice(0, at)}${before}${text.slice(at + after.length)}`;
  }
  return out;
}

/** The newest commit at or before `date`, or null before the history starts. */
export function commitAt(history: DemoHistory, date: number): DemoCommit | null {
  let found: DemoCommit | null = null;
  for (const c of history.commits) if (c.date <= date) found = c;
  return found;
}

// ---- git's object hashes ------------------------------------------------------------------------

export const gitIdent = (date: number): string => `${DEMO_AUTHOR.name} <${DEMO_AUTHOR.email}> ${Math.floor(date / 1000)} +0000`;

/** A folder of a tree: name → a file's content or a folder. */
type Folder = Map<string, string | Folder>;

class GitHasher {
  private readonly blobs = new Map<string, Buffer>();
  /** tree id by its entries: most folders are the same from one commit to the next */
  private readonly trees = new Map<string, Buffer>();

  private object(type: string, body: Buffer): Buffer {
    return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest();
  }

  private blob(text: string): Buffer {
    let id = this.blobs.get(text);
    if (!id) {
      id = this.object('blob', Buffer.from(text, 'utf8'));
      this.blobs.set(text, id);
    }
    return id;
  }

  /** The tree of `files` (path → content, all mode 100644), hex. */
  tree(files: Record<string, string>): string {
    const root: Folder = new Map();
    for (const [file, text] of Object.entries(files)) {
      const parts = file.split('/');
      let folder = root;
      for (const part of parts.slice(0, -1)) {
        let sub = folder.get(part);
        if (typeof sub !== 'object') {
          sub = new Map();
          folder.set(part, sub);
        }
        folder = sub;
      }
      folder.set(parts.at(-1) ?? '', text);
    }
    return this.treeOf(root).toString('hex');
  }

  private treeOf(folder: Folder): Buffer {
    // git sorts a tree's entries by their bytes, a folder's name as if it ended in '/' (the demo's names are ASCII)
    const key = (name: string): string => (typeof folder.get(name) === 'object' ? `${name}/` : name);
    const names = [...folder.keys()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const ids: [string, boolean, Buffer][] = [];
    let entriesKey = '';
    for (const name of names) {
      const entry = folder.get(name) ?? '';
      const dir = typeof entry === 'object';
      const id = dir ? this.treeOf(entry) : this.blob(entry);
      ids.push([name, dir, id]);
      entriesKey += `${name} ${id.toString('latin1')}/`;
    }
    let tree = this.trees.get(entriesKey);
    if (!tree) {
      tree = this.object('tree', Buffer.concat(ids.flatMap(([name, dir, id]) => [Buffer.from(`${dir ? '40000' : '100644'} ${name}\0`), id])));
      this.trees.set(entriesKey, tree);
    }
    return tree;
  }

  commit(tree: string, parent: string | null, date: number, message: string): string {
    const ident = gitIdent(date);
    const text = `tree ${tree}\n${parent ? `parent ${parent}\n` : ''}author ${ident}\ncommitter ${ident}\n\n${message}`;
    return this.object('commit', Buffer.from(text, 'utf8')).toString('hex');
  }
}
