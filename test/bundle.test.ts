import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './helpers/factories.js';

const root = path.resolve(import.meta.dirname, '..');
// Inside the package, so the bundle's imports of packages resolve from its node_modules.
const outdir = path.join(root, 'node_modules/.cache/agora-bundle-test');
let dataDir = '';

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// What `agora start` runs is the bundle (scripts/bundle.mjs), not the sources the other tests run.
describe('the bundled agora command', { timeout: 180_000 }, () => {
  it('serves the API from the bundle, lazily loaded chunks included, and stops on SIGTERM', async () => {
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts/bundle.mjs'), '--outdir', outdir]);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'agora-bundle-'));
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const child = spawn(process.execPath, [path.join(outdir, 'main.js'), 'start'], {
      cwd: os.tmpdir(),
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'info',
        AGORA_DATA_DIR: dataDir,
        PORT: port,
        HOST: '127.0.0.1',
        AGORA_SEED_DEMO: 'false',
        AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
        AGORA_ARGON2_MEMORY_KIB: '1024',
        // the payments module loads its stripe provider (a chunk of its own) only when configured
        STRIPE_SECRET_KEY: 'sk_test_bundle',
        STRIPE_WEBHOOK_SECRET: 'whsec_bundle',
      },
    });
    let stdout = '';
    let stderr = '';
    const serving = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Agora is serving')) resolve();
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => reject(new Error(`exited ${code}: ${stdout.slice(-800)}${stderr}`)));
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await serving;

    const base = `http://127.0.0.1:${port}`;
    const reg = await fetch(`${base}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('bundle'), password: PASSWORD, name: 'Bundled' }),
    });
    expect(reg.status).toBe(201);
    const products = await fetch(`${base}/v1/products?limit=1`);
    expect(products.status).toBe(200);
    const refused = await fetch(`${base}/v1/products?limit=0`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('validation_failed');

    child.kill('SIGTERM');
    expect(await closed, stdout.slice(-800) + stderr).toBe(0);
    expect(stdout).toMatch(/stopped/);
  });
});
