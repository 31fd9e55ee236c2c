import type { CounterStore, LimitCheck, Verdict } from '../../../core/stores/counter/index.js';
import { problem, type Problem } from '../../../core/problems/index.js';
import type { Config, RouteConfig } from '../../../core/config/schema.js';
import type { StageBuild, StageEnv, StageModule } from '../../pipeline/module.js';
import { CONTINUE, reject, type Decision, type LogRecord, type RequestContext, type Stage } from '../../pipeline/types.js';
import { RiskTracker, type RiskChange } from './adaptive.js';
import { AdmissionGate, isRefusal, type Slots } from './admission.js';
import { readGlobalConfig } from './config.js';
import { limitHeaders, policyHeader, retryAfter, type PolicyInfo } from './headers.js';
import { cachedGroupIp } from './ip-group.js';
import { checkPolicyNames, checksFor, compilePolicies, type CompiledPolicy } from './policies.js';
import type { RateLimitGlobalConfig } from './schema.js';
import { EventLoopMonitor } from './shedding.js';
import { openCounterStore, rateLimitMetrics, type RateLimitMetrics } from './store.js';

/** What a request holds until its log line: slots to give back, headers for the response. */
interface Held {
  slots?: Slots;
  headers?: Record<string, string>;
}

/** What every route's stage of one build shares. */
export interface RateLimitShared {
  readonly global: RateLimitGlobalConfig;
  readonly env: StageEnv;
  readonly metrics: RateLimitMetrics;
  readonly store: () => CounterStore;
  readonly risk: RiskTracker | undefined;
  readonly loop: EventLoopMonitor | undefined;
}

export const rateLimitModule: StageModule = { name: 'rate-limit', build: buildRateLimit };

/** Build once per config: the store, the risk tracker and the event-loop monitor are shared by all routes. */
export async function buildRateLimit(config: Readonly<Config>, env: StageEnv): Promise<StageBuild> {
  const global = readGlobalConfig(config);
  checkPolicyNames(config);
  const metrics = rateLimitMetrics(env.metrics);
  let store: CounterStore | undefined;
  if (config.routes.some((r) => (r.rateLimit?.policies.length ?? 0) > 0)) {
    const opened = openCounterStore(global.store, env, metrics);
    store = opened.store;
    await opened.ready;
  }
  const adaptive = global.adaptive;
  let risk: RiskTracker | undefined;
  if (adaptive.mode !== 'off') {
    risk = env.resource('rate-limit:risk', () => new RiskTracker(adaptive, env.now));
    risk.configure(adaptive);
  }
  const loop = global.shedding.eventLoopDelayMs > 0 ? env.resource('rate-limit:event-loop', () => new EventLoopMonitor(), (m) => m.close()) : undefined;
  const shared: RateLimitShared = { global, env, metrics, risk, loop, store: () => (store ??= openCounterStore(global.store, env, metrics).store) };
  return { forRoute: (route) => createRateLimitStage(route, shared) };
}

/** The 429 for a verdict: the policy that asks for the longest wait names it. */
function tooManyRequests(verdict: Verdict, checks: readonly LimitCheck[], infos: readonly PolicyInfo[], headers: Record<string, string>): { problem: Problem; retryAfterMs: number } {
  let worst = 0;
  verdict.results.forEach((r, i) => {
    const w = verdict.results[worst];
    if (!r.allowed && (w === undefined || w.allowed || r.retryAfterMs > w.retryAfterMs)) worst = i;
  });
  const name = infos[worst]?.name ?? '';
  const retryAfterMs = verdict.results[worst]?.retryAfterMs ?? 1000;
  headers['retry-after'] = retryAfter(retryAfterMs);
  const p = problem('too-many-requests', `Rate limit "${name}" exceeded; retry after ${headers['retry-after']} s.`, {
    headers,
    extensions: { policy: name },
    reason: `policy ${name}: limit ${checks[worst]?.limit ?? 0} per ${infos[worst]?.periodMs ?? 0} ms`,
  });
  return { problem: p, retryAfterMs };
}

/** Log a change of a client's limits with its cause (client, signals, risk, limits before and after). */
function explain(shared: RateLimitShared, policies: readonly CompiledPolicy[], routeId: string, change: RiskChange): void {
  const mode = shared.global.adaptive.mode;
  const limits = policies
    .filter((p) => p.adaptive)
    .map((p) => ({ policy: p.info.name, before: Math.max(1, Math.floor(p.limit * change.factorBefore)), after: Math.max(1, Math.floor(p.limit * change.factorAfter)) }));
  shared.env.logger.info(
    { stage: 'rate-limit', route: routeId, adaptive: { ...change, mode, limits } },
    `${mode === 'enforce' ? '' : 'recommend: would '}${change.direction} limits of client ${change.client}`,
  );
}

/** The stage of one route, or nothing when the route neither limits nor learns. */
export function createRateLimitStage(route: Readonly<RouteConfig>, shared: RateLimitShared): Stage | undefined {
  const { global, metrics, risk } = shared;
  const rl = route.rateLimit;
  if (rl === undefined && global.upstreams[route.upstream] === undefined && risk === undefined && global.shedding.eventLoopDelayMs === 0) return undefined;

  const policies = compilePolicies(route, rl?.policies ?? []);
  const infos = policies.map((p) => p.info);
  const policyHeaderValue = policyHeader(infos);
  const headerStyle = rl?.headers ?? 'ietf';
  const maxQueue = rl?.maxQueue ?? 0;
  const store = policies.length > 0 ? shared.store() : undefined;
  const gate = new AdmissionGate(route, global, shared.env, rl?.priority ?? 'normal', rl?.concurrency, shared.loop);
  const gated = gate.active;
  const held = new WeakMap<RequestContext, Held>();
  const clientOf = cachedGroupIp();
  const enforce = global.adaptive.mode === 'enforce';
  let waiting = 0;

  const count = (outcome: string) => metrics.decisions.inc({ route: route.id, outcome });

  function release(ctx: RequestContext, upstreamMs?: number): void {
    const slots = held.get(ctx)?.slots;
    if (slots === undefined) return;
    gate.release(slots, upstreamMs);
    const limit = gate.upstreamLimit;
    if (limit !== undefined && upstreamMs !== undefined) metrics.upstreamLimit.set({ upstream: route.upstream }, Math.round(limit));
  }

  function factorFor(ctx: RequestContext): number {
    if (risk === undefined) return 1;
    const { factor, change } = risk.factor(clientOf(ctx.clientIp));
    if (change !== undefined) explain(shared, policies, route.id, change);
    return enforce ? factor : 1;
  }

  function decide(ctx: RequestContext, verdict: Verdict, checks: readonly LimitCheck[]): Decision | Promise<Decision> {
    if (verdict.degraded === 'closed') {
      release(ctx);
      count('store-closed');
      return reject(problem('service-unavailable', 'Rate limiting is unavailable; try again shortly.', { headers: { 'retry-after': '1' }, reason: 'counter store unavailable: failing closed' }));
    }
    const headers = limitHeaders(headerStyle, infos, policyHeaderValue, verdict.results, checks.map((c) => c.limit));
    if (!verdict.allowed) {
      release(ctx);
      count('limited');
      const { problem: p, retryAfterMs } = tooManyRequests(verdict, checks, infos, headers);
      ctx.annotate('rateLimit', { policy: p.extensions?.policy, retryAfterMs, degraded: verdict.degraded });
      return reject(p);
    }
    if (headerStyle !== 'none') {
      const h = held.get(ctx);
      if (h === undefined) held.set(ctx, { headers });
      else h.headers = headers;
    }
    if (verdict.degraded === 'open') ctx.annotate('rateLimit', { degraded: 'open' });
    if (verdict.delayMs <= 0) return CONTINUE;
    // Throttled: the quota is reserved at a future time; wait for it (bounded by maxDelay and maxQueue).
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
      if (gated) {
        const admitted = gate.admit();
        if (isRefusal(admitted)) {
          count(admitted.outcome);
          return reject(admitted.problem);
        }
        held.set(ctx, { slots: admitted });
      }
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
      if (held.has(ctx)) {
        release(ctx, record.upstreamMs);
        held.delete(ctx);
      }
      if (risk !== undefined) {
        const change = risk.observe(clientOf(record.clientIp), record);
        if (change !== undefined) explain(shared, policies, route.id, change);
      }
    },
  };
}
