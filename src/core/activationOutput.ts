// Reading the output of activation (switch-to-configuration, nixos-rebuild's activation step):
// whether it began, which units failed, whether switching reported errors, the new configuration.
// Pure: lines in, facts out.

export interface ActivationInfo {
  /** switch-to-configuration (or nixos-rebuild's activation) has begun */
  started: boolean;
  /** from `warning: the following units failed: a.service, b.service` */
  unitsFailed: string[];
  /** `warning: error(s) occurred while switching to the new configuration` was seen */
  switchErrors: boolean;
  /** from `Done. The new configuration is /nix/store/…` */
  newConfiguration: string | null;
}

const ACTIVATION_PREFIXES = [
  'activating the configuration...',
  'would activate the configuration...',
  'Checking switch inhibitors',
  'updating GRUB 2 menu',
  'updating systemd-boot entries',
  'stopping the following units:',
  'would stop the following units:',
  'setting up /etc...',
  'Failed to run activate script',
  'Failed to install bootloader',
];

const UNITS_FAILED = 'warning: the following units failed: ';
const SWITCH_ERRORS = 'warning: error(s) occurred while switching to the new configuration';
const DONE_NEW_CONFIG = 'Done. The new configuration is ';

/**
 * What one line of output said about activation: `activating` when it shows activation going on
 * (the run's stage changes), `done` for the closing line, null when it is not activation output.
 */
export type ActivationLine = 'activating' | 'done' | null;

/** Accumulates what activation output says, one plain output line at a time. */
export class ActivationReader {
  private readonly info: ActivationInfo = { started: false, unitsFailed: [], switchErrors: false, newConfiguration: null };

  read(line: string): ActivationLine {
    const c = line.charCodeAt(0);
    if (c === 0x77 /* w */) {
      if (line.startsWith(UNITS_FAILED)) {
        for (const unit of line.slice(UNITS_FAILED.length).split(',')) {
          const u = unit.trim();
          if (u !== '' && !this.info.unitsFailed.includes(u)) this.info.unitsFailed.push(u);
        }
        this.info.started = true;
        return 'activating';
      }
      if (line.startsWith(SWITCH_ERRORS)) {
        this.info.switchErrors = true;
        this.info.started = true;
        return 'activating';
      }
      if (line.startsWith('warning: ')) return null;
    }
    if (line.startsWith(DONE_NEW_CONFIG)) {
      this.info.newConfiguration = line.slice(DONE_NEW_CONFIG.length).trim() || null;
      return 'done';
    }
    for (const prefix of ACTIVATION_PREFIXES) {
      if (line.startsWith(prefix)) {
        this.info.started = true;
        return 'activating';
      }
    }
    return null;
  }

  /** A copy of what was read so far. */
  snapshot(): ActivationInfo {
    return { ...this.info, unitsFailed: [...this.info.unitsFailed] };
  }
}
