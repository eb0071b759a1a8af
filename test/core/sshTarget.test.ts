import { describe, expect, it } from 'vitest';
import { describeSshFailure, parseSshOptions, parseSshTarget, splitShellWords } from '../../src/core/sshTarget.js';

describe('parseSshTarget', () => {
  it.each([
    ['hq', { destination: 'hq' }],
    ['root@10.0.0.5', { destination: 'root@10.0.0.5' }],
    ['root@10.0.0.5:2222', { destination: 'root@10.0.0.5', port: 2222 }],
    ['deploy@t460.lan:22', { destination: 'deploy@t460.lan', port: 22 }],
    ['nas.example.org', { destination: 'nas.example.org' }],
    ['[fe80::1]:2222', { destination: 'fe80::1', port: 2222 }],
    ['root@[2001:db8::7]:65535', { destination: 'root@2001:db8::7', port: 65535 }],
    ['root@[::1]', { destination: 'root@::1' }],
    ['root@fe80::1%eth0', { destination: 'root@fe80::1%eth0' }],
    ['::1', { destination: '::1' }],
    ['my_alias', { destination: 'my_alias' }],
  ])('%s', (raw, expected) => {
    expect(parseSshTarget(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['-oProxyCommand=touch /tmp/x', 'it holds a space'],
    ['-oProxyCommand=id', 'starts with "-"'],
    ['root@host name', 'a space'],
    ['host\nname', 'control character'],
    ['host\x1b[31m', 'control character'],
    ['@hq', 'the user before "@" is empty'],
    ['ro$ot@hq', 'the user "ro$ot"'],
    ['root@', 'the host is empty'],
    ['root@:22', 'the host is empty'],
    ['root@hq:0', 'the port "0"'],
    ['root@hq:65536', 'the port "65536"'],
    ['root@hq:22x', 'the port "22x"'],
    ['root@hq:', 'the port ""'],
    ['root@-hq', 'the host "-hq"'],
    ['root@.hq', 'the host ".hq"'],
    ['root@h;q', 'the host "h;q"'],
    ['root@h$(id)', 'the host "h$(id)"'],
    ['[fe80::1', '"[" without "]"'],
    ['[fe80::1]2222', 'is not ":port"'],
    ['[hq]:22', 'is not an IPv6 address'],
    ['a:b:c:zz', 'is not an IPv6 address'],
  ])('refuses %j: %s', (raw, why) => {
    const r = parseSshTarget(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(why);
      // it says what to write instead, on one line, with no control character
      expect(r.error).toMatch(/user@host|ssh target is empty/);
      expect(r.error).not.toMatch(/[\x00-\x1f]/);
    }
  });
});

describe('splitShellWords (as nixos-rebuild reads NIX_SSHOPTS: Python shlex.split)', () => {
  // expected values printed by python3's shlex.split for the same input
  it.each([
    ['', []],
    ['  -p   22 ', ['-p', '22']],
    ['-o ProxyCommand="ssh -W %h:%p jump"', ['-o', 'ProxyCommand=ssh -W %h:%p jump']],
    ["a '' b", ['a', '', 'b']],
    ['a\\ b', ['a b']],
    ['"a\\"b\\x"', ['a"b\\x']],
    ["'a\\b'", ['a\\b']],
    ['x#y #z', ['x#y', '#z']],
    ['a"b"c', ['abc']],
    ['"a\\\\b"', ['a\\b']],
    ['a\\\nb', ['a\nb']],
    ['-F /a\tb\nc', ['-F', '/a', 'b', 'c']],
    ['"\\$x"', ['\\$x']],
    ['"\'"', ["'"]],
    ["'\"'", ['"']],
    ['-i ~/.ssh/id $HOME', ['-i', '~/.ssh/id', '$HOME']],
  ])('%j', (text, words) => {
    expect(splitShellWords(text)).toEqual({ ok: true, value: words });
  });

  it.each([
    ['"unterminated', 'double quote is not closed'],
    ["a'b", 'single quote is not closed'],
    ['trail\\', 'backslash'],
  ])('refuses %j like shlex does', (text, why) => {
    const r = splitShellWords(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });
});

describe('parseSshOptions', () => {
  it('names the setting and says how it is read', () => {
    const r = parseSshOptions('-o "Foo=bar', 'NIX_SSHOPTS');
    expect(r).toEqual({ ok: false, error: 'NIX_SSHOPTS cannot be read: a double quote is not closed (it is split like a shell command line)' });
  });
  it('refuses a first word that is not an option (it would become the destination)', () => {
    const r = parseSshOptions('evil.host -p 22', 'the sshOptions preference');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('must hold ssh options');
  });
});

describe('describeSshFailure (real OpenSSH 9 stderr)', () => {
  it.each([
    ['ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n', 'connection refused'],
    ['Connection timed out during banner exchange\r\nConnection to 127.0.0.1 port 24699 timed out\r\n', 'timed out after 10 s'],
    ['ssh: connect to host 10.255.255.1 port 22: Connection timed out\r\n', 'timed out after 10 s'],
    ['root@127.0.0.1: Permission denied (publickey).\r\n', 'permission denied (publickey)'],
    ['deploy@hq: Permission denied (publickey,password).\r\n', 'permission denied (publickey,password)'],
    [
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nPermissions 0666 for '/dev/null' are too open.\nIt is required that your private key files are NOT accessible by others.\nThis private key will be ignored.\nLoad key \"/dev/null\": bad permissions\nroot@127.0.0.1: Permission denied (publickey).\n",
      'permission denied (publickey)',
    ],
    ['ssh: Could not resolve hostname nosuch-host.invalid: Name or service not known\r\n', 'could not resolve host name'],
    ['ssh: Could not resolve hostname t460: Temporary failure in name resolution\r\n', 'could not resolve host name'],
    ['No ED25519 host key is known for [127.0.0.1]:24610 and you have requested strict checking.\r\nHost key verification failed.\r\n', 'host key verification failed'],
    ['ssh: connect to host 10.0.0.9 port 22: No route to host\r\n', 'no route to host'],
    ['ssh: connect to host 10.0.0.9 port 22: Network is unreachable\r\n', 'network is unreachable'],
    ['kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 127.0.0.1 port 2222\r\n', 'kex_exchange_identification: Connection closed by remote host'],
    ["Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\r\nkex_exchange_identification: read: Connection reset by peer\r\n", 'kex_exchange_identification: read: Connection reset by peer'],
    ['', 'ssh failed without a message'],
    ['ssh: weird \x1b[31mred\x1b[0m\r\n', 'weird ^[[31mred^[[0m'],
  ])('%j', (stderr, line) => {
    expect(describeSshFailure(stderr, 10)).toBe(line);
  });

  it('says the timeout it was given', () => {
    expect(describeSshFailure('Connection timed out during banner exchange\r\n', 2)).toBe('timed out after 2 s');
  });
});
