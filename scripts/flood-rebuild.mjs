#!/usr/bin/env node
// A nixos-rebuild stand-in for `npm run bench`: a build that floods its log with
// internal-json build-log lines at FLOOD_RATE lines/s (default 50,000) for FLOOD_SECONDS.
const rate = Number(process.env.FLOOD_RATE ?? 50_000);
const seconds = Number(process.env.FLOOD_SECONDS ?? 30);
const TICK_MS = 10;
const perTick = Math.round((rate * TICK_MS) / 1000);
const id = '18014398509481985';
const drv = '/nix/store/8015l85dq8hbrw8g1qqbq8i3wh5vhqjp-flood-1.0.drv';
process.stderr.write(`@nix {"action":"start","fields":["${drv}","",1,1],"id":${id},"level":3,"parent":0,"text":"building '${drv}'","type":105}\n`);
let n = 0;
const started = Date.now();
const timer = setInterval(() => {
  const due = Math.min(Math.round(((Date.now() - started) / 1000) * rate), rate * seconds);
  let chunk = '';
  while (n < due) chunk += `@nix {"action":"result","fields":["[${++n}] compiling src/module_${n % 977}.c with -O2 -pipe -fstack-protector-strong"],"id":${id},"type":101}\n`;
  if (chunk) process.stderr.write(chunk);
  if (n >= rate * seconds) {
    clearInterval(timer);
    process.stderr.write(`@nix {"action":"stop","id":${id}}\n`);
  }
}, TICK_MS);
void perTick;
