import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOpenApi } from '../../../core/openapi/load.js';
import type { Decision, GatewayResponse, Stage } from '../../pipeline/types.js';
import { fakeContext, type FakeRequest } from './fake-context.js';
import { DEMO_OPENAPI, validationConfigOf as configOf } from './test-config.js';
import { compileDocument, createValidationStage } from './validation.js';

const loaded = await loadOpenApi(DEMO_OPENAPI);

function stageOf(partial: Readonly<Record<string, unknown>> = {}): Stage {
  const cfg = configOf(partial);
  return createValidationStage(compileDocument(loaded, cfg, () => undefined), cfg, '');
}

const json = (_body: unknown): FakeRequest['headers'] => [['Content-Type', 'application/json']];
const run = (stage: Stage, r: FakeRequest) => {
  const ctx = fakeContext(r);
  const d = stage.onRequest?.(ctx);
  if (d === undefined || d instanceof Promise) throw new Error('expected a synchronous decision');
  return { d, ctx };
};
const problemOf = (d: Decision) => (d.kind === 'reject' ? d.problem : undefined);
const user = { username: 'carol', email: 'carol@example.test', name: 'Carol Cook', password: 'carol-password' };

describe('validation stage: requests', () => {
  const strict = stageOf();

  it('passes a valid request and names the operation', () => {
    const { d } = run(strict, { url: '/users?limit=10&offset=0' });
    expect(d).toMatchObject({ kind: 'continue', facts: { operation: { id: 'GET /users', operationId: 'listUsers' } } });
    // Integer parameters that validated: detection need not read them again.
    expect(d.kind === 'continue' ? [...(d.facts?.inertQuery ?? [])].sort() : []).toEqual(['limit', 'offset']);
    expect(strict.needsBody).toBe(true);
    expect(strict.needsResponseBody).toBe(false);
  });

  it('refuses undocumented operations (404) and methods (405 with Allow)', () => {
    expect(problemOf(run(strict, { url: '/admin/debug' }).d)?.code).toBe('not-found');
    const p = problemOf(run(strict, { method: 'PATCH', url: '/users/1' }).d);
    expect(p?.code).toBe('method-not-allowed');
    expect(p?.headers?.allow).toBe('GET, PUT, DELETE');
  });

  it('learning mode logs undocumented operations and violations', () => {
    const learning = stageOf({ mode: 'learning' });
    const a = run(learning, { url: '/admin/debug' });
    expect(a.d.kind).toBe('continue');
    expect(a.ctx.notes.validation).toBe('undocumented operation');
    const b = run(learning, { url: '/users?limit=0' });
    expect(b.d.kind).toBe('continue');
    expect(b.ctx.notes.validationErrors).toEqual(['query limit: must be >= 1']);
  });

  it('coerces and checks parameters, pointing at each', () => {
    expect(problemOf(run(strict, { url: '/users?limit=abc&offset=-1' }).d)?.errors).toEqual([
      { in: 'query', pointer: 'limit', message: 'must be integer', keyword: 'type' },
      { in: 'query', pointer: 'offset', message: 'must be >= 0', keyword: 'minimum' },
    ]);
    expect(problemOf(run(strict, { url: '/users/abc' }).d)?.errors).toEqual([{ in: 'path', pointer: 'id', message: 'must be integer', keyword: 'type' }]);
    expect(run(strict, { url: '/users/7/orders/3' }).d.kind).toBe('continue');
  });

  it('bounds the errors it reports', () => {
    const q = Array.from({ length: 500 }, (_, i) => `p${i}=1`).join('&');
    const { d, ctx } = run(strict, { url: `/users?${q}` });
    expect(problemOf(d)?.errors).toHaveLength(20);
    expect(problemOf(d)?.detail).toBe('The request does not match the API document (20+ issues).');
    expect(ctx.notes.validationErrors).toHaveLength(20);
  });

  it('refuses parameter pollution and undeclared parameters', () => {
    expect(problemOf(run(strict, { url: '/users?limit=1&limit=2' }).d)?.errors).toEqual([
      { in: 'query', pointer: 'limit', message: 'parameter given more than once', keyword: 'repeated' },
    ]);
    expect(problemOf(run(strict, { url: '/users?limit[]=1' }).d)?.errors?.[0]).toMatchObject({ in: 'query', pointer: 'limit[]', keyword: 'additionalProperties' });
    expect(problemOf(run(strict, { url: '/users?%zz=1' }).d)?.errors?.[0]).toMatchObject({ in: 'query', keyword: 'encoding' });
    expect(run(stageOf({ unknownParameters: 'ignore' }), { url: '/users?utm=1' }).d.kind).toBe('continue');
  });

  it('validates JSON bodies: types, required, formats, readOnly, undeclared members', () => {
    const ok = run(strict, { method: 'POST', url: '/users', headers: json(user), body: JSON.stringify(user) });
    expect(ok.d).toMatchObject({ kind: 'continue', facts: { operation: { id: 'POST /users', operationId: 'createUser' } } });
    // The parsed body, as validated, for detection (with the declared shape it matched).
    const facts = ok.d.kind === 'continue' ? ok.d.facts : undefined;
    expect(facts?.validatedJson?.value).toEqual(user);
    expect(facts?.validatedJson?.shape.properties?.has('username')).toBe(true);
    const bad = { id: 9, username: 'Carol!', email: 'nope', role: 'admin', password: 'x' };
    const p = problemOf(run(strict, { method: 'POST', url: '/users', headers: json(bad), body: JSON.stringify(bad) }).d);
    expect(p?.code).toBe('invalid-request');
    expect(p?.errors?.map((e) => `${e.pointer} ${e.keyword}`).sort()).toEqual(
      ['/id additionalProperties', '/role additionalProperties', '/username pattern', '/email format', '/password minLength'].sort(),
    );
    expect(JSON.stringify(p)).not.toContain('Carol!');
  });

  it('refuses readOnly members that the schema declares (OpenAPI 3.0 document)', async () => {
    const v30 = await loadOpenApi(fileURLToPath(new URL('../../../core/openapi/testdata/users-3.0.yaml', import.meta.url)));
    const cfg = configOf();
    const s = createValidationStage(compileDocument(v30, cfg, () => undefined), cfg, '/v1');
    const body = { id: 3, name: 'Ada', password: 'pw', nick: null };
    const p = problemOf(run(s, { method: 'POST', url: '/v1/users', headers: json(body), body: JSON.stringify(body) }).d);
    expect(p?.errors).toEqual([{ in: 'body', pointer: '/id', message: 'is read-only', keyword: 'readOnly' }]);
    expect(run(s, { url: '/v1/users?tags=a&tags=b&limit=5' }).d.kind).toBe('continue');
    expect(problemOf(run(s, { url: '/users' }).d)?.code).toBe('not-found');
  });

  it('strips undeclared members when asked, and the upstream gets exactly the validated body', () => {
    const body = { ...user, role: 'admin', isAdmin: true };
    const { d, ctx } = run(stageOf({ unknownProperties: 'strip' }), { method: 'POST', url: '/users', headers: json(body), body: JSON.stringify(body) });
    expect(d.kind).toBe('continue');
    const forwarded = d.kind === 'continue' ? d.facts?.body : undefined;
    expect(JSON.parse(forwarded?.toString() ?? 'null')).toEqual(user);
    expect(ctx.notes.validationChanged).toEqual(['/role', '/isAdmin']);
  });

  it('sanitises string leaves only when asked', () => {
    const body = { ...user, name: '  <b>Carol</b>\u0000 Cook  ', email: 'carol@example.test' };
    const s = stageOf({ sanitise: { trim: true, stripControl: true, html: 'strip', normalize: true } });
    const { d } = run(s, { method: 'POST', url: '/users', headers: json(body), body: JSON.stringify(body) });
    const forwarded = d.kind === 'continue' ? d.facts?.body : undefined;
    expect(JSON.parse(forwarded?.toString() ?? 'null')).toMatchObject({ name: 'Carol Cook' });
    const escaped = run(stageOf({ sanitise: { html: 'escape' } }), { method: 'POST', url: '/users', headers: json(body), body: JSON.stringify({ ...user, name: '<i>' }) }).d;
    expect(JSON.parse((escaped.kind === 'continue' ? escaped.facts?.body : undefined)?.toString() ?? 'null').name).toBe('&lt;i&gt;');
    expect(run(strict, { method: 'POST', url: '/users', headers: json(body), body: JSON.stringify({ ...user, name: ' x ' }) }).d).not.toHaveProperty('facts.body');
  });

  it('answers media-type mismatches with 415 and repeated Content-Type with 400', () => {
    const text = run(strict, { method: 'POST', url: '/users', headers: [['Content-Type', 'text/plain']], body: JSON.stringify(user) });
    expect(problemOf(text.d)?.code).toBe('unsupported-media-type');
    const multi = run(strict, { method: 'POST', url: '/users', headers: [['Content-Type', 'multipart/form-data; boundary=x']], body: '--x\r\n' });
    expect(problemOf(multi.d)?.code).toBe('unsupported-media-type');
    const none = run(strict, { method: 'POST', url: '/users', body: JSON.stringify(user) });
    expect(problemOf(none.d)?.code).toBe('unsupported-media-type');
    const two = run(strict, { method: 'POST', url: '/users', headers: [['Content-Type', 'application/json'], ['Content-Type', 'text/plain']], body: JSON.stringify(user) });
    expect(problemOf(two.d)?.code).toBe('duplicate-header');
    const latin = run(strict, { method: 'POST', url: '/users', headers: [['Content-Type', 'application/json; charset=iso-8859-1']], body: JSON.stringify(user) });
    expect(problemOf(latin.d)?.code).toBe('unsupported-media-type');
  });

  it('refuses missing required bodies and bodies where none is documented', () => {
    expect(problemOf(run(strict, { method: 'POST', url: '/users', headers: json(null) }).d)?.errors?.[0]).toMatchObject({ in: 'body', keyword: 'required' });
    expect(problemOf(run(strict, { url: '/users', headers: json(null), body: '{}' }).d)?.errors?.[0]).toMatchObject({ in: 'body', keyword: 'requestBody' });
  });

  it('refuses JSON threats with a pointer, whatever the mode', () => {
    const learning = stageOf({ mode: 'learning' });
    const cases: [string, string][] = [
      ['['.repeat(100_000) + ']'.repeat(100_000), 'depth'],
      [`{"username":"${'a'.repeat(10 * 1024 * 1024)}"}`, 'string-length'],
      [`{${Array.from({ length: 5000 }, (_, i) => `"k${i}":1`).join(',')}}`, 'keys'],
      ['{"username":"a","username":"b"}', 'duplicate-key'],
      ['{"total":1e400}', 'number'],
      ['{"__proto__":{"isAdmin":true}}', 'forbidden-key'],
      ['{"username": "carol",', 'syntax'],
    ];
    for (const [body, rule] of cases) {
      for (const s of [strict, learning]) {
        const p = problemOf(run(s, { method: 'POST', url: '/users', headers: json(null), body }).d);
        expect(p?.code, rule).toBe('invalid-request');
        expect(p?.errors?.[0]?.keyword, rule).toBe(rule);
      }
    }
  });
});

describe('validation stage: responses', () => {
  const respond = (stage: Stage, r: FakeRequest, status: number, body: unknown) => {
    const { d, ctx } = run(stage, r);
    const facts = d.kind === 'continue' ? (d.facts ?? {}) : {};
    const after = { ...ctx, facts };
    const res: GatewayResponse = { status, headers: { 'content-type': 'application/json', etag: '"x"' }, body: Buffer.from(JSON.stringify(body)), fromGateway: false };
    const out = stage.onResponse?.(after, res);
    return { out, res, notes: ctx.notes, facts };
  };
  const leaked = { id: 1, username: 'alice', email: null, name: 'Alice', role: 'user', created_at: '2026-01-01T00:00:00.000Z', password_hash: 'scrypt$...' };

  it('strips undeclared members and recomputes the length', () => {
    const s = stageOf({ responses: { stripUndeclared: true, validate: true } });
    expect(s.needsResponseBody).toBe(true);
    const { out, res, notes, facts } = respond(s, { url: '/users/1' }, 200, leaked);
    expect(out).toBeUndefined();
    const { password_hash: _, ...clean } = leaked;
    expect(JSON.parse(res.body?.toString() ?? '')).toEqual(clean);
    expect(res.headers['content-length']).toBe(String(res.body?.length));
    expect(res.headers.etag).toBeUndefined();
    expect(notes.responseUndeclared).toEqual(['/password_hash']);
    expect(facts.upstreamHeaders).toEqual({ 'accept-encoding': 'identity' });
  });

  it('logs schema mismatches', () => {
    const s = stageOf({ responses: { validate: true } });
    const { notes, res } = respond(s, { url: '/users/1' }, 200, { ...leaked, role: 'root' });
    expect(notes.responseMismatch).toEqual(expect.arrayContaining(['/role must be equal to one of the allowed values']));
    expect(JSON.parse(res.body?.toString() ?? '')).toHaveProperty('password_hash');
  });

  it('blocks or redacts writeOnly and x-rampart-sensitive members, except where exposed', () => {
    const block = stageOf({ responses: { sensitive: 'block' } });
    const token = { token: 'eyJ.x.y', token_type: 'Bearer', expires_in: 3600 };
    const login = { method: 'POST', url: '/login', headers: json(null), body: JSON.stringify({ username: 'alice', password: 'alice-password' }) };
    expect(respond(block, login, 200, token).out).toMatchObject({ kind: 'replace', problem: { code: 'bad-gateway' } });
    const exposed = stageOf({ responses: { sensitive: 'block', exposeSensitive: ['login'] } });
    expect(respond(exposed, login, 200, token).out).toBeUndefined();
    const redact = stageOf({ responses: { sensitive: 'redact' } });
    const r = respond(redact, login, 200, token);
    expect(JSON.parse(r.res.body?.toString() ?? '')).toEqual({ token_type: 'Bearer', expires_in: 3600 });
  });
});

describe('validation stage: CORS preflight and module build', () => {
  it('lets a CORS preflight for a documented operation through, and nothing else on OPTIONS', () => {
    const s = stageOf();
    const pre = run(s, { method: 'OPTIONS', url: '/users/1', headers: [['Origin', 'https://app.test'], ['Access-Control-Request-Method', 'PUT']] });
    expect(pre.d.kind).toBe('continue');
    const other = run(s, { method: 'OPTIONS', url: '/users/1', headers: [['Origin', 'https://app.test'], ['Access-Control-Request-Method', 'PATCH']] });
    expect(problemOf(other.d)?.code).toBe('method-not-allowed');
    expect(problemOf(run(s, { method: 'OPTIONS', url: '/users/1' }).d)?.code).toBe('method-not-allowed');
  });
});
