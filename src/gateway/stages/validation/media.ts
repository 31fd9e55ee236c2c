/** A parsed Content-Type (RFC 9110 §8.3.1): lower-case `type/subtype` and its parameters. */
export interface MediaType {
  readonly essence: string;
  readonly params: ReadonlyMap<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseMediaType(header: string): MediaType | undefined {
  const [head = '', ...rest] = header.split(';');
  const essence = head.trim().toLowerCase();
  if (!TOKEN.test(essence)) return undefined;
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params.set(p.slice(0, eq).trim().toLowerCase(), v);
  }
  return { essence, params };
}

export type BodyKind = 'json' | 'form' | 'multipart' | 'text' | 'binary';

/** How a media type's body is read: JSON (`application/json`, `*+json`), forms, text, or opaque bytes. */
export function bodyKindOf(essence: string): BodyKind {
  if (essence === 'application/json' || essence.endsWith('+json')) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  if (essence === 'multipart/form-data') return 'multipart';
  if (essence.startsWith('text/')) return 'text';
  return 'binary';
}

/**
 * The document's media-type key that `essence` falls under: exact, then `type/*`, then `*\/*`
 * (OpenAPI 3 §4.8.14: the more specific key wins). undefined: not allowed (415).
 */
export function matchMediaKey(keys: readonly string[], essence: string): string | undefined {
  if (keys.includes(essence)) return essence;
  const range = essence.slice(0, essence.indexOf('/') + 1) + '*';
  if (keys.includes(range)) return range;
  return keys.includes('*/*') ? '*/*' : undefined;
}
