// Bundle the CLI for start-up speed: one ESM entry plus lazily loaded chunks (the console,
// the demo), React in production mode.
import { chmod, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Ink's layout engine (yoga) is WebAssembly embedded as a data: URL. Its emscripten loader reads
 * that URL with fetch() when fetch exists, and Node's fetch loads undici (HTTP/1, HTTP/2, web
 * streams) just for that: about 100-200 ms of every console start. Without fetch the loader
 * decodes the same base64 itself. The build fails if the loader no longer looks as expected.
 */
const yogaWithoutFetch: Plugin = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const check = '"function"!=typeof fetch';
      const uses = source.split(check).length - 1;
      if (uses !== 2) throw new Error(`yoga-without-fetch: expected 2 fetch checks in ${args.path}, found ${uses}; review the plugin`);
      return { contents: source.replaceAll(check, '!0'), loader: 'js' };
    });
  },
};

/**
 * Data files go into the bundle as strings: the demo's Markdown and Nix templates (src/demo/data/,
 * read by src/demo/demoData.ts) and the POSIX sh scripts run on remote hosts
 * (src/system/remote/scripts/, read by src/system/remote/remoteScripts.ts). Run from source those
 * modules read the files from disk; here each is replaced by a module holding them, so dist/ is
 * complete on its own.
 */
function dataInline(name: string, module: RegExp, folder: string, exportName: string): Plugin {
  return {
    name,
    setup(b) {
      b.onLoad({ filter: module }, async (args) => {
        const dataDir = path.join(path.dirname(args.path), folder);
        const files: Record<string, string> = {};
        for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
          if (!entry.isFile()) continue;
          const file = path.join(entry.parentPath, entry.name);
          files[path.relative(dataDir, file).split(path.sep).join('/')] = await readFile(file, 'utf8');
        }
        const contents = [
          `const files = ${JSON.stringify(files)};`,
          `export function ${exportName}(name) {`,
          '  const text = files[name];',
          `  if (text === undefined) throw new Error(\`${folder}: no file \${name}\`);`,
          '  return text;',
          '}',
        ].join('\n');
        return { contents, loader: 'js', watchFiles: Object.keys(files).map((f) => path.join(dataDir, f)) };
      });
    },
  };
}
const demoDataInline = dataInline('demo-data-inline', /[\\/]src[\\/]demo[\\/]demoData\.ts$/, 'data', 'demoData');
const remoteScriptsInline = dataInline('remote-scripts-inline', /[\\/]src[\\/]system[\\/]remote[\\/]remoteScripts\.ts$/, 'scripts', 'remoteScript');

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
  plugins: [yogaWithoutFetch, demoDataInline, remoteScriptsInline],
  logLevel: 'warning',
});
await chmod('dist/nixdeck.js', 0o755);
