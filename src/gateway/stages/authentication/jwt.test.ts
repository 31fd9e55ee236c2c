import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RouteConfig } from '../../../core/config/schema.js';
import { authenticationModule } from './authentication.js';
import { fakeContext, run, testConfig, testEnv, type TestEnv } from './testing/context.js';

const SECRET = 'a-very-long-shared-secret-of-40-chars!!';
const ISS = 'https://issuer.test';
const AUD = 'rampart-test';
const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let rsa2: { publicKey: CryptoKey; privateKey: CryptoKey };
let rsaPem: string;
let rsaJwk: JWK;
let rsa2Jwk: JWK;

// A loopback JWKS endpoint whose content, delay and availability the tests control.
let jwksServer: Server;
let jwksUrl = '';
const jwks = { keys: [] as JWK[], hits: 0, delayMs: 0, down: false };
// A listener a malicious jku would point at: it must never be called.
let trap: Server;
let trapUrl = '';
let trapHits = 0;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  rsa2 = await generateKeyPair('RS256', { extractable: true });
  rsaPem = await exportSPKI(rsa.publicKey);
  rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa1', alg: 'RS256' };
  rsa2Jwk = { ...(await exportJWK(rsa2.publicKey)), kid: 'rsa2', alg: 'RS256' };
  jwksServer = createServer((_req, res) => {
    jwks.hits++;
    if (jwks.down) {
      res.writeHead(503).end();
      return;
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks.keys })), jwks.delayMs);
  });
  trap = createServer((_req, res) => {
    trapHits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [] }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/evil.json`;
});

afterAll(async () => {
  jwksServer.closeAllConnections();
  trap.closeAllConnections();
  await new Promise((r) => jwksServer.close(r));
  await new Promise((r) => trap.close(r));
});

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.dispose();
  env = undefined;
  jwks.delayMs = 0;
  jwks.down = false;
});

const route: Partial<RouteConfig> = { authentication: { methods: ['jwt'], anonymous: false } };

async function stageWith(issuer: Record<string, unknown>) {
  env = testEnv();
  const config = testConfig([route], { jwt: { issuers: [{ name: 'main', issuer: ISS, audience: [AUD], clockSkewSec: 5, ...issuer }] } });
  const build = await authenticationModule.build(config, env);
  return build.forRoute(config.routes[0]!);
}

const hsStage = () => stageWith({ keys: [{ kid: 'hs1', alg: 'HS256', secret: SECRET }, { kid: 'rsa1', alg: 'RS256', pem: rsaPem }] });

function hs(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'alice', scope: 'read write', roles: ['user'], iss: ISS, aud: AUD, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256', kid: 'hs1', ...header })
    .sign(new TextEncoder().encode(SECRET));
}

const bearer = (t: string) => fakeContext({ headers: { authorization: `Bearer ${t}` } });

async function expect401(stage: Awaited<ReturnType<typeof hsStage>>, token: string, reason?: RegExp) {
  const d = await run(stage, bearer(token));
  expect(d.kind).toBe('reject');
  if (d.kind !== 'reject') return;
  expect(d.problem.code).toBe('unauthorized');
  expect(d.problem.headers?.['www-authenticate']).toMatch(/^Bearer realm="rampart", error="invalid_token"/);
  if (reason !== undefined) expect(d.problem.reason).toMatch(reason);
}

describe('JWT: happy path', () => {
  it('accepts a valid HS256 token, maps claims and sets identity headers', async () => {
    const stage = await hsStage();
    const d = await run(stage, bearer(await hs({ azp: 'app1' })));
    expect(d.kind).toBe('continue');
    if (d.kind !== 'continue') return;
    expect(d.facts?.principal).toMatchObject({ subject: 'alice', consumer: 'app1', scopes: ['read', 'write'], roles: ['user'], method: 'jwt', credentialId: 'main:hs1' });
    expect(d.facts?.upstreamHeaders).toEqual({ 'x-rampart-subject': 'alice', 'x-rampart-consumer': 'app1', 'x-rampart-scopes': 'read write' });
  });

  it('accepts RS256 with a pinned PEM key, and answers a repeated token from the cache synchronously', async () => {
    const stage = await hsStage();
    const t = await new SignJWT({ sub: 'bob', scp: ['a'] }).setProtectedHeader({ alg: 'RS256', kid: 'rsa1' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('5m').sign(rsa.privateKey);
    expect((await run(stage, bearer(t))).kind).toBe('continue');
    const again = stage?.onRequest?.(bearer(t));
    expect(again).toMatchObject({ kind: 'continue', facts: { principal: { subject: 'bob', scopes: ['a'] } } });
  });
});

describe('JWT: attacks', () => {
  it('refuses alg=none in every spelling', async () => {
    const stage = await hsStage();
    const payload = enc({ sub: 'admin', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 60 });
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await expect401(stage, `${enc({ alg, typ: 'JWT' })}.${payload}.`, /alg/);
      await expect401(stage, `${enc({ alg, kid: 'hs1' })}.${payload}.c2ln`, /alg/);
    }
  });

  it('refuses an HS256 token signed with the RS256 public key as the secret', async () => {
    const stage = await hsStage();
    for (const secret of [rsaPem, JSON.stringify(rsaJwk)]) {
      const forged = await new SignJWT({ sub: 'admin' }).setProtectedHeader({ alg: 'HS256', kid: 'rsa1' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('5m').sign(new TextEncoder().encode(secret));
      await expect401(stage, forged, /does not match the key/);
    }
  });

  it('refuses to configure a public key (PEM with leading whitespace, JWK JSON, bare DER) as an HMAC secret', async () => {
    const der = rsaPem.split('\n').filter((l) => !l.startsWith('-----')).join('');
    for (const secret of [`  \n\t${rsaPem}`, JSON.stringify(rsaJwk), der]) {
      await expect(stageWith({ keys: [{ kid: 'x', alg: 'HS256', secret }] })).rejects.toThrow(/public key/);
    }
    await expect(stageWith({ keys: [{ kid: 'x', alg: 'RS256', secret: SECRET }] })).rejects.toThrow(/asymmetric/);
  });

  it('refuses a tampered payload', async () => {
    const stage = await hsStage();
    const [h, , s] = (await hs()).split('.');
    await expect401(stage, `${h}.${enc({ sub: 'admin', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 60 })}.${s}`, /signature/);
  });

  it('refuses expired, not-yet-valid, wrong-issuer and wrong-audience tokens (with clock skew)', async () => {
    const stage = await hsStage();
    const now = Math.floor(Date.now() / 1000);
    await expect401(stage, await hs({ exp: now - 10 }), /expired/);
    await expect401(stage, await hs({ nbf: now + 60 }), /nbf/);
    await expect401(stage, await hs({ iss: 'https://evil.test' }), /iss/);
    await expect401(stage, await hs({ aud: 'someone-else' }), /aud/);
    // Within the 5 s skew: accepted.
    expect((await run(stage, bearer(await hs({ exp: now - 2 })))).kind).toBe('continue');
  });

  it('treats kid as an opaque lookup key: path traversal finds nothing', async () => {
    const stage = await hsStage();
    for (const kid of ['../../../../etc/passwd', '/dev/null', 'hs1/../hs1', "hs1' OR '1'='1"]) await expect401(stage, await hs({}, { kid }), /no key for kid/);
  });

  it('never fetches jku, x5u or an embedded jwk', async () => {
    jwks.keys = [rsaJwk];
    const stage = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'], cooldownMs: 0 } });
    const evil = await generateKeyPair('RS256', { extractable: true });
    const evilJwk = await exportJWK(evil.publicKey);
    const t = await new SignJWT({ sub: 'admin' })
      .setProtectedHeader({ alg: 'RS256', kid: 'evil', jku: trapUrl, x5u: trapUrl, jwk: evilJwk })
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime('5m')
      .sign(evil.privateKey);
    await expect401(stage, t);
    expect(trapHits).toBe(0);
  });

  it('refuses duplicate Authorization headers', async () => {
    const stage = await hsStage();
    const t = await hs();
    const ctx = fakeContext({ headers: { authorization: `Bearer ${t}` }, rawHeaders: ['Authorization', `Bearer ${t}`, 'authorization', 'Bearer other'] });
    expect(await run(stage, ctx)).toMatchObject({ kind: 'reject', problem: { code: 'duplicate-header' } });
  });
});

describe('JWT: brute force', () => {
  it('locks out an address forging signatures, but not one retrying an expired token', async () => {
    env = testEnv();
    const config = testConfig([route], { bruteForce: { maxFailures: 3 }, jwt: { issuers: [{ name: 'main', issuer: ISS, audience: [AUD], keys: [{ kid: 'hs1', alg: 'HS256', secret: SECRET }] }] } });
    const stage = (await authenticationModule.build(config, env)).forRoute(config.routes[0]!);
    const from = (ip: string, t: string) => fakeContext({ clientIp: ip, headers: { authorization: `Bearer ${t}` } });
    const expired = await hs({ exp: Math.floor(Date.now() / 1000) - 3600 });
    for (let i = 0; i < 5; i++) expect(await run(stage, from('192.0.2.50', expired))).toMatchObject({ problem: { code: 'unauthorized' } });
    const [h, p] = (await hs()).split('.');
    for (let i = 0; i < 3; i++) await run(stage, from('192.0.2.51', `${h}.${p}.${'A'.repeat(43)}`));
    expect(await run(stage, from('192.0.2.51', await hs()))).toMatchObject({ problem: { code: 'too-many-requests' } });
    expect((await run(stage, from('192.0.2.50', await hs()))).kind).toBe('continue');
  });
});

describe('JWKS', () => {
  const rs = (key: CryptoKey, kid: string) => new SignJWT({ sub: 'carol' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISS).setAudience(AUD).setExpirationTime('5m').sign(key);

  it('pre-warms at build, then serves keys without fetching', async () => {
    jwks.keys = [rsaJwk];
    jwks.hits = 0;
    const stage = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'] } });
    expect(jwks.hits).toBe(1);
    expect((await run(stage, bearer(await rs(rsa.privateKey, 'rsa1')))).kind).toBe('continue');
    expect(jwks.hits).toBe(1);
  });

  it('accepts a rotated key after one shared refresh, with no refetch storm on unknown kids', async () => {
    jwks.keys = [rsaJwk];
    jwks.hits = 0;
    const stage = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'], cooldownMs: 60_000 } });
    jwks.keys = [rsaJwk, rsa2Jwk];
    env!.clock.now += 61_000; // past the cooldown that started with the pre-warm fetch
    const t = await rs(rsa2.privateKey, 'rsa2');
    const results = await Promise.all(Array.from({ length: 20 }, () => run(stage, bearer(t))));
    expect(results.every((d) => d.kind === 'continue')).toBe(true);
    expect(jwks.hits).toBe(2);
    // Unknown kids inside the cooldown: refused without fetching again.
    for (let i = 0; i < 10; i++) await expect401(stage, await rs(rsa2.privateKey, `nope${i}`), /no key for kid/);
    expect(jwks.hits).toBe(2);
  });

  it('keeps using cached keys while the JWKS is down, and fails closed without them', async () => {
    jwks.keys = [rsaJwk];
    const stage = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'], refreshMs: 1000, cooldownMs: 0 } });
    jwks.down = true;
    env!.clock.now += 5000; // stale: a background refresh fails, the cached key still serves
    expect((await run(stage, bearer(await rs(rsa.privateKey, 'rsa1')))).kind).toBe('continue');

    jwks.down = true;
    const cold = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'], cooldownMs: 0 } });
    const d = await run(cold, bearer(await rs(rsa.privateKey, 'rsa1')));
    expect(d).toMatchObject({ kind: 'reject', problem: { code: 'service-unavailable' } });
  });

  it('times out a slow JWKS and fails closed', async () => {
    jwks.keys = [rsaJwk];
    jwks.delayMs = 500;
    const started = Date.now();
    const stage = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'], timeoutMs: 100, cooldownMs: 0 } });
    const d = await run(stage, bearer(await rs(rsa.privateKey, 'rsa1')));
    expect(d).toMatchObject({ kind: 'reject', problem: { code: 'service-unavailable' } });
    expect(Date.now() - started).toBeLessThan(450);
  });

  it('caps the JWKS size and skips encryption, symmetric and mismatched keys', async () => {
    jwks.keys = [{ ...rsaJwk, pad: 'x'.repeat(5000) } as JWK];
    const big = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'], maxBytes: 1024, cooldownMs: 0 } });
    expect(await run(big, bearer(await rs(rsa.privateKey, 'rsa1')))).toMatchObject({ kind: 'reject', problem: { code: 'service-unavailable' } });
    jwks.keys = [{ ...rsaJwk, use: 'enc' }, { kty: 'oct', k: Buffer.from(SECRET).toString('base64url'), kid: 'oct1' }, { ...rsa2Jwk, alg: 'PS256' }];
    const odd = await stageWith({ jwks: { url: jwksUrl, algorithms: ['RS256'], cooldownMs: 0 } });
    const forgedOct = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256', kid: 'oct1' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    for (const t of [await rs(rsa.privateKey, 'rsa1'), await rs(rsa2.privateKey, 'rsa2'), forgedOct]) expect((await run(odd, bearer(t))).kind).toBe('reject');
  });

  it('refuses HMAC algorithms for a JWKS and RS256 tokens whose kid is only in the JWKS with another alg', async () => {
    await expect(stageWith({ jwks: { url: jwksUrl, algorithms: ['HS256'] } })).rejects.toThrow(/HMAC/);
  });
});
