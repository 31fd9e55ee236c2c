import { BlockList, isIP } from 'node:net';

/** Trusted proxies as a BlockList (node:net): O(ranges) membership without hand-written CIDR maths. */
export interface TrustedProxies {
  readonly any: boolean;
  has(ip: string): boolean;
}

export function normalizeIp(ip: string | undefined): string {
  if (ip === undefined) return '';
  // IPv4-mapped IPv6 (dual-stack sockets) is the IPv4 address.
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function createTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const e of entries) {
    const [addr = '', bits] = e.split('/');
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
  }
  const any = entries.length > 0;
  return {
    any,
    has(ip: string): boolean {
      if (!any || ip === '') return false;
      const family = isIP(ip);
      if (family === 0) return false;
      return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then the right-most address of
 * X-Forwarded-For that is not itself trusted (RFC 7239 §7.4: only hops you trust can vouch for the next).
 * Left-most entries are client-controlled and never believed on their own.
 */
export function resolveClientIp(peerIp: string, xff: string | string[] | undefined, trusted: TrustedProxies): string {
  if (xff === undefined || !trusted.has(peerIp)) return peerIp;
  const hops = (Array.isArray(xff) ? xff.join(',') : xff).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(stripPort((hops[i] ?? '').trim()));
    if (isIP(hop) === 0) return peerIp; // garbage in the chain: stop believing it
    if (!trusted.has(hop)) return hop;
  }
  return peerIp;
}

function stripPort(hop: string): string {
  if (hop.startsWith('[')) {
    const end = hop.indexOf(']');
    return end === -1 ? hop : hop.slice(1, end);
  }
  const colon = hop.indexOf(':');
  return colon !== -1 && hop.indexOf(':', colon + 1) === -1 ? hop.slice(0, colon) : hop;
}
