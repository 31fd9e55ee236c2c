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
 * Compile a policy's key parts once into one function. A missing consumer, header or claim falls back to the
 * client IP: an anonymous caller is still limited, never pooled with every other anonymous caller.
 */
export function compileKey(parts: readonly KeyPart[], routeId: string, v4Prefix: number, v6Prefix: number): KeyFn {
  // Grouping an address parses it; clients repeat, so the last few thousand are remembered.
  const group = cachedGroupIp(v4Prefix, v6Prefix);
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
  if (fns.length === 1) {
    const only = fns[0] ?? ip;
    return only;
  }
  return (ctx) => {
    let k = '';
    for (const f of fns) k += (k === '' ? '' : '|') + f(ctx);
    return k;
  };
}
