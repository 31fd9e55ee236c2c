import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticationModule } from './authentication.js';
import { createDemoCredentials } from './demo-credentials.js';
import { fakeContext, run, testConfig, testEnv, type TestEnv } from './testing/context.js';

let env: TestEnv | undefined;
afterEach(async () => env?.dispose());

describe('demo credentials', () => {
  it('prints a key and a token that the demo config accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-creds-'));
    const config = testConfig([{ authentication: { methods: ['api-key', 'jwt'], anonymous: false } }], {
      keyStore: { kind: 'sqlite', path: 'keys.db' },
      jwt: { issuers: [{ name: 'demo', issuer: 'rampart-demo', audience: ['rampart-demo'], keys: [{ alg: 'HS256', secret: 'rampart-demo-secret-change-me-0123456789' }], claims: { roles: 'role' } }] },
    });
    const creds = await createDemoCredentials(config, dir, { subject: '3', roles: ['admin'] });
    env = testEnv(dir);
    const stage = (await authenticationModule.build(config, env)).forRoute(config.routes[0]!);
    expect(await run(stage, fakeContext({ headers: { 'x-api-key': creds.apiKey } }))).toMatchObject({ kind: 'continue', facts: { principal: { subject: 'demo-app' } } });
    expect(await run(stage, fakeContext({ headers: { authorization: `Bearer ${creds.token}` } }))).toMatchObject({ kind: 'continue', facts: { principal: { subject: '3', roles: ['admin'] } } });
  });
});
