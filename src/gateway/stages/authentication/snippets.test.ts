import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssues, parseConfigText } from '../../../core/config/load.js';
import { authorizationModule } from '../authorization/authorization.js';
import { authenticationModule } from './authentication.js';
import { testEnv } from './testing/context.js';

/**
 * The config snippets given in docs/status/auth.md for examples/demo.yaml and examples/bench.yaml: they must
 * pass the real root schema and build both stages.
 */
export const DEMO_SNIPPET = `
auth:
  keyStore: { kind: sqlite, path: "\${RAMPART_KEYS_DB:-rampart-demo-keys.db}" }
  consumers:
    demo-app: { scopes: [users:read] }
  jwt:
    issuers:
      - name: demo
        issuer: rampart-demo
        audience: [rampart-demo]
        keys: [{ alg: HS256, secret: "\${DEMO_JWT_SECRET:-rampart-demo-secret-change-me-0123456789}" }]
        claims: { roles: role }
routes:
  - id: login
    match: { path: /login, methods: [POST] }
    upstream: users-api
  - id: users
    match: { path: /users, methods: [GET, POST] }
    upstream: users-api
    authentication: { methods: [api-key, jwt] }
    authorization: { methods: { POST: { adminOnly: true } } }
  - id: user
    match: { path: "/users/{id}", methods: [GET, PUT, DELETE] }
    upstream: users-api
    authentication: { methods: [api-key, jwt] }
    authorization:
      owner: { param: id, methods: [PUT, DELETE] }
      methods: { DELETE: { adminOnly: true } }
  - id: user-orders
    match: { path: "/users/{id}/orders/**", methods: [GET, POST] }
    upstream: users-api
    authentication: { methods: [jwt] }
    authorization: { owner: { param: id } }
`;

export const BENCH_SNIPPET = `
auth:
  jwt:
    issuers:
      - name: bench
        issuer: proxy-bench
        keys: [{ alg: HS256, secret: "\${JWT_SECRET:-proxy-bench-hs256-secret-0123456789abcdef}" }]
routes:
  - id: users
    match: { path: /users, methods: [GET, POST] }
    upstream: bench
    authentication: { methods: [jwt] }
    authorization: { scopes: [users:read] }
`;

const root = (upstream: string, body: string) => `version: 1\nupstreams:\n  ${upstream}:\n    targets: ["http://127.0.0.1:3000"]\n${body}`;

describe('documented config snippets', () => {
  for (const [name, upstream, text] of [
    ['demo', 'users-api', DEMO_SNIPPET],
    ['bench', 'bench', BENCH_SNIPPET],
  ] as const) {
    it(`${name} snippet validates and builds`, async () => {
      const parsed = parseConfigText(root(upstream, text), {});
      if (!parsed.ok) throw new Error(formatIssues(parsed.issues));
      const env = testEnv(mkdtempSync(join(tmpdir(), 'rampart-snippet-')));
      const authn = await authenticationModule.build(parsed.config, env);
      const authz = await authorizationModule.build(parsed.config, env);
      for (const r of parsed.config.routes) {
        expect(authn.forRoute(r)?.name).toBe('authentication');
        expect(authz.forRoute(r)?.name).toBe('authorization');
      }
      await env.dispose();
    });
  }
});
