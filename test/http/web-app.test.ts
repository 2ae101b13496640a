import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } from 'node:zlib';
import { createAgora, type Agora } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';

describe('the web app served by the API process', () => {
  let agora: Agora;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'agora-web-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Agora</title><div id="root"></div>');
    await writeFile(path.join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("agora")');
    // The build's compressed copies of an asset.
    const script = 'console.log("compressed agora")';
    await writeFile(path.join(dir, 'assets', 'app-Ef56Gh78.js'), script);
    await writeFile(path.join(dir, 'assets', 'app-Ef56Gh78.js.br'), brotliCompressSync(script));
    await writeFile(path.join(dir, 'assets', 'app-Ef56Gh78.js.gz'), gzipSync(script));
    await writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        AGORA_DATA_DIR: '/nonexistent-agora-test-dir',
        AGORA_SEED_DEMO: 'false',
        AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
      },
      { dotenv: false },
    );
    agora = await createAgora(config, {
      loadDataDir: new Blob([await readFile(inject('pgliteDump'))]),
      webRoot: dir,
    });
  });
  afterAll(async () => {
    await agora?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, accept = 'text/html,application/xhtml+xml,*/*;q=0.8') =>
    agora.app.inject({ method: 'GET', url, headers: { accept } });

  it('serves index.html at / and for client-side routes, never cached, with a CSP', async () => {
    for (const url of ['/', '/products/aurora-phone-x', '/search?q=phone&brand=Nimbus', '/admin/users']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    }
  });

  it('serves hashed assets as immutable and other files as revalidated', async () => {
    const asset = await get('/assets/index-Ab12Cd34.js', '*/*');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await get('/favicon.svg', 'image/*');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('sends the build’s brotli or gzip copy of an asset to a client that accepts it', async () => {
    const fetchAsset = (encoding?: string, url = '/assets/app-Ef56Gh78.js') =>
      agora.app.inject({
        method: 'GET',
        url,
        headers: { accept: '*/*', ...(encoding ? { 'accept-encoding': encoding } : {}) },
      });
    const br = await fetchAsset('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe('console.log("compressed agora")');
    const gz = await fetchAsset('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe('console.log("compressed agora")');
    const plain = await fetchAsset();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log("compressed agora")');
    // An asset without copies, and the page itself, are sent as they are.
    const uncopied = await fetchAsset('br', '/assets/index-Ab12Cd34.js');
    expect(uncopied.body).toBe('console.log("agora")');
    expect(uncopied.headers['content-encoding']).toBeUndefined();
    const page = await agora.app.inject({
      method: 'GET',
      url: '/products/aurora-phone-x',
      headers: { accept: 'text/html', 'accept-encoding': 'br, gzip' },
    });
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });

  it('keeps the problem+json 404 for API, operations and non-page paths', async () => {
    for (const url of ['/v1/nope', '/v1', '/docs/nope.js', '/.well-known/nope', '/metrics/x']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('not_found');
    }
    const missingAsset = await get('/assets/gone-123.js', '*/*');
    expect(missingAsset.statusCode).toBe(404);
    expect(missingAsset.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('answers a wrong method on an API path 405, also from the browser; the client-side routes make no path exist', async () => {
    for (const accept of ['application/json', 'text/html,*/*;q=0.8']) {
      const checkout = await get('/v1/checkout', accept);
      expect(checkout.statusCode, accept).toBe(405);
      expect(checkout.headers.allow).toBe('POST');
      expect(checkout.json().code).toBe('method_not_allowed');
    }
    const send = (method: 'POST' | 'DELETE', url: string) =>
      agora.app.inject({ method, url, headers: { accept: 'text/html,*/*;q=0.8' } });
    for (const url of ['/', '/favicon.svg', '/assets/index-Ab12Cd34.js']) {
      const res = await send('POST', url);
      expect(res.statusCode, url).toBe(405);
      expect(res.headers.allow, url).toBe('GET, HEAD');
    }
    for (const url of ['/products/aurora-phone-x', '/v1/nope', '/assets/gone-123.js']) {
      const res = await send('DELETE', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers.allow, url).toBeUndefined();
    }
  });

  it('leaves the API, health and OpenAPI routes as they were', async () => {
    expect((await get('/healthz', 'application/json')).json()).toEqual({ status: 'ok' });
    expect((await get('/openapi.json', 'application/json')).json().openapi).toBe('3.1.0');
    const categories = await get('/v1/categories', 'application/json');
    expect(categories.statusCode).toBe(200);
    expect(categories.headers['content-type']).toMatch(/application\/json/);
    const spec = (await get('/openapi.json', 'application/json')).json();
    expect(Object.keys(spec.paths)).not.toContain('/*');
  });
});
