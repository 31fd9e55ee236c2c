import { describe, expect, it } from 'vitest';
import { createInspector } from '../index.js';

const inspector = createInspector({ paranoia: 2 });

describe('protocol: Host', () => {
  it('an empty Host with an origin-form target is invalid (RFC 9112 §3.2)', () => {
    const r = inspector.inspect({ method: 'GET', path: '/', query: '', headers: { host: '' }, httpVersion: '1.1' });
    expect(r.findings.map((f) => f.ruleId)).toContain('protocol.invalid-host');
  });

  it('a normal or absent Host passes (HTTP/1.0 health checks send none)', () => {
    for (const headers of [{ host: 'api.example.com:8443' }, {}]) {
      expect(inspector.inspect({ method: 'GET', path: '/health', query: '', headers, httpVersion: '1.0' }).blocked).toBe(false);
    }
  });
});
