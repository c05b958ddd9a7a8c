import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Only globally routable unicast addresses are reachable by default. ipaddr.js classifies
 * everything else (private, loopback, link-local, unique-local, multicast, unspecified,
 * broadcast, carrier-grade NAT, reserved, documentation and the IPv6 tunnelling prefixes
 * 6to4 / Teredo / NAT64 that can embed a private IPv4 address); an IPv4-mapped IPv6 address
 * is judged as the IPv4 address it carries.
 */
export function isBlockedAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() !== 'unicast';
}

/** The bare address when a URL hostname is an IP literal (IPv6 in brackets), else null. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  // The WHATWG URL parser has already normalised odd IPv4 spellings (2130706433, 0x7f.1).
  return isIP(bare) ? bare : null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Resolver = (hostname: string, options: LookupOptions & { all: true }, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A `lookup` for net/tls.connect that resolves the name and refuses the connection when any
 * resolved address is blocked. The check runs on the very addresses the socket connects to,
 * so a name that resolves to a public address for a pre-check and to 127.0.0.1 for the
 * connection (DNS rebinding) cannot get through.
 */
export function guardedLookup(allowPrivate: boolean, resolver: Resolver = dnsLookup as unknown as Resolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolver(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      const blocked = allowPrivate ? undefined : addresses.find((a) => isBlockedAddress(a.address));
      if (blocked) {
        return callback(Object.assign(new Error(`${hostname} resolves to a non-public address (${blocked.address})`), { code: 'EADDRBLOCKED' }), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
