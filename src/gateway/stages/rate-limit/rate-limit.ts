import type { CounterStore, LimitCheck, Verdict } from '../../../core/stores/counter/index.js';
import { problem } from '../../../core/problems/index.js';
import type { Config, RouteConfig } from '../../../core/config/schema.js';
import type { StageBuild, StageEnv, StageModule } from '../../pipeline/module.js';
import { CONTINUE, reject, type Decision, type LogRecord, type RequestContext, type Stage } from '../../pipeline/types.js';
import { RiskTracker, type RiskChange } from './adaptive.js';
import { GradientLimit, PRIORITY_SHARE, type InFlight } from './concurrency.js';
import { readGlobalConfig } from './config.js';
import { limitHeaders, policyHeader, retryAfter } from './headers.js';
import { cachedGroupIp } from './ip-group.js';
import { checksFor, compilePolicies, type CompiledPolicy } from './policies.js';
import type { RateLimitGlobalConfig, RouteRateLimitConfig } from './schema.js';
import { EventLoopMonitor, shedByDelay } from './shedding.js';
import { openCounterStore, rateLimitMetrics, type RateLimitMetrics } from './store.js';

/** What a request holds until its log line: slots to give back, headers for the response. */
interface Held {
  route?: InFlight;
  upstream?: InFlight;
  headers?: Record<string, string>;
}

interface Shared {
  readonly global: RateLimitGlobalConfig;
  readonly env: StageEnv;
  readonly metrics: RateLimitMetrics;
  readonly store: () => CounterStore;
  readonly risk: RiskTracker | undefined;
  readonly loop: EventLoopMonitor | undefined;
}

export const rateLimitModule: StageModule = { name: 'rate-limit', build: buildRateLimit };

/** Build once per config: the store, the risk tracker and the event-loop monitor are shared by all routes. */
export function buildRateLimit(config: Readonly<Config>, env: StageEnv): StageBuild {
  const global = readGlobalConfig(config);
  const metrics = rateLimitMetrics(env.metrics);
  let store: CounterStore | undefined;
  const adaptive = global.adaptive;
  let risk: RiskTracker | undefined;
  if (adaptive.mode !== 'off') {
    risk = env.resource('rate-limit:risk', () => new RiskTracker(adaptive, env.now));
    risk.configure(adaptive);
  }
  const loop = global.shedding.eventLoopDelayMs > 0 ? env.resource('rate-limit:event-loop', () => new EventLoopMonitor(), (m) => m.close()) : undefined;
  const shared: Shared = { global, env, metrics, risk, loop, store: () => (store ??= openCounterStore(global.store, env, metrics)) };
  return { forRoute: (route) => createRateLimitStage(route, shared) };
}

/** The stage of one route, or nothing when the route neither limits nor learns. */
export function createRateLimitStage(route: Readonly<RouteConfig>, shared: Shared): Stage | undefined {
  const { global, env, metrics, risk, loop } = shared;
  const rl: RouteRateLimitConfig | undefined = route.rateLimit;
  const upstreamCfg = global.upstreams[route.upstream];
  const shedMs = global.shedding.eventLoopDelayMs;
  if (rl === undefined && upstreamCfg === undefined && risk === undefined && shedMs === 0) return undefined;

  const policies: CompiledPolicy[] = compilePolicies(route, rl?.policies ?? []);
  const infos = policies.map((p) => p.info);
  const policyHeaderValue = policyHeader(infos);
  const headerStyle = rl?.headers ?? 'ietf';
  const maxQueue = rl?.maxQueue ?? 0;
  const priority = rl?.priority ?? 'normal';
  const store = policies.length > 0 ? shared.store() : undefined;
  const routeLimit = rl?.concurrency;
  const routeSlots = routeLimit === undefined ? undefined : env.resource(`rate-limit:inflight:route:${route.id}`, (): InFlight => ({ n: 0 }));
  const upstreamSlots = upstreamCfg === undefined ? undefined : env.resource(`rate-limit:inflight:upstream:${route.upstream}`, (): InFlight => ({ n: 0 }));
  const gradientCfg = upstreamCfg?.adaptive;
  let gradient: GradientLimit | undefined;
  if (gradientCfg !== undefined) {
    gradient = env.resource(`rate-limit:gradient:${route.upstream}`, () => new GradientLimit(gradientCfg));
    gradient.configure(gradientCfg);
  }
  const fixedUpstream = upstreamCfg?.concurrency ?? Infinity;
  const share = PRIORITY_SHARE[priority];
  const held = new WeakMap<RequestContext, Held>();
  const log = env.logger.child({ stage: 'rate-limit', route: route.id });
  let waiting = 0;

  const count = (outcome: string) => metrics.decisions.inc({ route: route.id, outcome });
  const clientOf = cachedGroupIp();

  function release(ctx: RequestContext): void {
    const h = held.get(ctx);
    if (h === undefined) return;
    if (h.route !== undefined) h.route.n--;
    if (h.upstream !== undefined) h.upstream.n--;
    h.route = undefined;
    h.upstream = undefined;
  }

  function unavailable(detail: string, reason: string, outcome: string): Decision {
    count(outcome);
    return reject(problem('service-unavailable', detail, { headers: { 'retry-after': '1' }, reason }));
  }

  /** Concurrency and shedding: synchronous, local, before any quota is spent. */
  function admit(ctx: RequestContext): Decision | undefined {
    if (loop !== undefined && shedByDelay(priority, loop.p99Ms, shedMs)) {
      return unavailable('The gateway is overloaded; try again shortly.', `shed: event-loop delay p99 ${loop.p99Ms.toFixed(1)} ms, priority ${priority}`, 'shed');
    }
    if (routeSlots !== undefined && routeLimit !== undefined && routeSlots.n >= routeLimit) {
      return unavailable('Too many requests in progress on this route.', `route concurrency ${routeLimit} reached`, 'concurrency');
    }
    if (upstreamSlots !== undefined) {
      const limit = Math.min(fixedUpstream, gradient === undefined ? Infinity : Math.max(1, Math.floor(gradient.limit * share)));
      if (upstreamSlots.n >= limit) {
        return unavailable('The service is busy; try again shortly.', `upstream ${route.upstream} concurrency ${limit} reached (priority ${priority})`, gradient === undefined ? 'concurrency' : 'shed');
      }
    }
    if (routeSlots !== undefined || upstreamSlots !== undefined) {
      if (routeSlots !== undefined) routeSlots.n++;
      if (upstreamSlots !== undefined) upstreamSlots.n++;
      held.set(ctx, { route: routeSlots, upstream: upstreamSlots });
    }
    return undefined;
  }

  function explain(change: RiskChange): void {
    const enforce = global.adaptive.mode === 'enforce';
    const limits = policies
      .filter((p) => p.adaptive)
      .map((p) => ({ policy: p.info.name, before: Math.max(1, Math.floor(p.limit * change.factorBefore)), after: Math.max(1, Math.floor(p.limit * change.factorAfter)) }));
    log.info(
      { adaptive: { ...change, mode: global.adaptive.mode, limits } },
      `${enforce ? '' : 'recommend: would '}${change.direction === 'tighten' ? 'tighten' : 'relax'} limits of client ${change.client}`,
    );
  }

  function factorFor(ctx: RequestContext): number {
    if (risk === undefined) return 1;
    const { factor, change } = risk.factor(clientOf(ctx.clientIp));
    if (change !== undefined) explain(change);
    return global.adaptive.mode === 'enforce' ? factor : 1;
  }

  function decide(ctx: RequestContext, verdict: Verdict, checks: readonly LimitCheck[]): Decision | Promise<Decision> {
    if (verdict.degraded === 'closed') {
      release(ctx);
      return unavailable('Rate limiting is unavailable; try again shortly.', 'counter store unavailable: failing closed', 'store-closed');
    }
    const headers = limitHeaders(headerStyle, infos, policyHeaderValue, verdict.results, checks.map((c) => c.limit));
    if (!verdict.allowed) {
      release(ctx);
      let worst = -1;
      verdict.results.forEach((r, i) => {
        if (!r.allowed && (worst < 0 || r.retryAfterMs > (verdict.results[worst]?.retryAfterMs ?? 0))) worst = i;
      });
      const name = infos[worst]?.name ?? '';
      const wait = verdict.results[worst]?.retryAfterMs ?? 1000;
      headers['retry-after'] = retryAfter(wait);
      count('limited');
      ctx.annotate('rateLimit', { policy: name, retryAfterMs: wait, degraded: verdict.degraded });
      return reject(
        problem('too-many-requests', `Rate limit "${name}" exceeded; retry after ${headers['retry-after']} s.`, {
          headers,
          extensions: { policy: name },
          reason: `policy ${name}: limit ${checks[worst]?.limit ?? 0} per ${infos[worst]?.periodMs ?? 0} ms`,
        }),
      );
    }
    if (headerStyle !== 'none') {
      const h = held.get(ctx);
      if (h === undefined) held.set(ctx, { headers });
      else h.headers = headers;
    }
    if (verdict.degraded === 'open') ctx.annotate('rateLimit', { degraded: 'open' });
    if (verdict.delayMs <= 0) return CONTINUE;
    // Throttled: the quota is already reserved at a future time; wait for it (bounded by maxDelay and maxQueue).
    count('delayed');
    ctx.annotate('rateLimit', { delayedMs: verdict.delayMs });
    waiting++;
    return new Promise<Decision>((resolve) =>
      setTimeout(() => {
        waiting--;
        resolve(CONTINUE);
      }, verdict.delayMs),
    );
  }

  return {
    name: 'rate-limit',
    onRequest(ctx) {
      const denied = admit(ctx);
      if (denied !== undefined) return denied;
      if (store === undefined) return CONTINUE;
      const checks = checksFor(ctx, policies, factorFor(ctx), waiting < maxQueue);
      const v = store.consume(checks);
      return v instanceof Promise ? v.then((r) => decide(ctx, r, checks)) : decide(ctx, v, checks);
    },
    onResponse(ctx, res) {
      const h = held.get(ctx)?.headers;
      if (h !== undefined) for (const k in h) res.headers[k] = h[k] ?? '';
    },
    onLog(ctx: RequestContext, record: LogRecord) {
      const h = held.get(ctx);
      if (h !== undefined) {
        if (gradient !== undefined && h.upstream !== undefined && record.upstreamMs !== undefined) {
          gradient.sample(record.upstreamMs, h.upstream.n);
          metrics.upstreamLimit.set({ upstream: route.upstream }, Math.round(gradient.limit));
        }
        release(ctx);
        held.delete(ctx);
      }
      if (risk !== undefined) {
        const change = risk.observe(clientOf(record.clientIp), record);
        if (change !== undefined) explain(change);
      }
    },
  };
}
