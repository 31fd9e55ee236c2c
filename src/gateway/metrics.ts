import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { deferredChild, type CounterChild } from './deferred-counter.js';

/** The gateway's Prometheus metrics (prom-client). Labels are bounded: route ids, never raw paths. */
export interface GatewayMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'method' | 'status' | 'decision' | 'stage'>;
  readonly duration: Histogram<'route'>;
  readonly upstreamDuration: Histogram<'upstream'>;
  readonly inflight: Gauge;
  readonly targetHealthy: Gauge<'upstream' | 'target'>;
  readonly reloads: Counter<'result'>;
  readonly clientErrors: Counter<'code'>;
  /** Count one call and its duration (the count is summed in a number until a scrape: no label hashing per request). */
  observeCall(route: string, method: string, status: number, decision: string, stage: string, seconds: number): void;
}

export function createMetrics(registry = new Registry()): GatewayMetrics {
  collectDefaultMetrics({ register: registry, prefix: 'rampart_' });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const requests = new Counter({
      name: 'rampart_requests_total',
      help: 'Calls answered, by route, method, status class, decision and deciding stage.',
      labelNames: ['route', 'method', 'status', 'decision', 'stage'] as const,
      registers: [registry],
    });
  const duration = new Histogram({ name: 'rampart_request_duration_seconds', help: 'Time from request to last response byte.', labelNames: ['route'] as const, buckets, registers: [registry] });
  const counterChildren = new Map<string, CounterChild>();
  const durationChildren = new Map<string, { observe(v: number): void }>();
  const STATUS = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];
  return {
    registry,
    observeCall(route, method, status, decision, stage, seconds) {
      const cls = STATUS[Math.floor(status / 100)] ?? 'other';
      const key = `${route}\0${method}\0${cls}\0${decision}\0${stage}`;
      let c = counterChildren.get(key);
      if (c === undefined) {
        // Bounded: routes x methods x classes x decisions x stages, all from closed sets.
        c = deferredChild(requests, { route, method: method.length <= 16 ? method : 'OTHER', status: cls, decision, stage });
        counterChildren.set(key, c);
      }
      c.inc();
      let d = durationChildren.get(route);
      if (d === undefined) durationChildren.set(route, (d = duration.labels(route)));
      d.observe(seconds);
    },
    requests,
    duration,
    upstreamDuration: new Histogram({ name: 'rampart_upstream_duration_seconds', help: 'Time to the upstream response headers.', labelNames: ['upstream'], buckets, registers: [registry] }),
    inflight: new Gauge({ name: 'rampart_inflight_requests', help: 'Requests being handled.', registers: [registry] }),
    targetHealthy: new Gauge({ name: 'rampart_upstream_target_healthy', help: '1 when the upstream target takes traffic.', labelNames: ['upstream', 'target'], registers: [registry] }),
    reloads: new Counter({ name: 'rampart_config_reloads_total', help: 'Config reloads by result.', labelNames: ['result'], registers: [registry] }),
    clientErrors: new Counter({ name: 'rampart_client_errors_total', help: 'Connections refused before a request (malformed HTTP), by parser code.', labelNames: ['code'], registers: [registry] }),
  };
}
