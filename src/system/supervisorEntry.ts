// `node supervisorEntry.js <runDir> [--password-on-stdin]`: a run's detached supervisor.
// The app itself uses the hidden `nixdeck __supervise` subcommand, which calls supervisorMain.
import { ignoreHangup, supervisorMain } from './supervisor.js';

ignoreHangup();
process.exitCode = await supervisorMain(process.argv.slice(2));
