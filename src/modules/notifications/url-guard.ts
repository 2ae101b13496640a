import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { lookup as lookupCb, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

/** Link-local (cloud metadata lives there) is refused even when private targets are allowed. */
const ALWAYS = new BlockList();
ALWAYS.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS.addSubnet('fe80::', 10, 'ipv6');
ALWAYS.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS.addAddress('::', 'ipv6');
ALWAYS.addSubnet('224.0.0.0', 4, 'ipv4');
ALWAYS.addSubnet('ff00::', 8, 'ipv6');

/** Loopback and private networks: refused unless AGORA_WEBHOOKS_ALLOW_PRIVATE=true. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** Why an address may not be called, or null when it may. */
export function refusedAddress(address: string, allowPrivate: boolean): string | null {
  let ip = address;
  let family = isIP(ip);
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address in disguise.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) {
    ip = mapped[1]!;
    family = 4;
  }
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (ALWAYS.check(ip, type)) return 'link-local, unspecified or multicast addresses are not allowed';
  if (!allowPrivate && PRIVATE.check(ip, type))
    return 'loopback and private network addresses are not allowed';
  return null;
}

/**
 * Checks a webhook URL: http(s), no credentials, and every address its host resolves to is public.
 * Returns a reason when refused, null when acceptable.
 */
export async function refusedUrl(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'only http and https URLs are allowed';
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return refusedAddress(host, allowPrivate);
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `the host ${host} does not resolve`;
  }
  for (const a of addresses) {
    const why = refusedAddress(a.address, allowPrivate);
    if (why) return `${host} resolves to ${a.address}: ${why}`;
  }
  return null;
}

/**
 * A `lookup` for outbound sockets that refuses forbidden addresses at connect time, so a host that
 * resolved to a public address when registered cannot be re-pointed at an internal one later
 * (DNS rebinding): the address checked is the address connected to.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookupCb(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses;
      for (const a of list) {
        const why = refusedAddress(a.address, allowPrivate);
        if (why) return callback(new Error(`refused ${hostname} (${a.address}): ${why}`), '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      callback(null, first.address, first.family);
    });
  };
}
