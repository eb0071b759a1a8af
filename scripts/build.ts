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
  // some dependencies are CommonJS: they call require() for Node built-ins and read __filename
  banner: {
    js: [
      "import { createRequire as __ndRequire } from 'node:module';",
      "import { fileURLToPath as __ndPath } from 'node:url';",
      'const require = __ndRequire(import.meta.url);',
      'const __filename = __ndPath(import.meta.url);',
    ].join(' '),
  },
  // ink loads react-devtools-core only when DEV=true; it is not installed
  external: ['react-devtools-core'],
  logLevel: 'warning',
});
await chmod('dist/nixdeck.js', 0o755);
