import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOpenApiDocument, formatOpenApiReport } from './check.js';
import { DEMO_OPENAPI } from './test-config.js';

describe('checkOpenApiDocument', () => {
  it('lists the operations of a good document', async () => {
    const r = await checkOpenApiDocument(DEMO_OPENAPI);
    expect(r).toMatchObject({ ok: true, version: '3.1', basePath: '', warnings: [] });
    expect(r.operations).toContain('GET /users/{id}');
    expect(formatOpenApiReport(r)).toMatch(/OpenAPI 3\.1, base path "", 12 operations/);
  });

  it('reports unknown keywords, and documents it cannot use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-openapi-'));
    try {
      const warn = join(dir, 'warn.yaml');
      await writeFile(warn, `openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      parameters: [{ name: q, in: query, schema: { type: string, format: zipcode, x-foo: 1, frobnicate: true } }]\n      responses: { '200': { description: ok } }\n`);
      const r = await checkOpenApiDocument(warn);
      expect(r.warnings.map((w) => w.replace(/^.*: /, ''))).toEqual(['unknown format "zipcode" not checked', 'keyword "frobnicate" not checked']);
      const bad = join(dir, 'bad.yaml');
      await writeFile(bad, `openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    post:\n      requestBody: { content: { application/json: { schema: { type: string, pattern: '(' } } } }\n      responses: { '200': { description: ok } }\n`);
      expect(await checkOpenApiDocument(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/cannot compile/) });
      expect(await checkOpenApiDocument(join(dir, 'none.yaml'))).toMatchObject({ ok: false, error: expect.stringMatching(/cannot read/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
