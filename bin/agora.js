#!/usr/bin/env node
/* global process */
// Runs the compiled CLI; builds it first when a checkout has no dist/ yet, and the web app when
// it has no web/dist/ yet (and its build tools are installed).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('agora: building (first run)...\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
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
