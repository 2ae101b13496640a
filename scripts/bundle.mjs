/* global process, console */
/**
 * Bundles the `agora` command (src/cli/main.ts) into dist/bundle/: Agora's own modules and the
 * packages in BUNDLED in one file, every other package imported from node_modules as usual.
 *
 * Why: Node 20 loads ES modules one file at a time, and that, not running them, was most of the
 * time to first request: typebox (700 small files) and kysely (280) alone took ~250 ms to import,
 * bundled ~30 ms; Agora's own 200 files another ~230 ms. Packages that find files next to their
 * own (PGlite's wasm, swagger-ui's assets, pino's transports, argon2's native addon) stay outside.
 * Modules Agora imports on demand (`await import(...)`) become chunks loaded on demand, so what
 * they import (stripe, ioredis) is still loaded only when configured.
 *
 * Run by `npm run build:server` (after tsc, which type-checks and emits dist/ for the tools that
 * use it) and by bin/agora.js when the bundle is missing. `--outdir <dir>` writes elsewhere (tests).
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });

/**
 * Pure-JavaScript packages of many small files: the ones worth bundling. (@opentelemetry/api keeps
 * its state under a global symbol, so the bundled copy and the SDK's own, loaded when tracing is
 * configured, share one registry.)
 */
const BUNDLED = new Set(['typebox', 'kysely', '@opentelemetry/api']);

/** @param {string} specifier */
const packageOf = (specifier) => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

const result = await build({
  entryPoints: { main: path.join(root, 'src/cli/main.ts') },
  outdir: values.outdir ?? path.join(root, 'dist/bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // keeps `new URL('../../web/dist/', import.meta.url)` in start.ts pointing at <package>/web/dist
  // from dist/bundle/, as it does from src/cli/ and dist/cli/
  logLevel: 'warning',
  metafile: true,
  plugins: [
    {
      name: 'node-modules-outside',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:')) return { path: args.path, external: true };
          return BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true };
        });
      },
    },
  ],
});

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `agora: bundled ${Object.keys(result.metafile.inputs).length} modules into dist/bundle (${Math.round(bytes / 1024)} KiB)`,
);
process.exitCode = result.errors.length ? 1 : 0;
