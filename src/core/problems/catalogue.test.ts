import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBLEM_TYPES, problemTypeUri, type ProblemCode } from './catalogue.js';
import { problemBody, problemResponse } from './write.js';

describe('problem catalogue', () => {
  const doc = readFileSync(new URL('../../../docs/problems.md', import.meta.url), 'utf8');
  it.each(Object.keys(PROBLEM_TYPES))('%s is documented in docs/problems.md with its status', (code) => {
    const section = doc.split(/^## /m).find((s) => s.startsWith(`${code}\n`));
    expect(section, `add a "## ${code}" section to docs/problems.md`).toBeDefined();
    expect(section).toContain(String(PROBLEM_TYPES[code as ProblemCode].status));
  });

  it('every documented code exists', () => {
    for (const m of doc.matchAll(/^## (\S+)$/gm)) expect(Object.keys(PROBLEM_TYPES)).toContain(m[1]);
  });

  it('writes RFC 9457 bodies with the request id and no markup', () => {
    const body = JSON.parse(problemBody({ code: 'invalid-request', detail: 'bad <script>', errors: [{ in: 'body', pointer: '/a', message: 'x', keyword: 'type' }] }, 'req-1')) as Record<string, unknown>;
    expect(body).toMatchObject({ type: problemTypeUri('invalid-request'), title: 'Request failed validation', status: 400, instance: 'urn:request:req-1', requestId: 'req-1' });
    expect(problemBody({ code: 'forbidden', detail: '<b>' }, 'r')).not.toContain('<');
    const r = problemResponse({ code: 'method-not-allowed', headers: { Allow: 'GET' }, closeConnection: true }, 'r');
    expect(r.headers).toMatchObject({ 'content-type': 'application/problem+json', allow: 'GET', connection: 'close', 'x-request-id': 'r' });
  });

  it('extensions never override the standard members', () => {
    const body = JSON.parse(problemBody({ code: 'attack-detected', extensions: { status: 200, category: 'sqli' } }, 'r')) as Record<string, unknown>;
    expect(body.status).toBe(403);
    expect(body.category).toBe('sqli');
  });
});
