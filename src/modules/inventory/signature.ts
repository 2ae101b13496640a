import { timingSafeEqual } from 'node:crypto';
import { webhookSignature } from '../notifications/index.js';
import { BadSignatureError } from './errors.js';

/**
 * Checks `x-agora-signature: t=<unix>,v1=<hex>`: HMAC-SHA256 with the shared secret over
 * `<t>.<raw body>`, the scheme Agora's outbound webhooks sign with (so the MAC is computed by the
 * same function, `webhookSignature` of notifications). The timestamp must be within `toleranceS`
 * of now, which bounds replays; the comparison is constant-time. Several `v1` entries are accepted
 * (a sender rotating its secret signs with both).
 * @throws BadSignatureError
 */
export function verifySignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  toleranceS: number,
  nowS = Math.floor(Date.now() / 1000),
): void {
  if (!header) throw new BadSignatureError('x-agora-signature is missing');
  const parts = header.split(',').map((p) => p.trim());
  const t = parts.find((p) => p.startsWith('t='))?.slice(2) ?? '';
  const macs = parts.filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
  if (!/^\d{1,12}$/.test(t) || !macs.length) throw new BadSignatureError('expected t=<unix>,v1=<hex>');
  if (Math.abs(nowS - Number(t)) > toleranceS)
    throw new BadSignatureError('the timestamp is too old or in the future');
  const expected = Buffer.from(webhookSignature(secret, rawBody, Number(t)).split('v1=')[1] ?? '', 'hex');
  const ok = macs.some((hex) => {
    if (!/^[0-9a-f]+$/i.test(hex) || hex.length !== expected.length * 2) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
  if (!ok) throw new BadSignatureError('the signature does not match the body');
}
