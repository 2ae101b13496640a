#!/usr/bin/env -S node --max-semi-space-size=32
/* global process */
// The young generation's semi-spaces at 32 MB instead of V8's 16: with hundreds of requests in
// flight, objects that live for one request no longer outlive two scavenges and get promoted, so the
// old generation's marking (GC helper threads) has far less to do (bench/RESULTS.md, 2026-11-29).
// `npm start` and `npm run worker` pass the same flag; a flag cannot be set once the heap exists.
// Runs the bundled CLI; builds it first when a checkout has no dist/bundle/ yet or its sources
// changed since, and the web app when it has no web/dist/ yet (and its build tools are installed).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// the bundle (scripts/bundle.mjs): one file to load instead of hundreds (~0.5 s of a start)
const entry = path.join(root, 'dist', 'bundle', 'main.js');
/** Whether a source file changed since the bundle was built (a few ms for the whole tree). */
function sourcesChanged() {
  const src = path.join(root, 'src');
  if (!existsSync(src)) return false;
  const built = statSync(entry).mtimeMs;
  return readdirSync(src, { recursive: true }).some(
    (file) => String(file).endsWith('.ts') && statSync(path.join(src, String(file))).mtimeMs > built,
  );
}
if (!existsSync(entry) || sourcesChanged()) {
  process.stderr.write(
    existsSync(entry) ? 'agora: sources changed, building...\n' : 'agora: building (first run)...\n',
  );
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
const web = path.join(root, 'web');
if (existsSync(path.join(web, 'package.json')) && !existsSync(path.join(web, 'dist', 'index.html'))) {
  const vite = [path.join(web, 'node_modules'), path.join(root, 'node_modules')]
    .map((dir) => path.join(dir, 'vite', 'bin', 'vite.js'))
    .find((file) => existsSync(file));
  if (vite) {
    process.stderr.write('agora: building the web app (first run)...\n');
    execFileSync(process.execPath, [vite, 'build'], {
      cwd: web,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } else {
    process.stderr.write('agora: web/dist is missing and vite is not installed; serving the API only\n');
  }
}
await import(entry);
