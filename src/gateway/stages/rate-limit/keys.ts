import { createHash } from 'node:crypto';
import type { RequestContext } from '../../pipeline/types.js';
import { cachedGroupIp } from './ip-group.js';
import type { KeyPart } from './schema.js';

export type KeyFn = (ctx: RequestContext) => string;

const MAX_PART = 64;

/** A value safe to place in a key: short, without the separator; long or odd values are hashed. */
function safe(value: string): string {
  if (value.length <= MAX_PART && !value.includes('|') && !value.includes('#')) return value;
  return '#' + createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/**
 * Compile a policy's key parts once into one function returning the whole counter key (`prefix` + parts).
 * A missing consumer, header or claim falls back to the client IP: an anonymous caller is still limited,
 * never pooled with every other anonymous caller.
 */
export function compileKey(parts: readonly KeyPart[], routeId: string, v4Prefix: number, v6Prefix: number, prefix = ''): KeyFn {
  // Grouping an address parses it; clients repeat, so the last few thousand are remembered. For the common
  // key [ip] the cached string is the whole key, so the store's Map lookup reuses its hash.
  const group = cachedGroupIp(v4Prefix, v6Prefix);
  if (parts.length === 1 && parts[0] === 'ip') {
    const whole = new Map<string, string>();
    return (ctx) => {
      let k = whole.get(ctx.clientIp);
      if (k === undefined) {
        if (whole.size >= 10_000) whole.clear();
        k = prefix + 'ip=' + group(ctx.clientIp);
        whole.set(ctx.clientIp, k);
      }
      return k;
    };
  }
  const ip = (ctx: RequestContext) => 'ip=' + group(ctx.clientIp);
  const fns: KeyFn[] = parts.map((p): KeyFn => {
    if (p === 'ip') return ip;
    if (p === 'route') return () => 'r=' + routeId;
    if (p === 'method') return (ctx) => 'm=' + safe(ctx.method);
    if (p === 'consumer') {
      return (ctx) => {
        const who = ctx.facts.principal;
        if (who === undefined || who.method === 'anonymous') return ip(ctx);
        return 'c=' + safe(who.consumer ?? who.subject);
      };
    }
    if ('header' in p) {
      const name = p.header.toLowerCase();
      return (ctx) => {
        const v = ctx.headers[name];
        const s = Array.isArray(v) ? v.join(',') : v;
        return s === undefined || s === '' ? ip(ctx) : 'h=' + safe(s);
      };
    }
    const claim = p.claim;
    return (ctx) => {
      const v = ctx.facts.principal?.claims?.[claim];
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? 'j=' + safe(String(v)) : ip(ctx);
    };
  });
  return (ctx) => {
    let k = prefix;
    for (let i = 0; i < fns.length; i++) k += (i === 0 ? '' : '|') + (fns[i] ?? ip)(ctx);
    return k;
  };
}
