import { coverageOf, fingerprintOf } from '../engine/scan.js';
import type { Finding, ScanResult } from '../types.js';

/** A small, fixed scan result for report tests (with markup and control characters to escape). */
export function sampleResult(): ScanResult {
  const evidence = [
    {
      request: { method: 'GET', url: 'http://127.0.0.1:1/users/1', headers: { authorization: '<credentials of bob>' } },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":1,"name":"<script>alert(1)</script>\u0001"}', durationMs: 3 },
    },
  ];
  const findings: Finding[] = [
    { checkId: 'bola-read', title: "User bob can read alice's object via GET /users/{id}", owasp: 'API1:2023', cwe: 639, severity: 'high', operation: 'GET /users/{id}', detail: 'bob read <alice>', remediation: 'Check ownership.', evidence, curl: "curl -i -X GET 'http://127.0.0.1:1/users/1' -H \"authorization: $AUTH_BOB\"", fingerprint: fingerprintOf('bola-read', 'GET /users/{id}', undefined), suggestion: { key: 'authorization', value: { owner: { param: 'id', principal: 'subject' } } } },
    { checkId: 'data-exposure', title: 'GET /users/{id} exposes a bcrypt password hash', owasp: 'API3:2023', cwe: 200, severity: 'high', operation: 'GET /users/{id}', detail: 'hash at /passwordHash', remediation: 'Allow-list fields.', evidence, curl: "curl -i -X GET 'http://127.0.0.1:1/users/1'", fingerprint: fingerprintOf('data-exposure', 'GET /users/{id}', '/passwordHash'), suggestion: { key: 'responseProtection', value: { sensitiveFields: ['passwordHash'] } } },
    { checkId: 'cors', title: 'Arbitrary origin reflected', owasp: 'API8:2023', cwe: 942, severity: 'info', detail: 'reflected', remediation: 'Allow-list origins.', evidence, curl: '', fingerprint: fingerprintOf('cors', undefined, 'x'), suggestion: { key: 'cors', value: { allowOrigins: ['https://app.example.com'] }, proposed: true } },
    { checkId: 'user-enumeration', title: 'Login answers reveal which accounts exist', owasp: 'API2:2023', cwe: 204, severity: 'medium', operation: 'POST /login', detail: 'differs', remediation: 'Same answer for all failures.', evidence, curl: '', fingerprint: fingerprintOf('user-enumeration', 'POST /login', undefined) },
  ];
  const checks = [
    { id: 'bola-read', status: 'ran' as const, requests: 10, findings: 1 },
    { id: 'data-exposure', status: 'ran' as const, requests: 5, findings: 1 },
    { id: 'cors', status: 'ran' as const, requests: 1, findings: 1 },
    { id: 'user-enumeration', status: 'ran' as const, requests: 4, findings: 1 },
    { id: 'bola-write', status: 'skipped' as const, reason: 'changes data: run with --destructive', requests: 0, findings: 0 },
  ];
  return { tool: { name: 'rampart-scan', version: '0.1.0' }, target: 'http://127.0.0.1:1', spec: 'openapi.yaml', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1234, requestCount: 20, destructive: false, findings, checks, coverage: coverageOf(checks) };
}
