// Bundle the CLI for start-up speed: one ESM entry plus lazily loaded chunks (the console,
// the demo), React in production mode.
import { chmod, rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { nixdeck: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  // some dependencies are CommonJS and call require() for Node built-ins
  banner: { js: "import { createRequire as __ndCreateRequire } from 'node:module'; const require = __ndCreateRequire(import.meta.url);" },
  // ink loads react-devtools-core only when DEV=true; it is not installed
  external: ['react-devtools-core'],
  logLevel: 'warning',
});
await chmod('dist/nixdeck.js', 0o755);
