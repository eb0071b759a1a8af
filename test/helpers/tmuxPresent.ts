import { execaSync } from 'execa';
import { inCI, type Skip } from './fleet.js';

/** Why tmux tests cannot run here (`{ skip }`), or null; in CI a missing tmux is an error for `suite`. */
export function tmuxMissing(suite: string): Skip | null {
  try {
    execaSync('tmux', ['-V']);
    return null;
  } catch {
    const skip = 'tmux is not installed (apt-get install tmux)';
    if (inCI()) throw new Error(`${suite} must run in CI: ${skip}`);
    return { skip };
  }
}
