import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_FORMATS } from '../../../core/openapi/compile.js';
import { loadOpenApi } from '../../../core/openapi/load.js';
import { isRecord, listOperations } from '../../../core/openapi/operations.js';
import { toJsonSchema } from '../../../core/openapi/schema.js';
import type { Decision, Stage } from '../../pipeline/types.js';
import { fakeContext } from './fake-context.js';
import { DEMO_OPENAPI, validationConfigOf } from './test-config.js';
import { compileDocument, createValidationStage } from './validation.js';

/**
 * Property suite over the demo API's own document: values generated from each request schema always pass,
 * and each single mutation of a valid request is refused with an error at exactly the mutated pointer.
 */

const loaded = await loadOpenApi(DEMO_OPENAPI);
const cfg = validationConfigOf();
const stage: Stage = createValidationStage(compileDocument(loaded, cfg, () => undefined), cfg, '');

type Schema = Record<string, unknown>;
const lower = fc.stringMatching(/^[a-z]{1,12}$/);

/** An arbitrary of values valid against a (converted, JSON Schema 2020-12) schema: the subset the demo uses. */
function arbitraryOf(s: unknown, defs: Schema): fc.Arbitrary<unknown> {
  if (!isRecord(s)) return fc.constant(null);
  if (typeof s.$ref === 'string') return arbitraryOf(defs[s.$ref.replace('#/$defs/', '')], defs);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const types = Array.isArray(s.type) ? s.type.map(String) : [String(s.type)];
  return fc.oneof(...types.map((t) => arbitraryOfType(t, s, defs)));
}

function arbitraryOfType(t: string, s: Schema, defs: Schema): fc.Arbitrary<unknown> {
  const num = (k: string, d: number) => (typeof s[k] === 'number' ? s[k] : d);
  switch (t) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: num('minimum', -1e6), max: num('maximum', 1e6) });
    case 'string':
      if (s.format === 'email') return fc.tuple(lower, lower).map(([a, b]) => `${a}@${b}.test`);
      if (s.format === 'date-time') return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern));
      return fc.string({ unit: 'grapheme-ascii', minLength: num('minLength', 0), maxLength: Math.min(num('maxLength', 40), 40) });
    case 'array':
      return fc.array(arbitraryOf(s.items, defs), { minLength: num('minItems', 0), maxLength: Math.min(num('maxItems', 5), 5) });
    case 'object': {
      const props = isRecord(s.properties) ? s.properties : {};
      const required = Array.isArray(s.required) ? s.required.map(String) : [];
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) if (!(isRecord(v) && v.rampartReadOnly === true)) model[k] = arbitraryOf(v, defs);
      return fc.record(model, { requiredKeys: required }).filter((o) => Object.keys(o).length >= num('minProperties', 0));
    }
    default:
      return fc.constant(null);
  }
}

interface BodyCase {
  readonly method: string;
  readonly url: string;
  readonly schema: Schema;
  readonly arb: fc.Arbitrary<unknown>;
}

const bodyCases: BodyCase[] = listOperations(loaded)
  .filter((o) => o.requestBody !== undefined)
  .map((o) => {
    const raw = o.requestBody?.content['application/json']?.schema ?? {};
    const converted = toJsonSchema(raw, { version: loaded.version, direction: 'request', document: loaded.document, knownFormats: KNOWN_FORMATS }).schema;
    const schema = isRecord(converted) ? converted : {};
    const defs = isRecord(schema.$defs) ? schema.$defs : {};
    return { method: o.method, url: o.path.replace(/\{[^}]+\}/g, '7'), schema, arb: arbitraryOf(schema, defs) };
  });

const decide = (method: string, url: string, body?: unknown): Decision => {
  const headers: [string, string][] = body === undefined ? [] : [['content-type', 'application/json']];
  const d = stage.onRequest?.(fakeContext({ method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  if (d === undefined || d instanceof Promise) throw new Error('expected a synchronous decision');
  return d;
};

/** Resolve a property schema through `$ref`s into the body's `$defs`. */
function deref(s: unknown, root: Schema): Schema {
  const defs = isRecord(root.$defs) ? root.$defs : {};
  let cur = s;
  while (isRecord(cur) && typeof cur.$ref === 'string') cur = defs[cur.$ref.replace('#/$defs/', '')];
  return isRecord(cur) ? cur : {};
}

type Mutation = { readonly pointer: string; readonly keywords: readonly string[]; readonly apply: (o: Record<string, unknown>) => void };

/** Every single mutation a top-level member of `schema` allows, for a valid body `o`. */
function mutationsOf(schema: Schema, o: Record<string, unknown>): Mutation[] {
  const root = deref(schema, schema);
  const props = isRecord(root.properties) ? root.properties : {};
  const required = Array.isArray(root.required) ? root.required.map(String) : [];
  const out: Mutation[] = [{ pointer: '/injected_role', keywords: ['additionalProperties'], apply: (b) => (b.injected_role = 'admin') }];
  for (const [k, raw] of Object.entries(props)) {
    const p = deref(raw, schema);
    const types = Array.isArray(p.type) ? p.type : [p.type];
    if (required.includes(k)) out.push({ pointer: `/${k}`, keywords: ['required'], apply: (b) => delete b[k] });
    out.push({ pointer: `/${k}`, keywords: ['type', 'const', 'enum'], apply: (b) => (b[k] = types.includes('string') ? { nested: true } : 'not-a-number') });
    if (typeof p.maxLength === 'number') out.push({ pointer: `/${k}`, keywords: ['maxLength'], apply: (b) => (b[k] = 'a'.repeat(Number(p.maxLength) + 1)) });
    if (p.format === 'email') out.push({ pointer: `/${k}`, keywords: ['format'], apply: (b) => (b[k] = 'not-an-email') });
    if (typeof p.maximum === 'number') out.push({ pointer: `/${k}`, keywords: ['maximum'], apply: (b) => (b[k] = Number(p.maximum) + 1) });
  }
  return out.filter((m) => m.keywords[0] !== 'required' || m.pointer.slice(1) in o);
}

describe('validation properties (demo API document)', () => {
  it('has request bodies to generate for', () => {
    expect(bodyCases.map((c) => `${c.method} ${c.url}`).sort()).toEqual(['POST /login', 'POST /users', 'POST /users/7/orders', 'PUT /users/7']);
  });

  for (const c of bodyCases) {
    it(`${c.method} ${c.url}: generated valid bodies pass`, () => {
      fc.assert(
        fc.property(c.arb, (body) => {
          const d = decide(c.method, c.url, body);
          expect(d.kind === 'reject' ? d.problem.errors : undefined).toBeUndefined();
        }),
        { numRuns: 150 },
      );
    });

    it(`${c.method} ${c.url}: each single mutation is refused at its pointer`, () => {
      fc.assert(
        fc.property(c.arb, fc.nat(), (body, pick) => {
          if (!isRecord(body)) return;
          const mutations = mutationsOf(c.schema, body);
          const m = mutations[pick % mutations.length];
          if (m === undefined) return;
          const mutated = structuredClone(body);
          m.apply(mutated);
          const d = decide(c.method, c.url, mutated);
          expect(d.kind).toBe('reject');
          const errors = d.kind === 'reject' ? (d.problem.errors ?? []) : [];
          expect(errors.length).toBeGreaterThan(0);
          // Every error is about the mutated member, and one names the rule that was broken.
          for (const e of errors) expect(e.pointer === m.pointer || (e.pointer === '' && e.keyword === 'minProperties')).toBe(true);
          expect(errors.some((e) => m.keywords.includes(e.keyword ?? ''))).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('query parameters: valid values pass, out-of-range and wrongly typed ones point at the parameter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 3 }), (limit, offset, mutation) => {
        expect(decide('GET', `/users?limit=${limit}&offset=${offset}`).kind).toBe('continue');
        const cases: [string, string][] = [
          [`/users?limit=${limit + 100}&offset=${offset}`, 'limit'],
          [`/users?limit=${limit}&offset=-${offset + 1}`, 'offset'],
          [`/users?limit=${limit}x&offset=${offset}`, 'limit'],
          [`/users?limit=${limit}&offset=${offset}&offset=${offset}`, 'offset'],
        ];
        const [url, pointer] = cases[mutation] ?? ['', ''];
        const d = decide('GET', url);
        expect(d.kind === 'reject' ? d.problem.errors?.map((e) => e.pointer) : []).toEqual([pointer]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validation never crashes', () => {
  const paths = ['/users', '/users/1', '/users/1/orders', '/users/1/orders/2', '/login', '/health', '/x', '/users/%ZZ', '/users/..%2f'];
  const types = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data; boundary=zz', 'application/x-www-form-urlencoded', 'application/merge-patch+json', '', ';;;', 'application/json; charset=latin1'];
  const bodies = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.constantFrom('--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--', '{"a":1e999}', '[[[[[[', '{"__proto__":1}', 'a=1&a=2&b[]=3'),
  );
  it('answers any request with continue or a 4xx problem from the catalogue', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        fc.constantFrom(...paths),
        fc.oneof(fc.string({ maxLength: 60 }).map((q) => encodeURI(q)), fc.stringMatching(/^[a-z0-9=&%[\]+.;,-]{0,60}$/)),
        fc.constantFrom(...types),
        fc.option(bodies, { nil: undefined }),
        (method, path, query, type, body) => {
          const headers: [string, string][] = type === '' ? [] : [['Content-Type', type]];
          const d = stage.onRequest?.(fakeContext({ method, url: `${path}?${query}`, headers, body }));
          if (d === undefined || d instanceof Promise) throw new Error('expected a synchronous decision');
          if (d.kind === 'reject') {
            expect(['invalid-request', 'not-found', 'method-not-allowed', 'unsupported-media-type', 'duplicate-header', 'payload-too-large']).toContain(d.problem.code);
            for (const e of d.problem.errors ?? []) expect(e.pointer.length).toBeLessThanOrEqual(201);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
