import { parseJsonBounded, DEFAULT_JSON_LIMITS } from '../../../core/json/index.js';
import type { Principal, RequestContext } from '../../pipeline/types.js';
import type { Refusal } from './rules.js';
import type { OwnerConfig } from './schema.js';

/** The subject or consumer an owned value must equal. */
const expectedOwner = (p: Principal, o: OwnerConfig): string | undefined => (o.principal === 'consumer' ? p.consumer : p.subject);

function decode(v: string): string | undefined {
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
}

/** RFC 6901 JSON pointer lookup. */
function at(doc: unknown, pointer: string): unknown {
  let v = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof v !== 'object' || v === null) return undefined;
    if (Array.isArray(v)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      v = v[Number(key)];
    } else v = Object.hasOwn(v, key) ? Reflect.get(v, key) : undefined;
  }
  return v;
}

/**
 * Object-level authorization (the BOLA guard): the path parameter, query parameter or JSON body field that
 * names the object's owner must equal the caller, unless the caller has an admin role. Values are compared
 * percent-decoded, as the upstream will read them. A body field is checked in every element of a top-level
 * array, and duplicate keys are refused (a parser that keeps the first would see another owner).
 */
export function checkOwnership(ctx: RequestContext, p: Principal, o: OwnerConfig): Refusal | 'bad-body' | undefined {
  const deny = (where: string): Refusal => ({ detail: 'you may only access your own resources', reason: `ownership: ${where} is not ${p.subject}` });
  if (p.method === 'anonymous') return deny('anonymous caller');
  const me = expectedOwner(p, o);
  if (me === undefined) return deny(`principal has no ${o.principal}`);
  if (o.param !== undefined) {
    const raw = ctx.facts.route?.params[o.param];
    if (raw === undefined || decode(raw) !== me) return deny(`path parameter ${o.param}`);
  }
  if (o.query !== undefined) {
    const values = new URLSearchParams(ctx.query).getAll(o.query);
    if (values.length === 0 || values.some((v) => v !== me)) return deny(`query parameter ${o.query}`);
  }
  if (o.body !== undefined && ctx.body !== undefined && ctx.body.length > 0) {
    const parsed = parseJsonBounded(ctx.body, DEFAULT_JSON_LIMITS);
    if (!parsed.ok) return 'bad-body';
    const docs = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    for (const d of docs) {
      const v = at(d, o.body);
      if (v !== undefined && v !== me) return deny(`body field ${o.body}`);
    }
  }
  return undefined;
}
