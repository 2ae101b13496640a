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
// reserved (240/4, with the broadcast address), protocol assignments and documentation ranges
ALWAYS.addSubnet('240.0.0.0', 4, 'ipv4');
ALWAYS.addSubnet('192.0.0.0', 24, 'ipv4');
ALWAYS.addSubnet('192.0.2.0', 24, 'ipv4');
ALWAYS.addSubnet('198.51.100.0', 24, 'ipv4');
ALWAYS.addSubnet('203.0.113.0', 24, 'ipv4');
ALWAYS.addSubnet('2001:db8::', 32, 'ipv6');

/** Loopback and private networks: refused unless AGORA_WEBHOOKS_ALLOW_PRIVATE=true. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/**
 * The IPv4 address an IPv6 one carries, in the forms that reach it: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d, not :: or ::1), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::);
 * null for any other. Such an address is judged as the IPv4 one it leads to. Hand-written: node:net
 * parses addresses but does not take them apart, and BlockList matches only the mapped form.
 */
export function embeddedIpv4(ipv6: string): string | null {
  // the URL parser writes an IPv6 address in its canonical hexadecimal form (dotted tails too)
  const canonical = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, undefined];
  const before = head ? head.split(':') : [];
  const after = tail ? tail.split(':') : [];
  const gap = tail === undefined ? [] : Array<string>(8 - before.length - after.length).fill('0');
  const w = [...before, ...gap, ...after].map((x) => parseInt(x, 16));
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeroUpTo = (n: number) => w.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && w[5] === 0xffff) return v4(w[6], w[7]);
  if (zeroUpTo(6) && !(w[6] === 0 && w[7] <= 1)) return v4(w[6], w[7]);
  if (w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0)) return v4(w[6], w[7]);
  if (w[0] === 0x2002) return v4(w[1], w[2]);
  return null;
}

/** Why an address may not be called, or null when it may. */
export function refusedAddress(address: string, allowPrivate: boolean): string | null {
  let ip = address;
  let family = isIP(ip);
  if (family === 0) return 'not an IP address';
  // an IPv6 address that carries an IPv4 one (::ffff:127.0.0.1, 64:ff9b::7f00:1, ...) is that address
  const carried = family === 6 ? embeddedIpv4(ip) : null;
  if (carried) {
    ip = carried;
    family = 4;
  }
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
