import { describe, expect, it } from 'vitest';
import { loadOpenApiObject } from '../../core/openapi/load.js';
import { buildApiModel } from './operations.js';
import { sampleValue } from './sample.js';

describe('sampleValue', () => {
  it('prefers examples, defaults, consts and enums', () => {
    expect(sampleValue({ type: 'string', example: 'x' })).toBe('x');
    expect(sampleValue({ type: 'integer', default: 7 })).toBe(7);
    expect(sampleValue({ enum: ['a', 'b'] })).toBe('a');
  });
  it('builds values from type, format, pattern and bounds', () => {
    expect(sampleValue({ type: 'integer', minimum: 5, maximum: 9 })).toBe(5);
    expect(sampleValue({ type: 'integer', exclusiveMinimum: 5 })).toBe(6);
    expect(sampleValue({ type: 'string', format: 'email' })).toBe('scanner@example.com');
    expect(sampleValue({ type: 'string', format: 'uuid' })).toMatch(/^[0-9a-f-]{36}$/);
    expect(sampleValue({ type: 'string', pattern: '^[0-9]+$' })).toBe('123');
    expect(sampleValue({ type: 'string', minLength: 10 })).toHaveLength(10);
    expect(sampleValue({ type: 'string', maxLength: 3 })).toHaveLength(3);
    expect(sampleValue({ type: ['string', 'null'], format: 'date' })).toBe('2024-01-01');
  });
  it('builds objects from properties (readOnly left out), allOf merged, arrays with minItems', () => {
    expect(sampleValue({ type: 'object', properties: { id: { type: 'integer', readOnly: true }, name: { type: 'string' } } })).toEqual({ name: 'sample' });
    expect(sampleValue({ allOf: [{ properties: { a: { type: 'boolean' } } }, { properties: { b: { type: 'integer' } } }] })).toEqual({ a: true, b: 1 });
    expect(sampleValue({ type: 'array', minItems: 2, items: { type: 'integer' } })).toEqual([1, 1]);
  });
  it('stops at depth on self-referencing shapes', () => {
    const node: Record<string, unknown> = { type: 'object', properties: {} };
    (node.properties as Record<string, unknown>).child = node;
    expect(() => sampleValue(node)).not.toThrow();
  });
});

describe('buildApiModel', () => {
  it('reads OpenAPI 3: base path, parameters (path-level merged), bodies, security, admin marks', async () => {
    const loaded = await loadOpenApiObject(
      {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        servers: [{ url: 'https://api.example.com/{v}', variables: { v: { default: 'v2' } } }],
        security: [{ bearer: [] }],
        paths: {
          '/things/{id}': {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
            get: { security: [{}], responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } },
            delete: { summary: 'Remove a thing (admins only)', responses: { '204': { description: 'gone' } } },
          },
          '/admin/stats': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'string' } } } } } }, responses: {} } },
        },
      },
      'test',
    );
    const m = buildApiModel(loaded);
    expect(m.basePath).toBe('/v2');
    const get = m.operations.find((o) => o.id === 'GET /things/{id}')!;
    expect(get.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id']);
    expect(get.requiresAuth).toBe(false); // {} means anonymous allowed
    expect(get.safe).toBe(true);
    expect(get.responses['200']!.contentTypes).toEqual(['application/json']);
    const del = m.operations.find((o) => o.id === 'DELETE /things/{id}')!;
    expect(del.requiresAuth).toBe(true);
    expect(del.adminOnly).toBe(true);
    expect(del.safe).toBe(false);
    const post = m.operations.find((o) => o.id === 'POST /admin/stats')!;
    expect(post.adminOnly).toBe(true);
    expect(post.requestBody?.contentType).toBe('application/json');
  });

  it('reads Swagger 2.0: basePath, body parameters, parameter-level types, query API keys', async () => {
    const loaded = await loadOpenApiObject(
      {
        swagger: '2.0',
        info: { title: 't', version: '1' },
        basePath: '/api',
        securityDefinitions: { key: { type: 'apiKey', in: 'query', name: 'api_key' } },
        paths: {
          '/pets': {
            get: { parameters: [{ name: 'limit', in: 'query', type: 'integer' }], responses: { '200': { description: 'ok', schema: { type: 'array', items: { type: 'object' } } } } },
            post: { parameters: [{ name: 'body', in: 'body', schema: { type: 'object', properties: { name: { type: 'string' } } } }], responses: { '201': { description: 'ok' } } },
          },
        },
      },
      'test',
    );
    const m = buildApiModel(loaded);
    expect(m.version).toBe('2.0');
    expect(m.basePath).toBe('/api');
    expect(m.documentedPaths).toEqual(['/api/pets']);
    const get = m.operations.find((o) => o.id === 'GET /pets')!;
    expect(get.parameters[0]!.schema.type).toBe('integer');
    expect(get.responses['200']!.schema).toBeDefined();
    expect(m.operations.find((o) => o.id === 'POST /pets')!.requestBody?.schema.properties).toBeDefined();
    expect(m.securitySchemes.key!.in).toBe('query');
  });
});
