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

/** Compile templates once; `match` then costs one pass over the templates with the same segment count. */
export function createPathMatcher<T>(entries: readonly { template: string; value: T }[], options: { caseSensitive: boolean }): PathMatcher<T> {
  const fold = !options.caseSensitive;
  const bySize = new Map<number, CompiledTemplate<T>[]>();
  for (const e of entries) {
    const segments = splitPath(e.template).map((s) => compileSegment(s, fold));
    const c: CompiledTemplate<T> = { template: e.template, segments, statics: segments.filter((s) => s.kind === 'static').length, value: e.value };
    const list = bySize.get(segments.length) ?? [];
    list.push(c);
    bySize.set(segments.length, list);
  }
  for (const list of bySize.values()) list.sort((a, b) => b.statics - a.statics);
  return {
    match(path) {
      const parts = splitPath(path);
      const candidates = bySize.get(parts.length);
      if (candidates === undefined) return [];
      const out: TemplateMatch<T>[] = [];
      next: for (const c of candidates) {
        const params: Record<string, string> = {};
        for (let i = 0; i < parts.length; i++) {
          const seg = c.segments[i];
          const part = parts[i] ?? '';
          if (seg === undefined) continue next;
          if (seg.kind === 'static') {
            if ((fold ? part.toLowerCase() : part) !== seg.value) continue next;
            continue;
          }
          const m = seg.re.exec(part);
          if (m === null) continue next;
          for (let k = 0; k < seg.names.length; k++) {
            const v = m[k + 1] ?? '';
            if (v === '') continue next;
            params[seg.names[k] ?? ''] = v;
          }
        }
        out.push({ template: c.template, params, value: c.value });
      }
      return out;
    },
  };
}
