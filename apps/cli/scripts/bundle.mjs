// Bundles the compiled commands (dist/, from tsc) into bundle/: what oclif loads (package.json
// oclif.commands and oclif.hooks point there).
//
// Why (README, "Performance"): unbundled, an audit loads 592 modules (the AWS SDK clients with every
// operation they define, zod, the engine; oclif's own stay separate), and V8 keeps each module's
// source text and compiled top-level code. Tree-shaken and minified, the audit loads 195 and a
// 2-account audit peaks about 12 MB lower (89–91 MB instead of 101–104), in 0.47 s instead of 0.66.
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
rmSync('bundle', { recursive: true, force: true });

/** The compiled .js files under `directory` (tsc's output), as paths from the CLI's root. */
const scripts = (directory) =>
  readdirSync(directory, { recursive: true })
    .filter((name) => name.endsWith('.js'))
    .map((name) => `${directory}/${name}`);

/**
 * Node's `http` and `https` imported as ES modules make Node build a namespace of all their exports,
 * which reads the lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters of `http` and so loads and
 * compiles Node's bundled undici (a 770 kB source) that nothing here uses. Taken as CommonJS objects
 * (`process.getBuiltinModule`, Node 22.3+), only the properties the code reads are read.
 * https://github.com/nodejs/node/blob/v24.x/lib/http.js (the lazy WebSocket exports).
 */
const builtinsAsObjects = {
  name: 'builtins-as-objects',
  setup(bundler) {
    bundler.onResolve({ filter: /^(node:)?https?$/ }, (args) => ({
      path: args.path.replace(/^node:/, ''),
      namespace: 'builtin-object',
    }));
    bundler.onLoad({ filter: /.*/, namespace: 'builtin-object' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule('node:${args.path}');`,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [...scripts('dist/commands'), ...scripts('dist/hooks')],
  outdir: 'bundle',
  outbase: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // ES module builds first (the AWS SDK's dist-es): they tree-shake, the CommonJS builds do not.
  mainFields: ['module', 'main'],
  // Minified: V8 keeps every loaded module's source text. Error names are set explicitly in the code
  // (and the SDK's), never taken from class names; the linked source maps (no sources inside) turn a
  // stack trace back into names with `node --enable-source-maps`.
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'eof',
  // Each is resolved from this package at run time, so package.json lists them all as dependencies
  // (pnpm does not hoist the engine's own).
  external: [
    // Shared with @oclif/plugin-help, which loads its own copy otherwise.
    '@oclif/core',
    // Native addon, and the PostgreSQL driver and queue (loaded only with --store postgres://).
    'better-sqlite3',
    'pg',
    'pg-boss',
  ],
  // Bundled CommonJS code calls require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __rootwardenCreateRequire } from 'node:module'; const require = __rootwardenCreateRequire(import.meta.url);",
  },
  plugins: [builtinsAsObjects],
  logLevel: 'warning',
});
