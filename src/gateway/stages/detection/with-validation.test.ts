import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleConfig, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../../testing/gateway.js';
import { validationModule } from '../validation/validation.js';
import { detectionModule } from './detection.js';

/**
 * Detection behind validation, through the real runner: it reads the body validation parsed (what the upstream
 * receives), skips members the document made inert, and gives free text every detector.
 */
const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/profiles': {
      get: {
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'sort', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'] } },
          { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 } },
        ],
        responses: { '200': { description: 'a page' } },
      },
      post: {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  role: { type: 'string', enum: ['viewer', 'editor'] },
                  code: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$' },
                  bio: { type: 'string', maxLength: 500 },
                  tags: { type: 'array', items: { type: 'string', maxLength: 40 } },
                },
              },
            },
          },
        },
        responses: { '201': { description: 'created' } },
      },
    },
  },
};

describe('detection after validation', () => {
  let up: TestUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-detect-validate-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(OPENAPI));
    up = await startUpstream((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const route = `
    validation:
      openapi: ${JSON.stringify(file)}
      unknownProperties: strip
    detection:
      mode: block`;
    gw = await startTestGateway(simpleConfig(up.url, route), {}, { modules: [validationModule, detectionModule] });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  const post = (body: unknown) => fetch(gw.url + '/profiles', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('passes a valid request with prose in free text', async () => {
    const r = await post({ role: 'editor', code: 'GB-123', bio: "O'Brien: I select wines and drop by on Fridays.", tags: ['union-made'] });
    expect(r.status).toBe(201);
  });

  it('blocks an attack in a free-text member, and in an array of free text', async () => {
    const before = up.seen.length;
    const a = await post({ role: 'viewer', bio: "x' UNION SELECT password FROM users--" });
    expect(a.status).toBe(403);
    expect(await a.json()).toMatchObject({ type: 'urn:rampart:problem:attack-detected', category: 'sqli' });
    const b = await post({ tags: ['ok', '<img src=x onerror=alert(1)>'] });
    expect(b.status).toBe(403);
    expect(up.seen.length).toBe(before);
    const line = gw.accessLogs().at(-1) as { detection?: { findings: { location: string }[] } };
    expect(line.detection?.findings.some((f) => f.location === 'body:/tags/1')).toBe(true);
  });

  it('an attack in a constrained member never validates (400), so skipping it there loses nothing', async () => {
    const r = await post({ role: "viewer' OR '1'='1", code: 'GB-123' });
    expect(r.status).toBe(400);
    const c = await post({ code: "1;cat /etc/passwd" });
    expect(c.status).toBe(400);
  });

  it('query parameters: integers and enums that validated are not inspected again, free text is', async () => {
    up.seen.length = 0;
    expect((await fetch(gw.url + '/profiles?limit=10&sort=asc&q=' + encodeURIComponent("O'Brien select"))).status).toBe(201);
    const x = await fetch(gw.url + '/profiles?limit=10&q=' + encodeURIComponent('<script>alert(1)</script>'));
    expect(x.status).toBe(403);
    expect((await fetch(gw.url + '/profiles?limit=' + encodeURIComponent('1 OR 1=1'))).status).toBe(400);
    expect((await fetch(gw.url + '/profiles?sort=' + encodeURIComponent("asc' OR '1'='1"))).status).toBe(400);
  });

  it('inspects what the upstream receives: a stripped undeclared member is neither forwarded nor held against the request', async () => {
    const before = up.seen.length;
    const r = await post({ bio: 'hello', extra: "' OR 1=1--" });
    expect(r.status).toBe(201);
    expect(JSON.parse(up.seen[before]?.body.toString() ?? '')).toEqual({ bio: 'hello' });
  });
});
