import type { Config, RouteConfig } from '../../../core/config/schema.js';
import { problem, type Problem } from '../../../core/problems/index.js';
import type { StageBuild, StageEnv, StageModule } from '../../pipeline/module.js';
import { proceed, reject, type Decision, type RequestContext, type Stage } from '../../pipeline/types.js';
import { insufficientScope } from '../authentication/challenge.js';
import { resolveAuthConfig } from '../authentication/config.js';
import { checkOwnership } from './ownership.js';
import { compileRule, type Refusal, type RuleCheck } from './rules.js';
import { METHODS, type OwnerConfig, type RouteAuthorizationConfig } from './schema.js';

/** Headers some frameworks read to change the method (Express method-override, Rails, Symfony, ASP.NET...). */
export const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;
const QUERY_OVERRIDE = '_method';

/** The authorization stage module: groups, roles, scopes, claims, admin-only operations, object ownership. */
export const authorizationModule: StageModule = {
  name: 'authorization',
  build(config: Readonly<Config>, _env: StageEnv): StageBuild {
    const auth = resolveAuthConfig(config);
    config.routes.forEach((r, i) => checkRoute(r, i));
    return { forRoute: (route) => createAuthorizationStage(route, auth.adminRoles, auth.realm) };
  },
};

function checkRoute(r: Readonly<RouteConfig>, i: number): void {
  const param = r.authorization?.owner?.param;
  if (param !== undefined && !r.match.path.includes(`{${param}}`)) throw new Error(`routes[${i}].authorization.owner.param: the path ${r.match.path} has no {${param}}`);
  if (r.authorization !== undefined && r.authentication === undefined) throw new Error(`routes[${i}].authorization: needs an authentication section (who is the caller?)`);
}

interface Compiled {
  readonly base: RuleCheck;
  readonly perMethod: ReadonlyMap<string, RuleCheck>;
  readonly owner: OwnerConfig | undefined;
  readonly ownerMethods: ReadonlySet<string> | undefined;
  readonly adminRoles: readonly string[];
  readonly realm: string;
  readonly authorizeOverride: boolean;
}

/**
 * The stage of one route. Every route gets one: without an `authorization` section it still removes
 * method-override headers, so the upstream never runs a method the gateway did not route and authorize.
 */
export function createAuthorizationStage(route: Readonly<RouteConfig>, adminRoles: readonly string[], realm: string): Stage {
  const z = route.authorization;
  if (z === undefined) return { name: 'authorization', onRequest: (ctx) => stripOverrides(ctx) };
  const c = compile(z, adminRoles, realm);
  return {
    name: 'authorization',
    needsBody: z.owner?.body !== undefined,
    onRequest: (ctx) => authorize(ctx, c),
  };
}

function compile(z: RouteAuthorizationConfig, adminRoles: readonly string[], realm: string): Compiled {
  const perMethod = new Map<string, RuleCheck>();
  for (const m of METHODS) {
    const rule = z.methods?.[m];
    if (rule !== undefined) perMethod.set(m, compileRule(rule, adminRoles, `method ${m}`));
  }
  return {
    base: compileRule(z, adminRoles, 'route'),
    perMethod,
    owner: z.owner,
    ownerMethods: z.owner?.methods === undefined ? undefined : new Set<string>(z.owner.methods),
    adminRoles,
    realm,
    authorizeOverride: z.methodOverride === 'authorize',
  };
}

/** Drop override headers (keeping earlier stages' drops: the runner assigns facts, it does not merge them). */
function stripOverrides(ctx: RequestContext): Decision {
  let present = false;
  for (const h of METHOD_OVERRIDE_HEADERS) if (ctx.headers[h] !== undefined) present = true;
  if (!present) return proceed({});
  return proceed({ dropHeaders: [...(ctx.facts.dropHeaders ?? []), ...METHOD_OVERRIDE_HEADERS] });
}

/** The methods this request may act as: the real one, plus overrides the upstream might honour. */
function effectiveMethods(ctx: RequestContext, c: Compiled): string[] {
  const out = [ctx.method.toUpperCase()];
  const add = (v: string | string[] | undefined): void => {
    for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) for (const m of x.split(',')) if (m.trim() !== '' && !out.includes(m.trim().toUpperCase())) out.push(m.trim().toUpperCase());
  };
  if (c.authorizeOverride) for (const h of METHOD_OVERRIDE_HEADERS) add(ctx.headers[h]);
  // A query override cannot be removed from the request: it is always authorized as the method it names.
  if (ctx.query.includes(QUERY_OVERRIDE)) add(new URLSearchParams(ctx.query).getAll(QUERY_OVERRIDE));
  // RFC 9110 §9.3.2: HEAD is GET without the body, and most frameworks serve it with the GET handler, so a
  // rule on GET must hold for HEAD too.
  if (out.includes('HEAD') && !out.includes('GET')) out.push('GET');
  return out;
}

function authorize(ctx: RequestContext, c: Compiled): Decision {
  const p = ctx.facts.principal;
  if (p === undefined) return reject(problem('unauthorized', 'credentials required', { reason: 'authorization without a principal' }));
  for (const m of effectiveMethods(ctx, c)) {
    const refusal = c.base(p) ?? c.perMethod.get(m)?.(p) ?? ownership(ctx, c, m);
    if (refusal === 'bad-body') return reject(problem('bad-request', 'the request body is not acceptable JSON', { reason: 'ownership: unparseable or ambiguous JSON body' }));
    if (refusal !== undefined) return reject(forbidden(refusal, c.realm, p.method, m, ctx.method));
  }
  return c.authorizeOverride ? proceed({}) : stripOverrides(ctx);
}

function ownership(ctx: RequestContext, c: Compiled, method: string): Refusal | 'bad-body' | undefined {
  const o = c.owner;
  if (o === undefined || (c.ownerMethods !== undefined && !c.ownerMethods.has(method))) return undefined;
  const p = ctx.facts.principal;
  if (p === undefined) return { detail: 'credentials required', reason: 'no principal' };
  if (p.roles.some((r) => c.adminRoles.includes(r))) return undefined;
  return checkOwnership(ctx, p, o);
}

function forbidden(r: Refusal, realm: string, authMethod: string, method: string, realMethod: string): Problem {
  const bearer = authMethod === 'jwt' || authMethod === 'introspection';
  const headers = r.scopes !== undefined && bearer ? { 'www-authenticate': insufficientScope(realm, r.scopes) } : undefined;
  const reason = method === realMethod.toUpperCase() ? r.reason : `${r.reason} (as overridden method ${method})`;
  return problem('forbidden', r.detail, { reason, ...(headers === undefined ? {} : { headers }) });
}
