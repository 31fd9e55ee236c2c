import { isIPv4, isIPv6 } from 'node:net';

/**
 * The limit key of a client address: IPv4 grouped by `v4Prefix` bits, IPv6 by `v6Prefix` (a /64 is what one
 * subscriber gets, so rotating through it must not mint new buckets). IPv4-mapped IPv6 (::ffff:a.b.c.d) is
 * treated as the IPv4 address. Anything unparseable is returned as it is (it is already one key).
 */
export function groupIp(ip: string, v4Prefix: number, v6Prefix: number): string {
  if (isIPv4(ip)) return v4Prefix >= 32 ? ip : maskV4(ip, v4Prefix);
  const bare = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  if (!isIPv6(bare)) return ip;
  const lower = bare.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return groupIp(lower.slice(7), v4Prefix, v6Prefix);
  const groups = expandV6(lower);
  let out = '';
  let bits = v6Prefix;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const g = groups[i] ?? 0;
    const keep = Math.min(16, bits);
    const masked = keep === 16 ? g : g & (0xffff << (16 - keep)) & 0xffff;
    out += (i === 0 ? '' : ':') + masked.toString(16);
    bits -= keep;
  }
  return `${out}/${v6Prefix}`;
}

/** The identity of a client for adaptive limits (IPv4 address, IPv6 /64), remembered for repeat callers. */
export function cachedGroupIp(v4Prefix = 32, v6Prefix = 64, size = 10_000): (ip: string) => string {
  const cache = new Map<string, string>();
  return (ip) => {
    let g = cache.get(ip);
    if (g === undefined) {
      if (cache.size >= size) cache.clear();
      g = groupIp(ip, v4Prefix, v6Prefix);
      cache.set(ip, g);
    }
    return g;
  };
}

function maskV4(ip: string, prefix: number): string {
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const m = (n & mask) >>> 0;
  return `${m >>> 24}.${(m >>> 16) & 255}.${(m >>> 8) & 255}.${m & 255}/${prefix}`;
}

/** Eight 16-bit groups of a valid IPv6 address (handles `::` and a trailing dotted IPv4). */
function expandV6(ip: string): number[] {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const o = last.split('.').map(Number);
    const hi = (((o[0] ?? 0) << 8) | (o[1] ?? 0)).toString(16);
    const lo = (((o[2] ?? 0) << 8) | (o[3] ?? 0)).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const h = parse(head);
  if (rest === undefined) return h;
  const r = parse(rest);
  return [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
}
