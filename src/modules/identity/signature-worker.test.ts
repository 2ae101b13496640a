import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureWorker } from './signature-worker.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A compact token `<header>.<payload>.<signature>` signed with `key`. */
const token = (n: number, key = rsa.privateKey, digest: string | null = 'sha256') => {
  const input = `${Buffer.from(`{"n":${n}}`).toString('base64url')}.${Buffer.from('{}').toString('base64url')}`;
  return `${input}.${sign(digest, Buffer.from(input), key).toString('base64url')}`;
};

describe('signature worker', () => {
  it('answers every check of a batch made in one turn, each for its own token and key', async () => {
    const w = new SignatureWorker();
    const checks = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => w.check(token(i), 'sha256', rsa.publicKey)),
      w.check(token(1, other.privateKey), 'sha256', rsa.publicKey), // signed by another key
      w.check(`${token(2).slice(0, -4)}AAAA`, 'sha256', rsa.publicKey), // signature altered
      w.check(token(3, ed.privateKey, null), null, ed.publicKey), // EdDSA
      w.check(token(4, ed.privateKey, null), null, rsa.publicKey), // wrong kind of key: refused
    ]);
    expect(checks.slice(0, 50).every(Boolean)).toBe(true);
    expect(checks.slice(50)).toEqual([false, false, true, false]);
    await w.close();
  });

  it('stops its thread when idle and starts another for the next check', async () => {
    const w = new SignatureWorker(50);
    expect(await w.check(token(1), 'sha256', rsa.publicKey)).toBe(true);
    await new Promise((r) => setTimeout(r, 150)); // the thread has stopped: its key must be sent again
    expect(await w.check(token(2), 'sha256', rsa.publicKey)).toBe(true);
    expect(await w.check(token(3, other.privateKey), 'sha256', rsa.publicKey)).toBe(false);
    await w.close();
  });

  it('checks on the thread pool once closed, including the checks it still held', async () => {
    const w = new SignatureWorker();
    const held = w.check(token(1), 'sha256', rsa.publicKey);
    await w.close();
    expect(await held).toBe(true);
    expect(await w.check(token(2), 'sha256', rsa.publicKey)).toBe(true);
    expect(await w.check(token(3, other.privateKey), 'sha256', rsa.publicKey)).toBe(false);
  });
});
