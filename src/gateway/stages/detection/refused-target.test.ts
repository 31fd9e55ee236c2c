import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleConfig, startTestGateway, startUpstream, type TestGateway, type TestUpstream } from '../../../testing/gateway.js';
import { detectionModule } from './detection.js';

/** A raw request target, sent as is (fetch would normalise it). */
function rawGet(base: string, target: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const r = request({ host: u.hostname, port: u.port, method: 'GET', path: target, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end();
  });
}

/**
 * Hardening refuses ambiguous targets (double encoding, matrix parameters, encoded control characters) before
 * routing; when the route's detection stage reads the same raw target as an attack, the answer is the attack verdict.
 */
describe('attack detection on a target hardening refuses', () => {
  let up: TestUpstream;
  let guarded: TestGateway;
  let open: TestGateway;
  beforeAll(async () => {
    up = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    guarded = await startTestGateway(simpleConfig(up.url, '    detection:\n      mode: block'), {}, { modules: [detectionModule] });
    open = await startTestGateway(simpleConfig(up.url), {}, { modules: [detectionModule] });
  });
  afterAll(async () => {
    await guarded.close();
    await open.close();
    await up.close();
  });

  it('an attack in a refused target gets 403 attack-detected, never the payload', async () => {
    for (const target of ["/files/';%20WAITFOR%20DELAY%20'0:0:5'--", '/files/-1%27%09UNION%09SELECT%091,@@version--', '/files/admin%2527%2520OR%25201%253D1--']) {
      const r = await rawGet(guarded.url, target);
      expect(r.status, target).toBe(403);
      const p = JSON.parse(r.body) as { type: string; category: string };
      expect(p.type).toContain('attack-detected');
      expect(p.category).toBe('sqli');
      expect(r.body).not.toContain('WAITFOR');
    }
  });

  it('a refused target without an attack, or on a route without detection, keeps its 400', async () => {
    const benign = await rawGet(guarded.url, '/files/report%252Fq3.pdf');
    expect(benign.status).toBe(400);
    expect(JSON.parse(benign.body)).toMatchObject({ type: expect.stringContaining('invalid-path') as unknown });
    const unguarded = await rawGet(open.url, "/files/';%20WAITFOR%20DELAY%20'0:0:5'--");
    expect(unguarded.status).toBe(400);
    expect((await rawGet(guarded.url, '/files/report-q3.pdf')).status).toBe(200);
  });
});
