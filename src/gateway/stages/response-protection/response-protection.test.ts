import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GatewayResponse, Stage } from '../../pipeline/types.js';
import { fakeContext } from '../validation/fake-context.js';
import { detectLeak } from './leaks.js';
import { createResponseProtectionStage } from './response-protection.js';
import { responseProtectionSchema, type ResponseProtectionConfig } from './schema.js';

function configOf(partial: Readonly<Record<string, unknown>> = {}): ResponseProtectionConfig {
  const v: unknown = Value.Default(responseProtectionSchema, structuredClone(partial));
  if (!Value.Check(responseProtectionSchema, v)) throw new Error('bad test config');
  return v;
}

const respond = (stage: Stage, status: number, headers: Record<string, string>, body: string | undefined, fromGateway = false) => {
  const ctx = fakeContext({ url: '/users/1' });
  const res: GatewayResponse = { status, headers: { ...headers }, body: body === undefined ? undefined : Buffer.from(body), fromGateway };
  const out = stage.onResponse?.(ctx, res);
  return { out, res, notes: ctx.notes };
};

const NODE_TRACE = `TypeError: Cannot read properties of undefined (reading 'id')
    at getUser (/srv/app/src/users.js:42:17)
    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)`;

describe('response-protection stage', () => {
  it('sets security headers and removes stack-revealing ones', () => {
    const s = createResponseProtectionStage(configOf({ headers: { hstsMaxAge: 31536000, hstsIncludeSubDomains: true } }));
    const { res } = respond(s, 200, { server: 'Express', 'x-powered-by': 'PHP/8', 'content-type': 'application/json', 'referrer-policy': 'origin' }, '{}');
    expect(res.headers).toEqual({
      'content-type': 'application/json',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'referrer-policy': 'origin',
    });
    expect(s.needsResponseBody).toBe(true);
    const off = createResponseProtectionStage(configOf({ errorBodies: 'off', headers: { frameOptions: 'off', referrerPolicy: 'off', nosniff: false } }));
    expect(off.needsResponseBody).toBe(false);
    expect(off.onRequest).toBeUndefined();
    expect(respond(off, 200, { server: 'x' }, undefined).res.headers).toEqual({});
  });

  it('keeps an upstream CSP and marks errors no-store', () => {
    const s = createResponseProtectionStage(configOf());
    const { res } = respond(s, 404, { 'content-security-policy': "default-src 'self'", 'cache-control': 'max-age=60' }, '{"error":"no such user"}');
    expect(res.headers['content-security-policy']).toBe("default-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('replaces error bodies that show a stack trace or an SQL error', () => {
    const s = createResponseProtectionStage(configOf());
    expect(respond(s, 500, { 'content-type': 'text/plain' }, NODE_TRACE).out).toMatchObject({ kind: 'replace', problem: { code: 'internal-error' } });
    const sql = JSON.stringify({ error: 'SQLITE_ERROR: near "FROM": syntax error' });
    expect(respond(s, 400, { 'content-type': 'application/json' }, sql).out).toMatchObject({ kind: 'replace', problem: { code: 'bad-request' } });
    expect(respond(s, 502, {}, 'ERROR: syntax error at or near "OR"').out).toMatchObject({ problem: { code: 'bad-gateway' } });
    expect(respond(s, 404, {}, '{"error":"user not found"}').out).toBeUndefined();
    // A 200 is never replaced (a page may legitimately discuss SQL).
    expect(respond(s, 200, {}, NODE_TRACE).out).toBeUndefined();
    // Gateway problems are not scanned.
    expect(respond(s, 500, {}, NODE_TRACE, true).out).toBeUndefined();
  });

  it('replace mode swaps every upstream 5xx without reading the body', () => {
    const s = createResponseProtectionStage(configOf({ errorBodies: 'replace' }));
    expect(s.needsResponseBody).toBe(false);
    expect(respond(s, 503, {}, undefined).out).toMatchObject({ problem: { code: 'service-unavailable' } });
    expect(respond(s, 418, {}, undefined).out).toBeUndefined();
  });

  it('removes or masks sensitive members anywhere in JSON responses', () => {
    const s = createResponseProtectionStage(configOf({ sensitiveFields: ['password_hash', 'apiKey'] }));
    const body = JSON.stringify({ items: [{ id: 1, passwordHash: 'x', profile: { 'API-KEY': 'k', name: 'a' } }] });
    const { res, notes } = respond(s, 200, { 'content-type': 'application/json; charset=utf-8', etag: 'W/"1"' }, body);
    expect(JSON.parse(res.body?.toString() ?? '')).toEqual({ items: [{ id: 1, profile: { name: 'a' } }] });
    expect(res.headers['content-length']).toBe(String(res.body?.length));
    expect(res.headers.etag).toBeUndefined();
    expect(notes.responseRedacted).toEqual(['/items/0/passwordHash', '/items/0/profile/API-KEY']);
    const mask = createResponseProtectionStage(configOf({ sensitiveFields: ['secret'], sensitiveAction: 'mask' }));
    expect(JSON.parse(respond(mask, 200, { 'content-type': 'application/json' }, '{"secret":"s"}').res.body?.toString() ?? '')).toEqual({ secret: '[redacted]' });
    expect(respond(mask, 200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'x').notes.responseProtection).toBe('body not scanned (encoded or too large)');
  });

  it('redacts a JSON body under a wrong or missing Content-Type (clients parse it anyway), not HTML or plain text', () => {
    const s = createResponseProtectionStage(configOf({ sensitiveFields: ['password_hash'] }));
    const leak = JSON.stringify({ items: [{ id: 1, password_hash: 'x' }] });
    const types: Record<string, string>[] = [{ 'content-type': 'json' }, { 'content-type': 'text/plain' }, {}, { 'content-type': 'application/octet-stream' }];
    for (const headers of types) {
      expect(respond(s, 200, headers, ` ${leak}`).res.body?.toString(), JSON.stringify(headers)).not.toContain('password_hash');
    }
    expect(respond(s, 200, { 'content-type': 'text/html' }, leak).res.body?.toString()).toContain('password_hash');
    expect(respond(s, 200, { 'content-type': 'text/plain' }, 'password_hash: x').res.body?.toString()).toContain('password_hash');
  });

  it('recognises common leak signatures and not ordinary errors', () => {
    const leaks = [
      'Traceback (most recent call last):\n  File "/app/x.py", line 3, in <module>',
      'Exception in thread "main" java.lang.NullPointerException\n\tat com.acme.Users.get(Users.java:42)',
      "PHP Fatal error: Uncaught Error in /var/www/x.php on line 12",
      'SQLSTATE[42000]: Syntax error or access violation',
      'ORA-00933: SQL command not properly ended',
      'You have an error in your SQL syntax; check the manual',
      'pq: duplicate key value violates unique constraint "users_pkey"',
      'goroutine 1 [running]:\nmain.main()',
    ];
    for (const t of leaks) expect(detectLeak(t), t).toBeDefined();
    for (const t of ['{"error":"invalid email"}', 'Not Found', 'at least 8 characters', 'select a plan']) expect(detectLeak(t), t).toBeUndefined();
  });

  it('scans a large hostile body in linear time', () => {
    const t0 = performance.now();
    detectLeak('\n    at '.repeat(200_000) + 'x'.repeat(1_000_000));
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('response-protection never crashes', () => {
  it('handles any status, content type and body', () => {
    const s = createResponseProtectionStage(configOf({ sensitiveFields: ['password'] }));
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.constantFrom('application/json', 'text/html', 'application/problem+json; charset=utf-8', ''),
        fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v))), { nil: undefined }),
        (status, type, body) => {
          const { out, res } = respond(s, status, type === '' ? {} : { 'content-type': type }, body);
          if (out !== undefined) expect(out).toMatchObject({ kind: 'replace' });
          expect(res.headers['x-content-type-options']).toBe('nosniff');
        },
      ),
      { numRuns: 500 },
    );
  });
});
