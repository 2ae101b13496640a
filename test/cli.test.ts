import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { databaseModes, startAgora } from './helpers/agora.js';
import { PASSWORD, registerUser, uniqueEmail } from './helpers/factories.js';
import { FAST_ENV, buildCategory, signInAdmin, uniqueSku } from './helpers/catalog.js';

const root = path.resolve(import.meta.dirname, '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function agora(args: string[], env: Record<string, string>, opts: { onStdout?: (s: string) => void } = {}) {
  // `node --import tsx` keeps one process, so signals reach the CLI itself.
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href,
      path.join(root, 'src/cli/main.ts'),
      ...args,
    ],
    {
      cwd: os.tmpdir(), // no .env from the checkout
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', AGORA_ARGON2_MEMORY_KIB: '1024', ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    opts.onStdout?.(stdout);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const dirs: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'agora-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

// Each test spawns the CLI (tsx, a fresh embedded database): minutes on a busy machine, not seconds.
describe('agora CLI', { timeout: 180_000 }, () => {
  it('stops with a message naming a wrong setting', async () => {
    const { done } = agora(['migrate'], { PORT: 'eighty', AGORA_DATA_DIR: await tempDir() });
    const run = await done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PORT/);
  });

  it('names the setting when the start-up admin of the configuration is refused', async () => {
    const run = await agora(['worker'], {
      AGORA_DATA_DIR: await tempDir(),
      AGORA_ADMIN_EMAIL: 'admin@example.com',
      AGORA_ADMIN_PASSWORD: 'a long admin passphrase',
    }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/AGORA_ADMIN_PASSWORD must not contain your email address/);
  });

  it('rejects an unknown command with usage', async () => {
    const run = await agora(['frobnicate'], { AGORA_DATA_DIR: await tempDir() }).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command/);
    expect(run.stderr).toMatch(/Usage: agora/);
  });

  it.runIf(databaseModes().includes('postgres'))(
    'creates an admin on the same database the server uses',
    async () => {
      const server = await startAgora('postgres', { AGORA_ARGON2_MEMORY_KIB: '1024' });
      try {
        const email = uniqueEmail('admin');
        const run = await agora(['admin', 'create', '--email', email, '--password', PASSWORD], {
          DATABASE_URL: server.databaseUrl!,
        }).done;
        expect(run.stderr).toBe('');
        expect(run.stdout).toMatch(/created admin/);
        const login = await server.request({
          method: 'POST',
          url: '/v1/auth/login',
          body: { email, password: PASSWORD },
        });
        expect(login.json().user.role).toBe('admin');
        const weak = await agora(['admin', 'create', '--email', uniqueEmail(), '--password', 'short'], {
          DATABASE_URL: server.databaseUrl!,
        }).done;
        expect(weak.code).toBe(2);
        expect(weak.stderr).toMatch(/too weak/);
      } finally {
        await server.close();
      }
    },
  );

  it.runIf(databaseModes().includes('postgres'))(
    'imports a CSV for a seller with progress, reporting bad rows by line',
    async () => {
      const server = await startAgora('postgres', FAST_ENV);
      try {
        const admin = (await signInAdmin(server)).accessToken;
        const seller = await registerUser(server, { role: 'seller' });
        const category = await buildCategory(server, admin, 'Imported by CLI');
        const [a, b] = [uniqueSku('CLI'), uniqueSku('CLI')];
        const file = path.join(await tempDir(), 'products.csv');
        await writeFile(
          file,
          [
            'title,description,brand,categoryId,status,sku,variantTitle,price,currency,initialStock,attributes,images',
            `Cli Lamp,Warm light,Lumen,${category.id},published,${a},One,4900,EUR,5,,`,
            `Cli Broken,x,Lumen,${category.id},published,${uniqueSku('CLI')},One,free,EUR,5,,`,
            `Cli Shade,Linen,Lumen,${category.id},draft,${b},One,1900,EUR,0,,`,
          ].join('\n'),
        );
        const run = await agora(['import', file, '--seller', seller.user.email], {
          DATABASE_URL: server.databaseUrl!,
          LOG_LEVEL: 'warn',
        }).done;
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/3 rows, 2 created, 1 failed/);
        expect(run.stdout).toMatch(/line 3 \/variants\/0\/price\/amount/);
        expect(run.stderr).toMatch(/import +3 rows/);
        const mine = await server.request({
          method: 'GET',
          url: '/v1/seller/products',
          token: seller.accessToken,
        });
        expect(
          mine
            .json<{ items: { title: string }[] }>()
            .items.map((p) => p.title)
            .sort(),
        ).toEqual(['Cli Lamp', 'Cli Shade']);
        const buyer = await registerUser(server);
        const refused = await agora(['import', file, '--seller', buyer.user.email], {
          DATABASE_URL: server.databaseUrl!,
        }).done;
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/not a seller/);
      } finally {
        await server.close();
      }
    },
    180_000,
  );

  it('seed says how many products it added and how many were there, so a re-run of the same seed adds none', async () => {
    const server = databaseModes().includes('postgres') ? await startAgora('postgres', FAST_ENV) : undefined;
    const env: Record<string, string> = server
      ? { DATABASE_URL: server.databaseUrl!, LOG_LEVEL: 'warn' }
      : { AGORA_DATA_DIR: await tempDir(), LOG_LEVEL: 'warn' };
    const seed = async (products: string) => {
      const run = await agora(['seed', '--products', products], env).done;
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    try {
      expect(await seed('12')).toMatch(
        /^added 12 products of seed 1 \(0 of the 12 asked for already there\); the catalog has 12 products; [\d.]+ s$/m,
      );
      expect(await seed('20')).toMatch(
        /^added 8 products of seed 1 \(12 of the 20 asked for already there\); the catalog has 20 products;/m,
      );
      const again = await seed('20');
      expect(again).toMatch(
        /^added 0 products of seed 1 \(20 of the 20 asked for already there\); the catalog has 20 products;/m,
      );
      expect(again).toMatch(/seller seller1@demo\.agora\.test \(existing\)/);
    } finally {
      await server?.close();
    }
  });

  it.runIf(databaseModes().includes('postgres'))(
    'start exits with an error when its port is taken, instead of lingering without serving',
    async () => {
      const server = await startAgora('postgres', FAST_ENV);
      const taken = createServer();
      await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
      try {
        const { child, done } = agora(['start'], {
          DATABASE_URL: server.databaseUrl!,
          PORT: String((taken.address() as AddressInfo).port),
          HOST: '127.0.0.1',
          AGORA_SEED_DEMO: 'false',
        });
        const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const run = await done;
        clearTimeout(timeout);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr).toMatch(/EADDRINUSE/);
      } finally {
        taken.close();
        await server.close();
      }
    },
  );

  it('says what to do when the embedded database is held by a running server, then serves and shuts down gracefully', async () => {
    const dataDir = await tempDir();
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    let listening: () => void;
    const ready = new Promise<void>((r) => (listening = r));
    const server = agora(
      ['start'],
      {
        AGORA_DATA_DIR: dataDir,
        PORT: port,
        HOST: '127.0.0.1',
        AGORA_SEED_DEMO: 'false',
        AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
        // A slow password hash keeps a sign-in in flight while the server is told to stop.
        AGORA_ARGON2_MEMORY_KIB: '262144',
        AGORA_ARGON2_TIME_COST: '6',
      },
      { onStdout: (out) => out.includes('Agora is serving') && listening() },
    );
    await ready;

    const cli = await agora(['migrate'], { AGORA_DATA_DIR: dataDir }).done;
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/in use by another Agora process \(pid \d+\)/);
    expect(cli.stderr).toMatch(/Stop that process first/);

    const base = `http://127.0.0.1:${port}`;
    const reg = await fetch(`${base}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail(), password: PASSWORD, name: 'Slow' }),
    });
    expect(reg.status).toBe(201);
    const { user } = (await reg.json()) as { user: { email: string } };
    const inFlight = fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    await new Promise((r) => setTimeout(r, 300)); // the request is now hashing
    server.child.kill('SIGTERM');
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    const run = await server.done;
    expect(run.code, run.stdout.slice(-600) + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/stopped/);

    // With the server gone, the CLI can use the data directory.
    const after = await agora(['migrate'], { AGORA_DATA_DIR: dataDir }).done;
    expect(after.code, after.stderr).toBe(0);
  });
});
