#!/usr/bin/env node
// Ink's colour library ignores NO_COLOR but honours FORCE_COLOR=0, so translate before it loads.
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
