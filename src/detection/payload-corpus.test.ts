import { describe, expect, it } from 'vitest';
import { createInspector } from './index.js';
import { corpusRequest as toRequest, loadCorpus as load, type CorpusLine as Line } from './testing/corpus.js';

/**
 * The public-collection corpora (scripts/gen-payload-corpus.ts): payload families placed in query, form, JSON,
 * header, cookie and path positions through URL, double URL, %u, \u, \x, HTML-entity, base64/base64url,
 * mixed-case and comment/whitespace encoders, and realistic benign values through the same encoders. Each
 * category and each encoder is held at the rate it reached, so a regression in any one of them fails.
 */
const inspector = createInspector();

/** Share of the lines of each group that the engine decides as the set says (attack blocked, legit passed). */
function rates(lines: Line[], by: 'category' | 'encoder' | 'placement'): Map<string, number> {
  const tally = new Map<string, [number, number]>();
  for (const l of lines) {
    const t = tally.get(l[by] ?? '-') ?? [0, 0];
    t[1]++;
    if (inspector.inspect(toRequest(l)).blocked === (l.set === 'attack')) t[0]++;
    tally.set(l[by] ?? '-', t);
  }
  return new Map([...tally].map(([k, [ok, n]]) => [k, ok / n]));
}

// Reached rates (percent, rounded down to 0.1); raise them when a change improves a group. The base64 misses are
// values of 4-7 characters (`JyAn` is `' '`: any short word is valid base64) and base64 path segments, which
// extraction does not decode yet. Traversal, double-url, js-unicode and url were 98, 99.5, 100 and 99.5 until session 6 made a bare path under
// a system directory (`/var/log/nginx/access.log`) weak at the default level: log-search, monitoring and deployment
// APIs send such paths every day (it blocks again from paranoia 3). Nosqli and plain were 99.3 and 99.4 until a
// query document in a parameter named `filter`/`where`/`q` with read operators on named fields passed (`filter=
// {"age":{"$lt":100000}}` is how MongoDB-backed APIs take filters; `{"$ne": null}` standing for a value still blocks).
const ATTACK_BY_CATEGORY: Record<string, number> = { crlf: 97.6, jndi: 99.1, ldapi: 98.9, nosqli: 98.7, rfi: 100, sqli: 99.6, ssrf: 98.1, ssti: 96.8, traversal: 97.2, xss: 100, xxe: 100 };
const ATTACK_BY_ENCODER: Record<string, number> = { base64: 98.5, base64url: 89.6, 'comment-ws': 100, 'double-url': 98.7, 'html-entity': 100, 'iis-u': 100, 'js-hex': 100, 'js-unicode': 99.4, 'mixed-case': 100, plain: 98.9, url: 98.5, 'url-form': 99.3 };
const BENIGN_BY_CATEGORY: Record<string, number> = { 'base64-doc': 96.2, email: 100, 'json-string': 100, markdown: 100, misc: 100, multilingual: 100, name: 100, prose: 100, 'rich-text': 100, ticket: 100, token: 100, url: 100 };

describe('public-collection corpora at the default paranoia', () => {
  const attacks = load('payloads.jsonl');
  const benign = load('benign-payloads.jsonl');

  it('are the generated files: every line says its encoder and placement', () => {
    expect(attacks.length).toBeGreaterThan(1000);
    expect(benign.length).toBeGreaterThan(500);
    for (const l of [...attacks, ...benign]) expect(typeof l.encoder === 'string' && typeof l.placement === 'string', l.id).toBe(true);
    expect(new Set(attacks.map((l) => l.set))).toEqual(new Set(['attack']));
    expect(new Set(benign.map((l) => l.set))).toEqual(new Set(['legit']));
  });

  it('blocks each attack category at its reached rate', () => {
    const got = rates(attacks, 'category');
    expect([...got.keys()].sort()).toEqual(Object.keys(ATTACK_BY_CATEGORY).sort());
    for (const [c, min] of Object.entries(ATTACK_BY_CATEGORY)) expect(100 * (got.get(c) ?? 0), c).toBeGreaterThanOrEqual(min);
  });

  it('blocks attacks through each encoder at its reached rate', () => {
    const got = rates(attacks, 'encoder');
    expect([...got.keys()].sort()).toEqual(Object.keys(ATTACK_BY_ENCODER).sort());
    for (const [e, min] of Object.entries(ATTACK_BY_ENCODER)) expect(100 * (got.get(e) ?? 0), e).toBeGreaterThanOrEqual(min);
  });

  it('passes each benign kind at its reached rate, and 99% of the benign lines overall', () => {
    const got = rates(benign, 'category');
    expect([...got.keys()].sort()).toEqual(Object.keys(BENIGN_BY_CATEGORY).sort());
    for (const [c, min] of Object.entries(BENIGN_BY_CATEGORY)) expect(100 * (got.get(c) ?? 0), c).toBeGreaterThanOrEqual(min);
    const passed = benign.filter((l) => !inspector.inspect(toRequest(l)).blocked).length;
    expect(passed / benign.length).toBeGreaterThanOrEqual(0.99);
  });

  it('passes benign values in query, form, JSON, header and cookie positions through every encoder', () => {
    const blocked = benign.filter((l) => l.placement !== 'path' && inspector.inspect(toRequest(l)).blocked);
    // Markup hidden under two layers of URL encoding is suspicious by design (double encoding + markup element).
    expect(blocked.filter((l) => !(l.category === 'rich-text' && l.encoder === 'double-url')).map((l) => l.id)).toEqual([]);
  });
});
