// The start every step runner shares: one JSON argument, exit 2 with a message when it is wrong.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRemoteRequest, RemoteRequestError } from '../../src/core/deployPlan.js';
import { parseStepRequest, requestJson, StepRequestError } from '../../src/core/generationOps.js';
import { stepRunnerRequest } from '../../src/system/stepRunnerRequest.js';

const written: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  written.length = 0;
});
const captureStderr = () =>
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });

describe('step runner request', () => {
  it('no argument or two: the usage line, exit 2', () => {
    captureStderr();
    expect(stepRunnerRequest('__deploy', [], parseRemoteRequest, RemoteRequestError)).toEqual({ ok: false, exitCode: 2 });
    expect(stepRunnerRequest('__activate', ['{}', '{}'], parseStepRequest, StepRequestError)).toEqual({ ok: false, exitCode: 2 });
    expect(written).toEqual(['usage: __deploy REQUEST_JSON\n', 'usage: __activate REQUEST_JSON\n']);
  });

  it("a bad request: what is wrong with it, exit 2, and no hang-up handler", () => {
    captureStderr();
    const hangups = process.listenerCount('SIGHUP');
    expect(stepRunnerRequest('__demo-deploy', ['{'], parseRemoteRequest, RemoteRequestError)).toEqual({ ok: false, exitCode: 2 });
    expect(stepRunnerRequest('__demo-activate', ['{"kind":"nope"}'], parseStepRequest, StepRequestError)).toEqual({ ok: false, exitCode: 2 });
    expect(written).toEqual(['error: bad request: the request is not valid JSON\n', 'error: bad request: "profile" must be an absolute path of a profile link\n']);
    expect(process.listenerCount('SIGHUP')).toBe(hangups);
  });

  it('a good request is handed back, and a hang-up no longer ends the process', () => {
    const hangups = process.listenerCount('SIGHUP');
    const request = { kind: 'activate', profile: '/nix/var/nix/profiles/system', generation: 3, action: 'switch' };
    const start = stepRunnerRequest('__activate', [JSON.stringify(request)], parseStepRequest, StepRequestError);
    expect(start).toEqual({ ok: true, request });
    expect(process.listenerCount('SIGHUP')).toBe(hangups + 1);
    for (const l of process.listeners('SIGHUP').slice(hangups)) process.off('SIGHUP', l);
  });

  it('an error that is not a bad request is not swallowed', () => {
    const boom = () => {
      throw new TypeError('a bug');
    };
    expect(() => stepRunnerRequest('__deploy', ['{}'], boom, RemoteRequestError)).toThrow(TypeError);
  });

  it('requestJson throws the runner’s own error class on text that is not JSON', () => {
    expect(requestJson('[1]', StepRequestError)).toEqual([1]);
    expect(() => requestJson('{', StepRequestError)).toThrow(StepRequestError);
    expect(() => requestJson('{', RemoteRequestError)).toThrow(RemoteRequestError);
  });
});
