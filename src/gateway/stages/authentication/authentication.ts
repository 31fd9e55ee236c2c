import type { Config, RouteConfig } from '../../../core/config/schema.js';
import { problem, type Problem } from '../../../core/problems/index.js';
import type { StageBuild, StageEnv, StageModule } from '../../pipeline/module.js';
import { proceed, reject, type Decision, type Principal, type RequestContext, type Stage } from '../../pipeline/types.js';
import type { Attempt } from './attempt.js';
import { challenges, errorChallenge, type ChallengeSettings } from './challenge.js';
import { duplicatedHeader, extractCredential, type ExtractSettings, type Presented } from './credentials.js';
import { credentialKey, ipKey } from './brute-force.js';
import { andThen, isPromise, type MaybePromise } from './maybe.js';
import { buildAuthServices, type AuthServices } from './services.js';
import type { RouteAuthenticationConfig } from './schema.js';

export const ANONYMOUS: Principal = Object.freeze({ subject: 'anonymous', groups: [], scopes: [], roles: [], method: 'anonymous' });

/** The authentication stage module: API keys, JWT, HMAC, Basic, introspection; deny by default. */
export const authenticationModule: StageModule = {
  name: 'authentication',
  async build(config: Readonly<Config>, env: StageEnv): Promise<StageBuild> {
    const services = await buildAuthServices(config, env);
    return {
      forRoute: (route) => createAuthenticationStage(route, services),
      close: () => services.close(),
      health: () => {
        const jwks = services.jwt?.health() ?? [];
        return { ok: jwks.every((j) => j.ok), jwks };
      },
    };
  },
};

interface RouteAuth {
  readonly config: RouteAuthenticationConfig;
  readonly extract: ExtractSettings;
  readonly challenge: ChallengeSettings;
  readonly challengeAll: string;
  readonly issuers: readonly string[];
  readonly credentialHeaders: readonly string[];
}

/** The stage of one route. Routes without an `authentication` section still get one that drops spoofed identity headers. */
export function createAuthenticationStage(route: Readonly<RouteConfig>, s: AuthServices): Stage | undefined {
  const a = route.authentication;
  if (a === undefined) {
    if (s.identity.names.length === 0) return undefined;
    return { name: 'authentication', onRequest: (ctx) => proceed({ dropHeaders: drops(ctx, s.identity.spoofed(ctx.headers)) }) };
  }
  const apiKeyHeader = (a.apiKeyHeader ?? s.auth.apiKeyHeader).toLowerCase();
  const challenge: ChallengeSettings = { realm: s.auth.realm, apiKeyHeader, hmacHeaders: s.auth.hmac.requiredHeaders };
  const r: RouteAuth = {
    config: a,
    extract: { methods: new Set(a.methods), apiKeyHeader, apiKeyQuery: a.apiKeyQuery },
    challenge,
    challengeAll: challenges(a.methods, challenge),
    issuers: a.issuers ?? s.jwt?.names ?? [],
    credentialHeaders: ['authorization', ...(a.methods.includes('api-key') ? [apiKeyHeader] : [])],
  };
  return {
    name: 'authentication',
    needsBody: a.methods.includes('hmac'),
    onRequest: (ctx) => authenticate(ctx, r, s),
  };
}

function authenticate(ctx: RequestContext, r: RouteAuth, s: AuthServices): MaybePromise<Decision> {
  const spoofed = s.identity.spoofed(ctx.headers);
  const dup = duplicatedHeader(ctx.raw?.rawHeaders, r.credentialHeaders);
  if (dup !== undefined) return reject(problem('duplicate-header', `the ${dup} header may appear only once`, { reason: `duplicate ${dup} header` }));
  const found = extractCredential(ctx, r.extract);
  if (found.kind === 'none') {
    // Credentials the route does not accept are not checked, so they must not reach the upstream either.
    if (r.config.anonymous) return proceed({ principal: ANONYMOUS, dropHeaders: drops(ctx, spoofed, present(ctx, 'authorization'), present(ctx, r.extract.apiKeyHeader)) });
    return reject(unauthorized(r.challengeAll, 'credentials required', 'no credentials'));
  }
  if (found.kind === 'malformed') {
    return reject(unauthorized(errorChallenge(found.method, r.challenge, 'invalid_request', found.detail), found.detail, found.detail));
  }
  const cred = found.credential;
  const credKey = credentialIdOf(cred);
  const keys = credKey === undefined ? [ipKey(ctx.clientIp)] : [ipKey(ctx.clientIp), credKey];
  const now = s.now();
  const result = andThen(s.guard.retryAfterMs(keys, now), (wait) => {
    if (wait > 0) return reject(tooManyFailures(wait));
    return andThen(verify(ctx, cred, r, s), (attempt) => conclude(ctx, attempt, cred, keys, credKey, r, s, spoofed));
  });
  // A failing shared store (Redis down) fails closed with 503, never a 500.
  return isPromise(result) ? result.catch((err: unknown) => reject(problem('service-unavailable', 'authentication is temporarily unavailable', { reason: `auth state: ${String(err)}` }))) : result;
}

function verify(ctx: RequestContext, c: Presented, r: RouteAuth, s: AuthServices): MaybePromise<Attempt> {
  switch (c.method) {
    case 'api-key':
      return s.apiKeys().verify(c.key);
    case 'jwt':
      return s.jwt === undefined ? { kind: 'fail', detail: 'bearer tokens are not accepted', reason: 'no issuers', countsAsFailure: false } : s.jwt.verify(c.token, r.issuers);
    case 'introspection': {
      const i = r.config.introspection === undefined ? undefined : s.introspectors.get(r.config.introspection);
      return i === undefined ? { kind: 'fail', detail: 'bearer tokens are not accepted', reason: 'no introspection endpoint', countsAsFailure: false } : i.verify(c.token);
    }
    case 'basic':
      return s.basic.verify(c.token);
    case 'hmac':
      return s.hmac.verify(ctx, c.params);
  }
}

function conclude(ctx: RequestContext, a: Attempt, cred: Presented, keys: readonly string[], credKey: string | undefined, r: RouteAuth, s: AuthServices, spoofed: readonly string[]): MaybePromise<Decision> {
  const method = cred.method;
  if (a.kind === 'ok') {
    const { principal, upstreamHeaders } = s.resolve(a.principal);
    ctx.annotate('principal', principal.subject);
    ctx.annotate('authMethod', principal.method);
    const fromAuthorization = method !== 'api-key';
    // Unverified credentials never reach the upstream (a naive upstream might believe an unchecked token);
    // the verified one only when hideCredentials is off.
    const hidden = s.auth.hideCredentials ? (fromAuthorization ? 'authorization' : r.extract.apiKeyHeader) : undefined;
    const unverified = fromAuthorization ? present(ctx, r.extract.apiKeyHeader) : present(ctx, 'authorization');
    const dropHeaders = drops(ctx, spoofed, hidden, unverified);
    const earlier = ctx.facts.upstreamHeaders;
    const decision = proceed({ principal, upstreamHeaders: earlier === undefined ? upstreamHeaders : { ...earlier, ...upstreamHeaders }, dropHeaders });
    return andThen(s.guard.succeeded(credKey), () => decision);
  }
  if (a.kind === 'unavailable') return reject(problem('service-unavailable', 'authentication is temporarily unavailable', { reason: a.reason, headers: { 'retry-after': '5' } }));
  const p = unauthorized(errorChallenge(method, r.challenge, 'invalid_token', a.detail), a.detail, `${method}: ${a.reason}`);
  return a.countsAsFailure ? andThen(s.guard.failed(keys, s.now()), () => reject(p)) : reject(p);
}

/**
 * Headers to drop: ours plus those earlier stages asked for (the runner assigns facts; it does not merge them).
 * Allocates only when there is something to add.
 */
function drops(ctx: RequestContext, base: readonly string[], ...more: (string | undefined)[]): readonly string[] {
  const earlier = ctx.facts.dropHeaders;
  const extra = more.filter((m): m is string => m !== undefined);
  if ((earlier === undefined || earlier.length === 0) && extra.length === 0) return base;
  return [...(earlier ?? []), ...base, ...extra];
}

const present = (ctx: RequestContext, header: string): string | undefined => (ctx.headers[header] === undefined ? undefined : header);

function credentialIdOf(c: Presented): string | undefined {
  switch (c.method) {
    case 'api-key': {
      const prefix = /^rk_([0-9a-f]{12})_/.exec(c.key)?.[1];
      return prefix === undefined ? undefined : credentialKey('api-key', prefix);
    }
    case 'basic': {
      const user = Buffer.from(c.token, 'base64').toString('utf8').split(':', 1)[0];
      return user === undefined || user === '' ? undefined : credentialKey('basic', user);
    }
    case 'hmac':
      return credentialKey('hmac', c.params.keyId);
    default:
      // Tokens have no stable id before verification; failures count per client IP.
      return undefined;
  }
}

function unauthorized(wwwAuthenticate: string, detail: string, reason: string): Problem {
  // A route with no methods (and no anonymous access) has no challenge to offer: it denies everyone.
  return wwwAuthenticate === '' ? problem('unauthorized', detail, { reason }) : problem('unauthorized', detail, { headers: { 'www-authenticate': wwwAuthenticate }, reason });
}

function tooManyFailures(waitMs: number): Problem {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return problem('too-many-requests', 'too many failed authentication attempts; try again later', { headers: { 'retry-after': String(seconds) }, reason: 'brute-force lock-out' });
}
