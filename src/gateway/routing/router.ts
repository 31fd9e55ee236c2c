import { parsePathTemplate, type TemplateSegment } from './template.js';

/** A route as the router sees it: opaque payload plus what to match on. */
export interface RouteDefinition<T> {
  readonly id: string;
  readonly path: string;
  /** Upper-case methods; undefined means any. */
  readonly methods?: readonly string[];
  /** Lower-case host names; `*.example.com` matches one label; undefined means any. */
  readonly hosts?: readonly string[];
  readonly value: T;
}

export interface RouteMatch<T = unknown> {
  readonly id: string;
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
  readonly value: T;
}

export type RouteResult<T> =
  | { readonly kind: 'match'; readonly match: RouteMatch<T> }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] };

export interface Router<T> {
  find(method: string, host: string, path: string): RouteResult<T>;
}

interface Leaf<T> {
  readonly def: RouteDefinition<T>;
  readonly paramNames: readonly string[];
  /** Order of definition: earlier routes win among equally specific ones. */
  readonly order: number;
}

interface TrieNode<T> {
  statics: Map<string, TrieNode<T>>;
  param: TrieNode<T> | undefined;
  /** Routes that end exactly here. */
  leaves: Leaf<T>[];
  /** Routes ending in `/**` below this node. */
  rest: Leaf<T>[];
}

const NOT_FOUND = Object.freeze({ kind: 'not-found' as const });

const newNode = <T>(): TrieNode<T> => ({ statics: new Map(), param: undefined, leaves: [], rest: [] });

/**
 * A segment trie. Static segments win over parameters, parameters over `/**`; among routes on the same
 * template, the first one whose host and method match wins. Matching of static segments is
 * case-insensitive unless `caseSensitive`, so `/ADMIN` meets the same route (and policy) as `/admin`.
 * The canonical path given must already be normalised (see http/canonical-path.ts).
 */
export function createRouter<T>(routes: readonly RouteDefinition<T>[], options: { caseSensitive: boolean }): Router<T> {
  const root = newNode<T>();
  const fold = options.caseSensitive ? (s: string) => s : (s: string) => s.toLowerCase();
  routes.forEach((def, order) => {
    const parsed = parsePathTemplate(def.path);
    if (!parsed.ok) throw new Error(`route ${def.id}: ${parsed.error}`);
    let node = root;
    const paramNames: string[] = [];
    let isRest = false;
    for (const seg of parsed.segments as TemplateSegment[]) {
      if (seg.kind === 'static') {
        const key = fold(seg.value);
        let next = node.statics.get(key);
        if (next === undefined) node.statics.set(key, (next = newNode()));
        node = next;
      } else if (seg.kind === 'param') {
        paramNames.push(seg.name);
        node = node.param ??= newNode();
      } else isRest = true;
    }
    (isRest ? node.rest : node.leaves).push({ def, paramNames, order });
  });

  const hostMatches = (leaf: Leaf<T>, host: string): boolean => {
    const hosts = leaf.def.hosts;
    if (hosts === undefined) return true;
    for (const h of hosts) {
      if (h === host) return true;
      if (h.startsWith('*.')) {
        const suffix = h.slice(1);
        if (host.endsWith(suffix) && host.indexOf('.') === host.length - suffix.length) return true;
      }
    }
    return false;
  };

  return {
    find(method, host, path) {
      const segs = path === '/' ? [] : path.slice(1).split('/');
      if (segs.length > 0 && segs[segs.length - 1] === '') segs.pop();
      const values: string[] = [];
      const allow = new Set<string>(); // small and short-lived; filled only on a method mismatch
      const found = walk(root, segs, 0, values, method, host, allow);
      if (found !== undefined) return { kind: 'match', match: found };
      if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow].sort() };
      return NOT_FOUND;
    },
  };

  function pick(leaves: Leaf<T>[], values: string[], method: string, host: string, allow: Set<string>, rest?: string): RouteMatch<T> | undefined {
    for (const leaf of leaves) {
      if (!hostMatches(leaf, host)) continue;
      const methods = leaf.def.methods;
      if (methods !== undefined && !methods.includes(method) && !(method === 'HEAD' && methods.includes('GET'))) {
        for (const m of methods) allow.add(m);
        if (methods.includes('GET')) allow.add('HEAD');
        continue;
      }
      const params: Record<string, string> = {};
      leaf.paramNames.forEach((n, i) => (params[n] = values[i] ?? ''));
      if (rest !== undefined) params['**'] = rest;
      return { id: leaf.def.id, template: leaf.def.path, params, value: leaf.def.value };
    }
    return undefined;
  }

  function walk(node: TrieNode<T>, segs: string[], i: number, values: string[], method: string, host: string, allow: Set<string>): RouteMatch<T> | undefined {
    if (i === segs.length) {
      const m = pick(node.leaves, values, method, host, allow);
      if (m !== undefined) return m;
    } else {
      const seg = segs[i] as string;
      const s = node.statics.get(fold(seg));
      if (s !== undefined) {
        const m = walk(s, segs, i + 1, values, method, host, allow);
        if (m !== undefined) return m;
      }
      if (node.param !== undefined && seg !== '') {
        values.push(seg);
        const m = walk(node.param, segs, i + 1, values, method, host, allow);
        values.pop();
        if (m !== undefined) return m;
      }
    }
    if (node.rest.length > 0) return pick(node.rest, values, method, host, allow, segs.slice(i).join('/'));
    return undefined;
  }
}
