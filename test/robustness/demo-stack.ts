import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { parseConfigText } from '../../src/core/config/load.js';
import { DEFAULT_DEMO_JWT_SECRET, startDemoApi, type DemoApi } from '../../src/demo/users-api.js';
import { createDemoCredentials } from '../../src/gateway/stages/authentication/demo-credentials.js';
import { startTestGateway, type TestGateway } from '../../src/testing/gateway.js';
import { startRecorder, type Recorder } from './recorder.js';

const DEMO_FILE = new URL('../../examples/demo.yaml', import.meta.url).pathname;
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

/**
 * examples/demo.yaml with every stage on, but its rate limits and the brute-force lock-out raised so that a
 * few thousand requests from one loopback client are judged by the other stages instead of all becoming 429.
 */
export function fuzzDemoYaml(): string {
  const original = readFileSync(DEMO_FILE, 'utf8');
  let yaml = original.replaceAll('limit: 20, per: 1s', 'limit: 1000000, per: 1s').replace('limit: 5, per: 1m', 'limit: 1000000, per: 1m');
  yaml = yaml.replace(/^auth:\n/m, 'auth:\n  bruteForce: { maxFailures: 1000000 }\n');
  if (!yaml.includes('limit: 1000000, per: 1m') || !yaml.includes('maxFailures: 1000000') || yaml.includes('limit: 20,')) {
    throw new Error('examples/demo.yaml changed shape: update fuzzDemoYaml()');
  }
  return yaml;
}

export interface Credentials {
  readonly apiKey: string;
  /** Tokens of alice (user 1), bob (user 2) and admin (user 3, role admin). */
  readonly alice: string;
  readonly bob: string;
  readonly admin: string;
  /** Tokens that must never authenticate (bad signature, alg none, expired, wrong audience...). */
  readonly invalid: readonly string[];
  /** Signed with the right key but with odd claim shapes (the gateway must still decide cleanly). */
  readonly oddlyShaped: readonly string[];
}

export interface DemoStack {
  readonly api: DemoApi;
  readonly recorder: Recorder;
  readonly gw: TestGateway;
  readonly creds: Credentials;
  close(): Promise<void>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const secret = new TextEncoder().encode(DEFAULT_DEMO_JWT_SECRET);

function sign(claims: Record<string, unknown>, o: { alg?: string; exp?: string | number; aud?: string; iss?: string; key?: Uint8Array } = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(o.iss ?? 'rampart-demo')
    .setAudience(o.aud ?? 'rampart-demo')
    .setIssuedAt()
    .setExpirationTime(o.exp ?? '1h');
  return jwt.sign(o.key ?? secret);
}

async function makeCredentials(yaml: string, env: Record<string, string>): Promise<Credentials> {
  const parsed = parseConfigText(yaml, env);
  if (!parsed.ok) throw new Error('fuzz demo config invalid');
  const c1 = await createDemoCredentials(parsed.config, EXAMPLES, { subject: '1' });
  const alice = c1.token ?? '';
  const bob = await sign({ sub: '2', role: 'user', scope: 'users:read users:write' });
  const admin = await sign({ sub: '3', role: 'admin', scope: 'users:read users:write' });
  const [h, p] = alice.split('.');
  const adminPayload = admin.split('.')[1] ?? '';
  const invalid = [
    `${h}.${p}.${b64('not the signature')}`,
    `${h}.${adminPayload}.${alice.split('.')[2] ?? ''}`, // admin claims under alice's signature
    `${b64('{"alg":"none","typ":"JWT"}')}.${adminPayload}.`,
    `${b64('{"alg":"HS256","crit":["x"],"x":1}')}.${p}.${alice.split('.')[2] ?? ''}`,
    await sign({ sub: '3', role: 'admin' }, { exp: Math.floor(Date.now() / 1000) - 3600 }),
    await sign({ sub: '3', role: 'admin' }, { aud: 'someone-else' }),
    await sign({ sub: '3', role: 'admin' }, { iss: 'evil' }),
    await sign({ sub: '3', role: 'admin' }, { alg: 'HS512' }),
    await sign({ sub: '3', role: 'admin' }, { key: new TextEncoder().encode('another-secret-of-enough-length-0123456789') }),
    'a.b.c',
    '...',
    'eyJ',
    `${h}.${p}`,
    `${b64('{"alg":"HS256"')}.${p}.AAAA`,
    `${b64('[]')}.${b64('null')}.AAAA`,
    `${h}.${b64('{"sub":"3","role":"admin","exp":1e400}')}.AAAA`,
    'x'.repeat(9000),
  ];
  const oddlyShaped = [
    await sign({ sub: 2 }),
    await sign({ sub: ['2'] }),
    await sign({ sub: '' }),
    await sign({ sub: '2', role: ['admin'] }),
    await sign({ sub: '2', role: { admin: true } }),
    await sign({ sub: '../2', role: 'user' }),
    await sign({ sub: '1 ', role: 'user' }),
    await sign({ sub: '\u0000', role: 'user\u0000admin' }),
    await sign({ sub: '1', scope: 42 }),
    await sign({ sub: '1', role: 'x'.repeat(3000) }),
    await sign({ sub: '__proto__', role: 'constructor' }),
  ];
  return { apiKey: c1.apiKey, alice, bob, admin, invalid, oddlyShaped };
}

/** The gateway with the fuzz copy of examples/demo.yaml in front of `upstreamUrl`, and credentials it accepts. */
export async function startDemoGateway(upstreamUrl: string): Promise<{ gw: TestGateway; creds: Credentials }> {
  const yaml = fuzzDemoYaml();
  const env = { DEMO_API_URL: upstreamUrl, RAMPART_KEYS_DB: join(mkdtempSync(join(tmpdir(), 'rampart-fuzz-')), 'keys.db') };
  const gw = await startTestGateway(yaml, env, { configFile: DEMO_FILE });
  return { gw, creds: await makeCredentials(yaml, env) };
}

/** The demo API behind a recording hop, and the gateway (examples/demo.yaml, every stage on) in front. */
export async function startDemoStack(): Promise<DemoStack> {
  const api = await startDemoApi({ port: 0 });
  const recorder = await startRecorder(api.url);
  const { gw, creds } = await startDemoGateway(recorder.url);
  return {
    api,
    recorder,
    gw,
    creds,
    close: async () => {
      await gw.close();
      await recorder.close();
      await api.close();
    },
  };
}
