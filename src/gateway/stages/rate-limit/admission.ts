import { problem, type Problem } from '../../../core/problems/index.js';
import type { RouteConfig } from '../../../core/config/schema.js';
import type { StageEnv } from '../../pipeline/module.js';
import { GradientLimit, PRIORITY_SHARE, type InFlight } from './concurrency.js';
import type { Priority, RateLimitGlobalConfig } from './schema.js';
import { shedByDelay, type EventLoopMonitor } from './shedding.js';

/** The slots one admitted request holds until its log line. */
export interface Slots {
  route?: InFlight;
  upstream?: InFlight;
}

/** Why a request was not admitted: the problem to send and the outcome label for the metric. */
export interface Refusal {
  readonly problem: Problem;
  readonly outcome: 'shed' | 'concurrency';
}

const refuse = (detail: string, reason: string, outcome: Refusal['outcome']): Refusal => ({
  problem: problem('service-unavailable', detail, { headers: { 'retry-after': '1' }, reason }),
  outcome,
});

/**
 * Admission before any quota is spent, local and synchronous: event-loop shedding by priority, the route's
 * concurrency limit, and the upstream's (fixed, or adaptive with this route's priority share of it).
 * In-flight counters are env resources, shared by every route of an upstream and kept across reloads.
 */
export class AdmissionGate {
  private readonly routeSlots: InFlight | undefined;
  private readonly upstreamSlots: InFlight | undefined;
  private readonly gradient: GradientLimit | undefined;
  private readonly fixedUpstream: number;
  private readonly share: number;
  private readonly shedMs: number;
  private readonly upstreamName: string;

  constructor(
    route: Readonly<RouteConfig>,
    global: RateLimitGlobalConfig,
    env: StageEnv,
    private readonly priority: Priority,
    private readonly routeLimit: number | undefined,
    private readonly loop: EventLoopMonitor | undefined,
  ) {
    const up = global.upstreams[route.upstream];
    this.routeSlots = routeLimit === undefined ? undefined : env.resource(`rate-limit:inflight:route:${route.id}`, (): InFlight => ({ n: 0 }));
    this.upstreamSlots = up === undefined ? undefined : env.resource(`rate-limit:inflight:upstream:${route.upstream}`, (): InFlight => ({ n: 0 }));
    const g = up?.adaptive;
    if (g !== undefined) {
      this.gradient = env.resource(`rate-limit:gradient:${route.upstream}`, () => new GradientLimit(g));
      this.gradient.configure(g);
    }
    this.fixedUpstream = up?.concurrency ?? Infinity;
    this.share = PRIORITY_SHARE[priority];
    this.shedMs = global.shedding.eventLoopDelayMs;
    this.upstreamName = route.upstream;
  }

  /** True when this gate can refuse anything (otherwise the stage skips it). */
  get active(): boolean {
    return this.routeSlots !== undefined || this.upstreamSlots !== undefined || (this.loop !== undefined && this.shedMs > 0);
  }

  /** The adaptive limit of the upstream, for the metric. */
  get upstreamLimit(): number | undefined {
    return this.gradient?.limit;
  }

  /** Admit (taking slots) or refuse. */
  admit(): Slots | Refusal {
    const loop = this.loop;
    if (loop !== undefined && shedByDelay(this.priority, loop.p99Ms, this.shedMs)) {
      return refuse('The gateway is overloaded; try again shortly.', `shed: event-loop delay p99 ${loop.p99Ms.toFixed(1)} ms, priority ${this.priority}`, 'shed');
    }
    const r = this.routeSlots;
    if (r !== undefined && this.routeLimit !== undefined && r.n >= this.routeLimit) {
      return refuse('Too many requests in progress on this route.', `route concurrency ${this.routeLimit} reached`, 'concurrency');
    }
    const u = this.upstreamSlots;
    if (u !== undefined) {
      const limit = Math.min(this.fixedUpstream, this.gradient === undefined ? Infinity : Math.max(1, Math.floor(this.gradient.limit * this.share)));
      if (u.n >= limit) {
        return refuse(
          'The service is busy; try again shortly.',
          `upstream ${this.upstreamName} concurrency ${limit} reached (priority ${this.priority})`,
          this.gradient === undefined ? 'concurrency' : 'shed',
        );
      }
    }
    if (r !== undefined) r.n++;
    if (u !== undefined) u.n++;
    return { route: r, upstream: u };
  }

  /** Give the slots back (once), feeding the upstream's latency to the adaptive limit. */
  release(slots: Slots, upstreamMs: number | undefined): void {
    if (slots.upstream !== undefined) {
      if (this.gradient !== undefined && upstreamMs !== undefined) this.gradient.sample(upstreamMs, slots.upstream.n);
      slots.upstream.n--;
      slots.upstream = undefined;
    }
    if (slots.route !== undefined) {
      slots.route.n--;
      slots.route = undefined;
    }
  }
}

export const isRefusal = (x: Slots | Refusal): x is Refusal => 'problem' in x;
