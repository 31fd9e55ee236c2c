/**
 * Matching request paths against a document's path templates (OpenAPI 3 §4.8.8: concrete paths win over
 * templated ones). A template segment may mix text and parameters (`/files/{name}.{ext}`).
 */

type Segment = { readonly kind: 'static'; readonly value: string } | { readonly kind: 'pattern'; readonly re: RegExp; readonly names: readonly string[] };

interface CompiledTemplate<T> {
  readonly template: string;
  readonly segments: readonly Segment[];
  /** Static segments count: more is more specific. */
  readonly statics: number;
  readonly value: T;
}

export interface TemplateMatch<T> {
  readonly template: string;
  /** Raw (still percent-encoded) parameter values: styles split them before decoding. */
  readonly params: Readonly<Record<string, string>>;
  readonly value: T;
}

export interface PathMatcher<T> {
  /** Templates matching `path` (one per template), most specific first. */
  match(path: string): readonly TemplateMatch<T>[];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileSegment(seg: string, fold: boolean): Segment {
  if (!seg.includes('{')) return { kind: 'static', value: fold ? seg.toLowerCase() : seg };
  const names: string[] = [];
  let re = '^';
  let last = 0;
  for (const m of seg.matchAll(/\{([^{}]+)\}/g)) {
    re += escapeRe(seg.slice(last, m.index));
    re += '([^/]+?)';
    names.push(m[1] ?? '');
    last = m.index + m[0].length;
  }
  re += escapeRe(seg.slice(last)) + '$';
  return { kind: 'pattern', re: new RegExp(re, fold ? 'i' : ''), names };
}

const splitPath = (p: string): string[] => {
  const parts = p.split('/');
  parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

/**
 * Compile templates once. Templates are grouped by segment count and first segment, so `match` only tries
 * those that can fit (for `/users/...` paths, the `/users` templates and any starting with a parameter).
 */
export function createPathMatcher<T>(entries: readonly { template: string; value: T }[], options: { caseSensitive: boolean }): PathMatcher<T> {
  const fold = !options.caseSensitive;
  const groups = new Map<string, CompiledTemplate<T>[]>();
  const keyOf = (size: number, first: string | undefined) => `${size}\u0000${first ?? ''}`;
  for (const e of entries) {
    const segments = splitPath(e.template).map((s) => compileSegment(s, fold));
    const c: CompiledTemplate<T> = { template: e.template, segments, statics: segments.filter((s) => s.kind === 'static').length, value: e.value };
    const first = segments[0];
    // A first segment that is a parameter is filed under "\u0001", which no path segment can equal.
    const key = keyOf(segments.length, first === undefined ? undefined : first.kind === 'static' ? first.value : '\u0001');
    const list = groups.get(key) ?? [];
    list.push(c);
    groups.set(key, list);
  }
  for (const list of groups.values()) list.sort((a, b) => b.statics - a.statics);
  const none: CompiledTemplate<T>[] = [];

  const tryTemplate = (c: CompiledTemplate<T>, parts: readonly string[]): TemplateMatch<T> | undefined => {
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const seg = c.segments[i];
      const part = parts[i] ?? '';
      if (seg === undefined) return undefined;
      if (seg.kind === 'static') {
        if ((fold ? part.toLowerCase() : part) !== seg.value) return undefined;
        continue;
      }
      const m = seg.re.exec(part);
      if (m === null) return undefined;
      for (let k = 0; k < seg.names.length; k++) {
        const v = m[k + 1] ?? '';
        if (v === '') return undefined;
        params[seg.names[k] ?? ''] = v;
      }
    }
    return { template: c.template, params, value: c.value };
  };

  return {
    match(path) {
      const parts = splitPath(path);
      const first = parts[0];
      const statics = first === '\u0001' ? none : (groups.get(keyOf(parts.length, first === undefined ? undefined : fold ? first.toLowerCase() : first)) ?? none);
      const params = first === undefined ? none : (groups.get(keyOf(parts.length, '\u0001')) ?? none);
      const out: TemplateMatch<T>[] = [];
      // Merge the two lists, each sorted by specificity, so the result is too.
      let a = 0;
      let b = 0;
      while (a < statics.length || b < params.length) {
        const sa = statics[a];
        const sb = params[b];
        const c = sb === undefined || (sa !== undefined && sa.statics >= sb.statics) ? (a++, sa) : (b++, sb);
        if (c === undefined) break;
        const m = tryTemplate(c, parts);
        if (m !== undefined) out.push(m);
      }
      return out;
    },
  };
}
