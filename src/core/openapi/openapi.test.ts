import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSchemaCompiler, KNOWN_FORMATS } from './compile.js';
import { loadOpenApi, loadOpenApiObject } from './load.js';
import { createPathMatcher } from './match.js';
import { listOperations, serverBasePath } from './operations.js';
import { toJsonSchema } from './schema.js';
import { shapeOf, visitShape } from './shape.js';

const fixture = fileURLToPath(new URL('./testdata/users-3.0.yaml', import.meta.url));

describe('OpenAPI operations, schemas and shapes', async () => {
  const loaded = await loadOpenApi(fixture);
  const ops = listOperations(loaded);
  const op = (m: string, p: string) => {
    const found = ops.find((o) => o.method === m && o.path === p);
    if (found === undefined) throw new Error(`no ${m} ${p}`);
    return found;
  };
  const userSchema = (direction: 'request' | 'response') => {
    const raw = op('POST', '/users').requestBody?.content['application/json']?.schema ?? {};
    return toJsonSchema(raw, { version: loaded.version, direction, document: loaded.document, knownFormats: KNOWN_FORMATS });
  };

  it('lists operations with merged parameters and style defaults', () => {
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'GET /search', 'GET /tree', 'GET /users', 'GET /users/me', 'GET /users/{id}', 'POST /avatars', 'POST /sessions', 'POST /users',
    ]);
    expect(op('GET', '/users/{id}').parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true, style: 'simple', explode: false });
    expect(op('GET', '/users').parameters[1]).toMatchObject({ name: 'tags', style: 'form', explode: true });
    expect(serverBasePath(loaded)).toBe('/v1');
  });

  it('maps Swagger 2.0 body, formData and collectionFormat onto the same shape', async () => {
    const v2 = await loadOpenApiObject(
      {
        swagger: '2.0',
        info: { title: 't', version: '1' },
        basePath: '/api/',
        consumes: ['application/json'],
        paths: {
          '/pets': {
            post: { parameters: [{ name: 'pet', in: 'body', required: true, schema: { type: 'object', properties: { name: { type: 'string', 'x-nullable': true } } } }], responses: { '200': { description: 'ok', schema: { type: 'object' } } } },
            get: { parameters: [{ name: 'tags', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'pipes' }], responses: { '200': { description: 'ok' } } },
          },
          '/upload': { post: { consumes: ['multipart/form-data'], parameters: [{ name: 'file', in: 'formData', type: 'file', required: true }], responses: { '200': { description: 'ok' } } } },
        },
      },
      'inline',
    );
    const v2ops = listOperations(v2);
    expect(serverBasePath(v2)).toBe('/api');
    const post = v2ops.find((o) => o.method === 'POST' && o.path === '/pets');
    expect(post?.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { type: 'object' } } } });
    expect(v2ops.find((o) => o.method === 'GET')?.parameters[0]).toMatchObject({ name: 'tags', style: 'pipeDelimited', explode: false, schema: { type: 'array' } });
    expect(v2ops.find((o) => o.path === '/upload')?.requestBody?.content['multipart/form-data']?.schema).toEqual({
      type: 'object',
      properties: { file: { type: 'string', format: 'binary' } },
      required: ['file'],
    });
    const schema = post?.requestBody?.content['application/json']?.schema ?? {};
    const validate = createSchemaCompiler().compile(toJsonSchema(schema, { version: '2.0', direction: 'request', document: v2.document, knownFormats: KNOWN_FORMATS }).schema);
    expect(validate({ name: null })).toBe(true);
  });

  it('resolves $refs into other files', async () => {
    const pets = await loadOpenApi(fileURLToPath(new URL('./testdata/pets-3.1.yaml', import.meta.url)));
    const raw = listOperations(pets)[0]?.requestBody?.content['application/json']?.schema ?? {};
    const validate = createSchemaCompiler().compile(toJsonSchema(raw, { version: '3.1', direction: 'request', document: pets.document, knownFormats: KNOWN_FORMATS }).schema);
    expect(validate({ name: 'Rex' })).toBe(true);
    expect(validate({ name: 'Rex the eleventh' })).toBe(false);
  });

  it('matches concrete paths before templated ones', () => {
    const m = createPathMatcher(ops.map((o) => ({ template: o.path, value: o })), { caseSensitive: false });
    expect(m.match('/users/me').map((x) => x.template)).toEqual(['/users/me', '/users/{id}']);
    expect(m.match('/users/42')[0]?.params).toEqual({ id: '42' });
    expect(m.match('/users/42/x')).toEqual([]);
    const dotted = createPathMatcher([{ template: '/files/{name}.{ext}', value: 1 }], { caseSensitive: true });
    expect(dotted.match('/files/report.pdf')[0]?.params).toEqual({ name: 'report', ext: 'pdf' });
  });

  it('converts 3.0 keywords to JSON Schema 2020-12 and compiles strictly', () => {
    const { schema, warnings } = userSchema('request');
    expect(warnings).toEqual([]);
    const validate = createSchemaCompiler().compile(schema);
    expect(validate({ name: 'Ada', password: 'x', nick: null, age: 1 })).toBe(true);
    expect(validate({ name: 'Ada', password: 'x', age: 0 })).toBe(false); // exclusiveMinimum: true
    expect(validate({ id: 1, name: 'Ada', password: 'x' })).toBe(false); // readOnly in a request
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/id', keyword: 'rampartReadOnly' });
    const response = createSchemaCompiler().compile(userSchema('response').schema);
    expect(response({ id: 1, name: 'Ada' })).toBe(true); // writeOnly password not required in responses
  });

  it('keeps cycles as $defs', () => {
    const raw = op('GET', '/tree').responses['200']?.content['application/json']?.schema ?? {};
    const { schema } = toJsonSchema(raw, { version: '3.0', direction: 'response', document: loaded.document, knownFormats: KNOWN_FORMATS });
    const validate = createSchemaCompiler().compile(schema);
    expect(validate({ name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] })).toBe(true);
    expect(validate({ name: 'a', children: [{ name: 'b', children: [{ name: 3 }] }] })).toBe(false);
    const shape = shapeOf(raw, loaded.document);
    const tree = { name: 'a', extra: 1, children: [{ name: 'b', children: [{ name: 'c', deep: true }] }] };
    expect(visitShape(tree, shape, { flag: 'writeOnlyOrSensitive', removeUndeclared: true, removeFlagged: true }).undeclared).toEqual(['/extra', '/children/0/children/0/deep']);
    expect(tree).toEqual({ name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] });
  });

  it('finds undeclared, writeOnly and sensitive properties', () => {
    const raw = op('POST', '/users').requestBody?.content['application/json']?.schema;
    const shape = shapeOf(raw, loaded.document);
    const body = { id: 1, name: 'Ada', password: 'p', passwordHash: 'h', isAdmin: true, address: { city: 'L', zip: 'x' } };
    const copy = structuredClone(body);
    expect(visitShape(copy, shape, { flag: 'writeOnlyOrSensitive', removeUndeclared: true, removeFlagged: true })).toEqual({
      undeclared: ['/isAdmin', '/address/zip'],
      flagged: ['/password', '/passwordHash'],
    });
    expect(copy).toEqual({ id: 1, name: 'Ada', address: { city: 'L' } });
    expect(visitShape(structuredClone(body), shape, { flag: 'readOnly', removeUndeclared: false, removeFlagged: false }).flagged).toEqual(['/id']);
  });
});

describe('path matcher', () => {
  it('orders matches by specificity across first-segment groups, and handles the root', () => {
    const m = createPathMatcher(
      ['/{a}/b/c', '/x/{b}/c', '/x/b/{c}', '/x/b/c', '/', '/{only}'].map((template) => ({ template, value: template })),
      { caseSensitive: false },
    );
    expect(m.match('/x/b/c').map((r) => r.template)).toEqual(['/x/b/c', '/x/{b}/c', '/x/b/{c}', '/{a}/b/c']);
    expect(m.match('/X/B/c')[0]?.template).toBe('/x/b/c');
    expect(m.match('/').map((r) => r.template)).toEqual(['/']);
    expect(m.match('/zz').map((r) => r.template)).toEqual(['/{only}']);
    expect(m.match('/\u0001/b/c').map((r) => r.template)).toEqual(['/{a}/b/c']);
  });
});
