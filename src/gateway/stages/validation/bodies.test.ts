import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOpenApi, loadOpenApiObject } from '../../../core/openapi/load.js';
import type { Decision, Stage } from '../../pipeline/types.js';
import { fakeContext, type FakeRequest } from './fake-context.js';
import { parseMultipart } from './multipart.js';
import { validationConfigOf } from './test-config.js';
import { compileDocument, createValidationStage } from './validation.js';

/** Forms, multipart, parameter styles, headers and cookies, on an OpenAPI 3.0 document. */

const loaded = await loadOpenApi(fileURLToPath(new URL('../../../core/openapi/testdata/users-3.0.yaml', import.meta.url)));
const stageOf = (partial: Readonly<Record<string, unknown>> = {}): Stage => {
  const cfg = validationConfigOf(partial);
  return createValidationStage(compileDocument(loaded, cfg, () => undefined), cfg, '/v1');
};
const strict = stageOf();
const run = (stage: Stage, r: FakeRequest): Decision => {
  const d = stage.onRequest?.(fakeContext(r));
  if (d === undefined || d instanceof Promise) throw new Error('expected a synchronous decision');
  return d;
};
const errorsOf = (d: Decision) => (d.kind === 'reject' ? (d.problem.errors ?? []).map((e) => `${e.in} ${e.pointer} ${e.keyword}`) : []);
const codeOf = (d: Decision) => (d.kind === 'reject' ? d.problem.code : 'continue');
const forwarded = (d: Decision) => (d.kind === 'continue' ? d.facts?.body?.toString() : undefined);

const multipart = (parts: { name: string; value: string; filename?: string; type?: string }[], boundary = 'b0undary') => ({
  headers: [['Content-Type', `multipart/form-data; boundary=${boundary}`]] as [string, string][],
  body:
    parts
      .map(
        (p) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n` +
          (p.type !== undefined ? `Content-Type: ${p.type}\r\n` : '') +
          `\r\n${p.value}\r\n`,
      )
      .join('') + `--${boundary}--\r\n`,
});

describe('multipart/form-data', () => {
  it('parses parts, with limits', () => {
    const { body } = multipart([{ name: 'a', value: 'x' }, { name: 'f', value: '\u0000bin', filename: 'a.png', type: 'image/png' }]);
    const r = parseMultipart(Buffer.from(body), 'b0undary', { maxParts: 5, maxPartBytes: 100 });
    expect(r.ok && r.parts.map((p) => [p.name, p.filename, p.contentType, p.data.toString()])).toEqual([
      ['a', undefined, 'text/plain', 'x'],
      ['f', 'a.png', 'image/png', '\u0000bin'],
    ]);
    expect(parseMultipart(Buffer.from(body), 'b0undary', { maxParts: 1, maxPartBytes: 100 })).toMatchObject({ ok: false, tooLarge: true });
    expect(parseMultipart(Buffer.from(body), 'b0undary', { maxParts: 5, maxPartBytes: 2 })).toMatchObject({ ok: false, tooLarge: true });
    for (const bad of ['', '--b0undary\r\nno-colon\r\n\r\nx\r\n--b0undary--', '--b0undary\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b0undary--', '--b0undary\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated']) {
      expect(parseMultipart(Buffer.from(bad), 'b0undary', { maxParts: 5, maxPartBytes: 100 })).toMatchObject({ ok: false, tooLarge: false });
    }
    expect(parseMultipart(Buffer.from(body), 'x'.repeat(71), { maxParts: 5, maxPartBytes: 100 }).ok).toBe(false);
  });

  it('validates fields by the schema, JSON parts included', () => {
    const ok = multipart([
      { name: 'userId', value: '42' },
      { name: 'tags', value: 'a' },
      { name: 'tags', value: 'b' },
      { name: 'meta', value: '{"alt":"me"}', type: 'application/json' },
      { name: 'file', value: 'PNG...', filename: 'me.png', type: 'image/png' },
    ]);
    expect(codeOf(run(strict, { method: 'POST', url: '/v1/avatars', ...ok }))).toBe('continue');
    const bad = multipart([
      { name: 'userId', value: 'x' },
      { name: 'userId', value: '2' },
      { name: 'meta', value: '{"alt":"far too long"}', type: 'application/json' },
      { name: 'file', value: 'x'.repeat(65), filename: 'big.png' },
      { name: 'role', value: 'admin' },
    ]);
    expect(errorsOf(run(strict, { method: 'POST', url: '/v1/avatars', ...bad })).sort()).toEqual(
      ['body /userId repeated', 'body /userId type', 'body /meta/alt maxLength', 'body /file maxLength', 'body /role additionalProperties'].sort(),
    );
    // Undeclared parts are refused even in strip mode: a multipart body is forwarded as sent.
    expect(codeOf(run(stageOf({ unknownProperties: 'strip' }), { method: 'POST', url: '/v1/avatars', ...multipart([{ name: 'userId', value: '1' }, { name: 'file', value: 'x', filename: 'f' }, { name: 'x', value: '1' }]) }))).toBe('invalid-request');
  });

  it('answers too many or too large parts with 413, and JSON sent as multipart with 415', () => {
    const many = multipart(Array.from({ length: 40 }, (_, i) => ({ name: `p${i}`, value: 'x' })));
    expect(codeOf(run(strict, { method: 'POST', url: '/v1/avatars', ...many }))).toBe('payload-too-large');
    expect(codeOf(run(strict, { method: 'POST', url: '/v1/users', ...multipart([{ name: 'name', value: 'Ada' }]) }))).toBe('unsupported-media-type');
  });
});

describe('a leading byte order mark (found by test/robustness/fuzz.test.ts)', () => {
  // The parsers ignore it (RFC 8259 §8.1 allows that); the upstream must then not get it: JSON.parse refuses
  // "\uFEFF{...}", and a form parser reads "\uFEFFuser" as another field than the one validated.
  const bom = (s: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]);
  it('is dropped from a JSON or form body forwarded as sent', () => {
    const user = '{"name":"Ada","password":"pw"}';
    const json = run(strict, { method: 'POST', url: '/v1/users', headers: [['Content-Type', 'application/json']], body: bom(user) });
    expect(forwarded(json)).toBe(user);
    const form = run(strict, { method: 'POST', url: '/v1/sessions', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: bom('user=ada') });
    expect(forwarded(form)).toBe('user=ada');
    expect(codeOf(run(strict, { method: 'POST', url: '/v1/users', headers: [['Content-Type', 'application/json']], body: user }))).toBe('continue');
    expect(forwarded(run(strict, { method: 'POST', url: '/v1/users', headers: [['Content-Type', 'application/json']], body: user }))).toBeUndefined();
  });
});

describe('application/x-www-form-urlencoded', () => {
  const form = (body: string): FakeRequest => ({ method: 'POST', url: '/v1/sessions', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body });

  it('coerces fields and refuses repeats of single fields', () => {
    expect(codeOf(run(strict, form('user=ada&remember=true&scopes=a&scopes=b')))).toBe('continue');
    expect(errorsOf(run(strict, form('user=ada&user=eve&remember=yes')))).toEqual(['body /user repeated', 'body /remember type']);
    expect(codeOf(run(strict, form('user=%E0%A4%A')))).toBe('invalid-request');
    expect(codeOf(run(strict, form('__proto__=1&user=a')))).toBe('invalid-request');
  });

  it('strips and sanitises the fields as sent, re-encoding exactly what was validated', () => {
    const s = stageOf({ unknownProperties: 'strip', sanitise: { trim: true } });
    expect(forwarded(run(s, form('user=+ada+&isAdmin=1&scopes=a')))).toBe('user=ada&scopes=a');
    expect(forwarded(run(s, form('user=ada')))).toBeUndefined();
  });
});

describe('parameter styles, headers and cookies', () => {
  const search = (q: string, headers: [string, string][] = [['X-Trace', 'deadbeef']]): Decision => run(strict, { url: `/v1/search${q}`, headers });

  it('reads deepObject, non-exploded arrays, JSON-encoded parameters', () => {
    expect(codeOf(search('?filter[age]=30&filter[name]=ada&ids=1,2,3&q=%7B%22a%22%3A1%7D'))).toBe('continue');
    expect(errorsOf(search('?filter[age]=old&ids=1,x,3,4&q=%7B%22a%22%3A%22b%22%7D')).sort()).toEqual(
      ['query filter/age type', 'query ids/1 type', 'query ids maxItems', 'query q/a type'].sort(),
    );
    expect(errorsOf(search('?ids=1&ids=2'))).toEqual(['query ids repeated']);
    expect(errorsOf(search('?q={"a":1,"a":2}'))).toEqual(['query q duplicate-key']);
  });

  it('checks required headers and cookies', () => {
    expect(errorsOf(search('', []))).toEqual(['header X-Trace required']);
    expect(errorsOf(search('', [['x-trace', 'NOPE']]))).toEqual(['header X-Trace pattern']);
    expect(errorsOf(search('', [['X-Trace', 'deadbeef'], ['Cookie', 'theme=dark; session=ab']]))).toEqual(['cookie session minLength']);
    expect(codeOf(search('', [['X-Trace', 'deadbeef'], ['Cookie', 'session=abcdef']]))).toBe('continue');
  });
});

describe('field-level sanitising, base paths, case', () => {
  it('applies x-rampart-sanitise to its own member only, in JSON and form bodies', () => {
    const body = { name: '  <i>A</i> ', password: '  keep  ', address: { city: ' London ' } };
    const d = run(strict, { method: 'POST', url: '/v1/users', headers: [['Content-Type', 'application/json']], body: JSON.stringify(body) });
    expect(JSON.parse(forwarded(d) ?? 'null')).toEqual({ ...body, name: '&lt;i&gt;A&lt;/i&gt;' });
    const withRoute = run(stageOf({ sanitise: { stripControl: true } }), { method: 'POST', url: '/v1/users', headers: [['Content-Type', 'application/json']], body: JSON.stringify({ ...body, password: 'pw\u0000' }) });
    expect(JSON.parse(forwarded(withRoute) ?? 'null')).toMatchObject({ name: '&lt;i&gt;A&lt;/i&gt;', password: 'pw', address: { city: ' London ' } });
    const form = run(strict, { method: 'POST', url: '/v1/sessions', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'user=+ada+&scopes=+a+' });
    expect(forwarded(form)).toBe('user=ada&scopes=+a+');
  });

  it('matches below the base path only, case-insensitively like the router', () => {
    expect(codeOf(run(strict, { url: '/v10/users' }))).toBe('not-found');
    expect(codeOf(run(strict, { url: '/v1users' }))).toBe('not-found');
    expect(codeOf(run(strict, { url: '/V1/USERS?limit=2' }))).toBe('continue');
    expect(codeOf(run(strict, { url: '/v1/Users/7' }))).toBe('continue');
  });
});

describe('unknown-properties policy from the document', () => {
  it('takes the root x-rampart-unknown-properties as default and the operation one over it', async () => {
    const body = (props: Record<string, unknown>) => ({ type: 'object', properties: props });
    const doc = await loadOpenApiObject(
      {
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        'x-rampart-unknown-properties': 'strip',
        paths: {
          '/a': { post: { requestBody: { content: { 'application/json': { schema: body({ x: { type: 'integer' } }) } } }, responses: { '200': { description: 'ok' } } } },
          '/b': {
            post: {
              'x-rampart-unknown-properties': 'reject',
              requestBody: { content: { 'application/json': { schema: body({ x: { type: 'integer' } }) } } },
              responses: { '200': { description: 'ok' } },
            },
          },
        },
      },
      'inline',
    );
    const cfg = validationConfigOf();
    const s = createValidationStage(compileDocument(doc, cfg, () => undefined), cfg, '');
    const post = (url: string) => run(s, { method: 'POST', url, headers: [['Content-Type', 'application/json']], body: '{"x":1,"admin":true}' });
    expect(forwarded(post('/a'))).toBe('{"x":1}');
    expect(errorsOf(post('/b'))).toEqual(['body /admin additionalProperties']);
  });
});
