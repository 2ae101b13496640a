import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { waitFor } from '../../../test/helpers/events.js';
import { refusedAddress, refusedUrl } from './url-guard.js';
import { postJson } from './outbound.js';

describe('webhook URL guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['::ffff:127.0.0.1', true],
    ['fd00::1', true],
    ['169.254.169.254', true],
    ['fe80::1', true],
    ['93.184.216.34', false],
    ['2606:4700::1111', false],
    // IPv6 forms that carry an IPv4 address are judged by it
    ['::ffff:7f00:1', true],
    ['::127.0.0.1', true],
    ['::7f00:1', true],
    ['64:ff9b::7f00:1', true],
    ['64:ff9b::10.0.0.1', true],
    ['2002:7f00:1::', true],
    ['2002:a9fe:a9fe::1', true],
    ['64:ff9b::5db8:d822', false],
    ['2002:5db8:d822::1', false],
    // reserved, benchmarking and documentation ranges
    ['198.18.0.1', true],
    ['240.0.0.1', true],
    ['255.255.255.255', true],
    ['192.0.2.10', true],
    ['2001:db8::1', true],
  ])('refuses %s unless it is public (%s)', (ip, refused) => {
    expect(refusedAddress(ip, false) !== null).toBe(refused);
  });

  it('refuses link-local addresses even when private networks are allowed', () => {
    expect(refusedAddress('169.254.169.254', true)).toMatch(/link-local/);
    expect(refusedAddress('127.0.0.1', true)).toBeNull();
  });

  it('refuses a URL whose IPv6 literal carries a loopback IPv4 address', async () => {
    expect(await refusedUrl('http://[::127.0.0.1]:8080/x', false)).toMatch(/loopback/);
    expect(await refusedUrl('http://[64:ff9b::7f00:1]/x', false)).toMatch(/loopback/);
    expect(await refusedUrl('http://[2002:7f00:1::]/x', false)).toMatch(/loopback/);
    expect(await refusedUrl('http://[::ffff:169.254.169.254]/x', true)).toMatch(/link-local/);
  });

  it('refuses a host name that resolves to loopback, and non-http schemes', async () => {
    expect(await refusedUrl('http://localhost:8080/x', false)).toMatch(/resolves to/);
    expect(await refusedUrl('ftp://example.com/x', false)).toMatch(/http/);
    expect(await refusedUrl('http://user:pw@93.184.216.34/', false)).toMatch(/credentials/);
  });

  it('checks the address it connects to, so a name re-pointed at loopback is refused at send time', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      await expect(
        postJson(`http://localhost:${port}/`, '{}', {}, { timeoutMs: 2_000, allowPrivate: false }),
      ).rejects.toThrow(/refused/);
      await expect(
        postJson(`http://localhost:${port}/`, '{}', {}, { timeoutMs: 2_000, allowPrivate: true }),
      ).resolves.toEqual({ status: 200 });
    } finally {
      server.close();
    }
  });
});

describe('notifications without SMTP or private webhooks (pglite)', () => {
  let agora: TestAgora;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'agora-mail-'));
    agora = await startAgora('pglite', {
      AGORA_ARGON2_MEMORY_KIB: '1024',
      AGORA_ARGON2_TIME_COST: '1',
      AGORA_DATA_DIR: dataDir,
    });
    await agora.startBackground();
  });
  afterAll(async () => {
    await agora.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes emails as .eml files to the outbox folder', async () => {
    const user = await registerUser(agora);
    const dir = path.join(dataDir, 'outbox-mail');
    await waitFor(async () => (await readdir(dir).catch(() => [])).length === 1, 10_000, 'the .eml file');
    const [file] = await readdir(dir);
    expect(file).toMatch(/\.eml$/);
    const eml = await readFile(path.join(dir, file), 'utf8');
    expect(eml).toContain(`To: ${user.user.email}`);
    expect(eml).toContain('Subject: Welcome to Agora');
  });

  it.each([
    'http://127.0.0.1:9/hook',
    'http://localhost:9/hook',
    'http://10.0.0.5/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest',
    'file:///etc/passwd',
    'not a url',
  ])('refuses the webhook target %s', async (url) => {
    const seller = await registerUser(agora, { role: 'seller' });
    const res = await agora.request({
      method: 'POST',
      url: '/v1/webhooks',
      token: seller.accessToken,
      body: { url, events: ['order.confirmed'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/url' }] });
  });

  it('refuses unknown event types and extra fields', async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    for (const body of [
      { url: 'https://example.com/h', events: ['order.teleported'] },
      { url: 'https://example.com/h', events: [] },
      { url: 'https://example.com/h', events: ['order.confirmed'], secret: 'mine' },
    ]) {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/webhooks',
        token: seller.accessToken,
        body,
      });
      expect(res.statusCode).toBe(400);
    }
  });
});
