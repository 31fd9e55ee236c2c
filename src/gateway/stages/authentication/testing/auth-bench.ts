/**
 * Micro-benchmark of the per-request cost of authentication (a few seconds, bounded).
 *
 *   npx tsx src/gateway/stages/authentication/testing/auth-bench.ts
 *
 * Prints µs per request for: jose HS256 / RS256 verification alone, the stage with HS256 / RS256 tokens
 * (verified-token cache off and on), and API-key authentication (lookup cache on, and SQLite on every call).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { generateApiKey } from '../../../../core/stores/keys/api-key.js';
import { openSqliteKeyStore } from '../../../../core/stores/keys/sqlite-store.js';
import type { Stage } from '../../../pipeline/types.js';
import { authenticationModule } from '../authentication.js';
import type { AuthMethod } from '../schema.js';
import { fakeContext, testConfig, testEnv } from './context.js';

const SECRET = 'bench-shared-secret-0123456789abcdefghij';
const ISS = 'https://bench.test';

async function measure(name: string, n: number, f: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < Math.min(n, 500); i++) await f(i); // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = f(i);
    if (r instanceof Promise) await r;
  }
  const us = Number(process.hrtime.bigint() - t) / 1000 / n;
  console.log(`${name.padEnd(52)} ${us.toFixed(2).padStart(8)} µs/req  (${Math.round(1e6 / us).toLocaleString('en')} /s, n=${n})`);
}

async function stage(auth: Record<string, unknown>, methods: AuthMethod[]): Promise<Stage> {
  const config = testConfig([{ authentication: { methods, anonymous: false } }], auth);
  const s = (await authenticationModule.build(config, testEnv(dir))).forRoute(config.routes[0]!);
  if (s === undefined) throw new Error('no stage');
  return s;
}

const dir = mkdtempSync(join(tmpdir(), 'rampart-auth-bench-'));
const rsa = await generateKeyPair('RS256');
const hsKey = new TextEncoder().encode(SECRET);
const sign = (alg: 'HS256' | 'RS256', sub: string) =>
  new SignJWT({ sub, scope: 'read' })
    .setProtectedHeader({ alg, kid: alg === 'HS256' ? 'h' : 'r' })
    .setIssuer(ISS)
    .setExpirationTime('1h')
    .sign(alg === 'HS256' ? hsKey : rsa.privateKey);
const hs = await sign('HS256', 'bench');
const rs = await sign('RS256', 'bench');
const issuer = (cacheEntries: number) => ({
  jwt: { cacheEntries, issuers: [{ name: 'b', issuer: ISS, keys: [{ kid: 'h', alg: 'HS256', secret: SECRET }, { kid: 'r', alg: 'RS256', pem: rsaPem }] }] },
});
const rsaPem = await exportSPKI(rsa.publicKey);

console.log(`node ${process.version}, ${process.arch}`);
await measure('jose jwtVerify HS256', 20_000, () => jwtVerify(hs, hsKey, { algorithms: ['HS256'], issuer: ISS }));
await measure('jose jwtVerify RS256 (2048-bit)', 5_000, () => jwtVerify(rs, rsa.publicKey, { algorithms: ['RS256'], issuer: ISS }));

const noCache = await stage(issuer(0), ['jwt']);
const cached = await stage(issuer(10_000), ['jwt']);
const hsCtx = fakeContext({ headers: { authorization: `Bearer ${hs}` } });
const rsCtx = fakeContext({ headers: { authorization: `Bearer ${rs}` } });
await measure('stage, HS256, token cache off', 20_000, () => noCache.onRequest?.(hsCtx));
await measure('stage, RS256, token cache off', 5_000, () => noCache.onRequest?.(rsCtx));
await measure('stage, HS256, token cache hit (sync)', 100_000, () => cached.onRequest?.(hsCtx));
await measure('stage, RS256, token cache hit (sync)', 100_000, () => cached.onRequest?.(rsCtx));

const db = join(dir, 'keys.db');
const store = openSqliteKeyStore(db);
const key = generateApiKey();
await store.create({ prefix: key.prefix, consumer: 'bench', hash: key.hash, createdAt: Date.now() });
for (let i = 0; i < 1000; i++) {
  const k = generateApiKey();
  await store.create({ prefix: k.prefix, consumer: `c${i}`, hash: k.hash, createdAt: Date.now() });
}
await store.close();
const keyCtx = fakeContext({ headers: { 'x-api-key': key.key } });
const keyCached = await stage({ keyStore: { kind: 'sqlite', path: db, cacheMs: 60_000 } }, ['api-key']);
const keyUncached = await stage({ keyStore: { kind: 'sqlite', path: db, cacheMs: 0 } }, ['api-key']);
await measure('stage, API key, lookup cache hit (sync)', 100_000, () => keyCached.onRequest?.(keyCtx));
await measure('stage, API key, SQLite lookup every request', 20_000, () => keyUncached.onRequest?.(keyCtx));
