import { isRecord } from '../../../core/openapi/operations.js';
import type { Shape } from '../../../core/openapi/shape.js';
import type { ValidationConfig } from './schema.js';

type SanitiseOptions = ValidationConfig['sanitise'];

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// C0 controls except TAB, LF, CR; DEL; C1 controls. NUL included (CWE-158).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const TAG = /<\/?[A-Za-z!?][^<>]*>?/g;

/**
 * The string rewrite a route asked for, composed once at build; undefined when it asked for none.
 * Order: control characters out, NFC, tags/escaping, trim last (so stripping cannot leave edge spaces).
 */
export function createSanitiser(o: SanitiseOptions): ((s: string) => string) | undefined {
  const steps: ((s: string) => string)[] = [];
  if (o.stripControl) steps.push((s) => s.replace(CONTROL, ''));
  if (o.normalize) steps.push((s) => s.normalize('NFC'));
  if (o.html === 'strip') steps.push((s) => s.replace(TAG, ''));
  else if (o.html === 'escape') steps.push((s) => s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c));
  if (o.trim) steps.push((s) => s.trim());
  if (steps.length === 0) return undefined;
  return (s) => {
    let r = s;
    for (const step of steps) r = step(r);
    return r;
  };
}

/**
 * Rewrite every string leaf of a parsed body in place (member names are left alone: changing them would
 * change meaning). Returns the new value (a string body is replaced, not changed in place) and the JSON
 * pointers of the values that changed, for the log.
 */
export function sanitiseLeaves(value: unknown, fn: (s: string) => string): { value: unknown; changed: string[] } {
  const changed: string[] = [];
  const walk = (v: unknown, ptr: string): unknown => {
    if (typeof v === 'string') {
      const r = fn(v);
      if (r !== v) changed.push(ptr);
      return r;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i], `${ptr}/${i}`);
    } else if (isRecord(v)) {
      for (const k of Object.keys(v)) v[k] = walk(v[k], `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
    return v;
  };
  return { value: walk(value, ''), changed };
}

type Rewrite = (s: string) => string;

const fieldSanitisers = new WeakMap<Shape, Rewrite | null>();

/** The rewrite a schema property asks for with `x-rampart-sanitise: {trim, normalize, stripControl, html}`. */
export function fieldSanitiser(shape: Shape): Rewrite | undefined {
  let fn = fieldSanitisers.get(shape);
  if (fn === undefined) {
    const o = shape.sanitise;
    fn =
      o === undefined
        ? null
        : (createSanitiser({
            trim: o.trim === true,
            normalize: o.normalize === true,
            stripControl: o.stripControl === true,
            html: o.html === 'escape' || o.html === 'strip' ? o.html : 'none',
          }) ?? null);
    fieldSanitisers.set(shape, fn);
  }
  return fn ?? undefined;
}

/** Whether any member reachable from `shape` has its own `x-rampart-sanitise` (decided once, at build). */
export function hasFieldSanitisers(shape: Shape): boolean {
  const seen = new Set<Shape>();
  const visit = (s: Shape): boolean => {
    if (seen.has(s)) return false;
    seen.add(s);
    if (s.sanitise !== undefined) return true;
    if (s.items !== undefined && visit(s.items)) return true;
    if (typeof s.additional === 'object' && visit(s.additional)) return true;
    if (s.properties !== undefined) for (const p of s.properties.values()) if (visit(p)) return true;
    return false;
  };
  return visit(shape);
}

/** `a` then `b`; either may be absent. */
export const composeRewrites = (a: Rewrite | undefined, b: Rewrite | undefined): Rewrite | undefined =>
  a === undefined ? b : b === undefined ? a : (s: string) => b(a(s));

/**
 * Like `sanitiseLeaves`, guided by the declared shape: the route's rewrite applies to every string leaf, a
 * member's own `x-rampart-sanitise` to the leaves at and below it.
 */
export function sanitiseByShape(value: unknown, shape: Shape, route: Rewrite | undefined): { value: unknown; changed: string[] } {
  const changed: string[] = [];
  const walk = (v: unknown, s: Shape | undefined, fn: Rewrite | undefined, ptr: string): unknown => {
    if (typeof v === 'string') {
      if (fn === undefined) return v;
      const r = fn(v);
      if (r !== v) changed.push(ptr);
      return r;
    }
    if (Array.isArray(v)) {
      const items = s?.items;
      const itemFn = items === undefined ? fn : composeRewrites(fn, fieldSanitiser(items));
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i], items, itemFn, `${ptr}/${i}`);
    } else if (isRecord(v)) {
      for (const k of Object.keys(v)) {
        const sub = s?.properties?.get(k) ?? (typeof s?.additional === 'object' ? s.additional : undefined);
        const subFn = sub === undefined ? fn : composeRewrites(fn, fieldSanitiser(sub));
        v[k] = walk(v[k], sub, subFn, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
    return v;
  };
  return { value: walk(value, shape, composeRewrites(route, fieldSanitiser(shape)), ''), changed };
}
