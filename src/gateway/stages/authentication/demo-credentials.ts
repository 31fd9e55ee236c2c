import { SignJWT } from 'jose';
import type { Config } from '../../../core/config/schema.js';
import { generateApiKey } from '../../../core/stores/keys/api-key.js';
import { openKeyStore } from '../../../core/stores/keys/open.js';
import { resolveAuthConfig } from './config.js';

export interface DemoCredentials {
  /** A fresh API key for `consumer` (stored hashed in auth.keyStore). */
  readonly apiKey: string;
  /** An HS256 token from the first issuer with an inline HS256 secret, for `subject`, or undefined. */
  readonly token: string | undefined;
}

/** For `rampart demo`: a working API key and bearer token to print, made from the demo config itself. */
export async function createDemoCredentials(config: Readonly<Config>, baseDir: string, o: { consumer?: string; subject?: string; roles?: string[] } = {}): Promise<DemoCredentials> {
  const auth = resolveAuthConfig(config);
  const store = await openKeyStore(auth.keyStore, baseDir);
  const k = generateApiKey();
  try {
    await store.create({ prefix: k.prefix, consumer: o.consumer ?? 'demo-app', hash: k.hash, createdAt: Date.now(), expiresAt: Date.now() + 86_400_000 });
  } finally {
    await store.close();
  }
  let token: string | undefined;
  for (const issuer of auth.jwt.issuers) {
    const key = issuer.keys.find((x) => x.alg === 'HS256' && x.secret !== undefined);
    if (key?.secret === undefined) continue;
    const rolesClaim = issuer.claims.roles;
    const jwt = new SignJWT({ scope: 'users:read users:write', [rolesClaim]: (o.roles ?? ['user']).join(' ') })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(key.kid === undefined ? {} : { kid: key.kid }) })
      .setSubject(o.subject ?? '1')
      .setIssuer(issuer.issuer)
      .setIssuedAt()
      .setExpirationTime('1h');
    if (issuer.audience?.[0] !== undefined) jwt.setAudience(issuer.audience[0]);
    token = await jwt.sign(new TextEncoder().encode(key.secret));
    break;
  }
  return { apiKey: k.key, token };
}
