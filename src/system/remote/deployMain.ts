// `nixdeck __deploy <json>`: the step runner of a remote deploy or generation switch, run as a
// detached run (see runLauncher.ts), so its standard error is the run's log. With elevation
// "password", the sudo password is the first line of standard input (the run's supervisor pipes it).
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseRemoteRequest, RemoteRequestError } from '../../core/deployPlan.js';
import { stepRunnerRequest } from '../stepRunnerRequest.js';
import { remoteScript } from './remoteScripts.js';
import { type LocalStep, runRemoteRequest } from './deploySteps.js';
import { type OpenedRemote, openDeployRemote } from './deployRemote.js';

/** A local command with our stdio: no input, its output on our standard error. */
export const localStep: LocalStep = async (argv, options) => {
  const [file, ...args] = argv;
  if (file === undefined) return { exitCode: null, problem: 'empty command' };
  const r = await execa(file, args, {
    stdin: 'ignore',
    stdout: 2,
    stderr: 'inherit',
    reject: false,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  if (r.exitCode !== undefined) return { exitCode: r.exitCode, problem: null };
  if (r.signal) return { exitCode: null, problem: `killed by ${r.signal}` };
  return { exitCode: null, problem: r.code === 'ENOENT' ? `${file} not found` : (r.shortMessage ?? 'could not be run') };
};

async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  const newline = text.indexOf('\n');
  return newline < 0 ? text : text.slice(0, newline);
}

export interface DeployMainDeps {
  open?(host: string): Promise<OpenedRemote>;
  stdin?: NodeJS.ReadableStream;
  workDir?: string;
}

export async function deployMain(args: readonly string[], deps: DeployMainDeps = {}): Promise<number> {
  const say = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const start = stepRunnerRequest('__deploy', args, parseRemoteRequest, RemoteRequestError);
  if (!start.ok) return start.exitCode;
  const { request } = start;
  const password = request.elevation === 'password' ? await readPassword(deps.stdin ?? process.stdin) : undefined;
  const opened = await (deps.open ?? openDeployRemote)(request.host);
  // the build's result link lives here while the run goes (a GC root until the host has the system)
  const workDir = deps.workDir ?? (await mkdtemp(path.join(os.tmpdir(), 'nixdeck-deploy-')));
  try {
    return await runRemoteRequest(request, {
      remote: opened.remote,
      script: remoteScript('activate.sh'),
      say,
      step: localStep,
      workDir,
      ...(password !== undefined ? { password } : {}),
    });
  } finally {
    await opened.close();
    if (deps.workDir === undefined) await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}
