import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
}

export function createMetrics(registry = new Registry()): GatewayMetrics {
  collectDefaultMetrics({ register: registry, prefix: 'rampart_process_' });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    requests: new Counter({
      name: 'rampart_requests_total',
      help: 'Calls answered, by route, method, status class, decision and deciding stage.',
      labelNames: ['route', 'method', 'status', 'decision', 'stage'],
      registers: [registry],
    }),
    duration: new Histogram({ name: 'rampart_request_duration_seconds', help: 'Time from request to last response byte.', labelNames: ['route'], buckets, registers: [registry] }),
    upstreamDuration: new Histogram({ name: 'rampart_upstream_duration_seconds', help: 'Time to the upstream response headers.', labelNames: ['upstream'], buckets, registers: [registry] }),
    inflight: new Gauge({ name: 'rampart_inflight_requests', help: 'Requests being handled.', registers: [registry] }),
    targetHealthy: new Gauge({ name: 'rampart_upstream_target_healthy', help: '1 when the upstream target takes traffic.', labelNames: ['upstream', 'target'], registers: [registry] }),
    reloads: new Counter({ name: 'rampart_config_reloads_total', help: 'Config reloads by result.', labelNames: ['result'], registers: [registry] }),
    clientErrors: new Counter({ name: 'rampart_client_errors_total', help: 'Connections refused before a request (malformed HTTP), by parser code.', labelNames: ['code'], registers: [registry] }),
  };
}
