import { Type, type Static } from '@sinclair/typebox';

/**
 * Config of rate limiting: a per-route section (`routes[].rateLimit`: policies, headers, throttling queue,
 * concurrency, priority) and the top-level `rateLimit` section (the counter store, per-upstream concurrency
 * and adaptive limits, load shedding, adaptive per-client limits).
 */

const Duration = Type.String({ pattern: '^[1-9][0-9]*(ms|s|m|h|d)$', description: 'A duration: 500ms, 1s, 10m, 1h, 1d.' });
const HeaderName = Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", maxLength: 128 });

export const keyPartSchema = Type.Union(
  [
    Type.Literal('ip', { description: 'The client IP (IPv6 grouped by ipv6Prefix).' }),
    Type.Literal('consumer', { description: "The principal's consumer, else its subject; anonymous callers fall back to the client IP." }),
    Type.Literal('route'),
    Type.Literal('method'),
    Type.Object({ header: HeaderName }, { additionalProperties: false, description: 'A request header value (absent: the client IP).' }),
    Type.Object({ claim: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false, description: 'A claim of the principal (absent: the client IP).' }),
  ],
  { description: 'One component of a limit key.' },
);
export type KeyPart = Static<typeof keyPartSchema>;

export const ALGORITHM_NAMES = ['gcra', 'token-bucket', 'sliding-window', 'fixed-window'] as const;

export const policySchema = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$', maxLength: 64, description: 'Shown in RateLimit-Policy and logs (default: the policy index).' })),
    algorithm: Type.Union(ALGORITHM_NAMES.map((a) => Type.Literal(a)), { default: 'gcra', description: 'gcra (smooth, the default), token-bucket, sliding-window (weighted counter) or fixed-window.' }),
    limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Requests (cost units) allowed per period.' }),
    per: Type.Union([Duration, Type.Literal('month')], {
      description: 'The period: a duration (1s, 1m, 1h, 1d...) or "month" (a UTC calendar month for fixed-window; 30 days for the others).',
    }),
    burst: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Instant capacity for gcra and token-bucket (default: limit).' })),
    key: Type.Array(keyPartSchema, { minItems: 1, default: ['ip'], description: 'What is counted separately: any combination of ip, consumer, route, method, {header}, {claim}.' }),
    ipv6Prefix: Type.Integer({ minimum: 1, maximum: 128, default: 64, description: 'IPv6 clients are grouped by this prefix (one /64 is one subscriber).' }),
    ipv4Prefix: Type.Integer({ minimum: 1, maximum: 32, default: 32 }),
    cost: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1, description: 'Units one request takes.' }),
    maxDelay: Type.Optional(Type.String({ ...Duration, description: 'Throttle instead of rejecting: excess requests wait up to this long (gcra, token-bucket only).' })),
    adaptive: Type.Boolean({ default: true, description: 'Shrink this limit for risky clients when rateLimit.adaptive.mode is enforce.' }),
  },
  { additionalProperties: false },
);
export type PolicyConfig = Static<typeof policySchema>;

export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const routeRateLimitSchema = Type.Object(
  {
    policies: Type.Array(policySchema, { default: [], maxItems: 16, description: 'All must allow a request; a rejected request consumes from none.' }),
    headers: Type.Union([Type.Literal('ietf'), Type.Literal('legacy'), Type.Literal('both'), Type.Literal('none')], {
      default: 'ietf',
      description: 'ietf: RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers); legacy: X-RateLimit-*.',
    }),
    maxQueue: Type.Integer({ minimum: 0, maximum: 100_000, default: 100, description: 'Throttled requests allowed to wait at once on this route (beyond: 429).' }),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Requests in flight on this route at once (beyond: 503).' })),
    priority: Type.Union(PRIORITIES.map((p) => Type.Literal(p)), { default: 'normal', description: 'Load shedding drops low first, then normal, then high; critical last.' }),
  },
  { additionalProperties: false, description: 'Rate limits, throttling and concurrency of this route.' },
);
export type RouteRateLimitConfig = Static<typeof routeRateLimitSchema>;

const upstreamLimitSchema = Type.Object(
  {
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Fixed in-flight limit to this upstream (beyond: 503).' })),
    adaptive: Type.Optional(
      Type.Object(
        {
          initialLimit: Type.Integer({ minimum: 1, default: 100 }),
          minLimit: Type.Integer({ minimum: 1, default: 10 }),
          maxLimit: Type.Integer({ minimum: 1, default: 1000 }),
          tolerance: Type.Number({ minimum: 1, maximum: 10, default: 2, description: 'Latency may grow to tolerance x its baseline before the limit shrinks.' }),
          smoothing: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.2 }),
        },
        { additionalProperties: false, default: {}, description: 'A gradient controller: the in-flight limit follows the ratio of baseline to current latency.' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const storeSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('memory'), Type.Literal('sqlite'), Type.Literal('redis')], {
      default: 'memory',
      description: 'memory: one instance, lost on restart; sqlite: survives restarts, shared by processes on one host; redis: shared, exact across hosts.',
    }),
    url: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379', description: 'Redis URL (kind redis).' }),
    path: Type.String({ minLength: 1, default: 'rampart-counters.db', description: 'Database file (kind sqlite), relative to the config file.' }),
    prefix: Type.String({ default: 'rampart:rl:', maxLength: 128 }),
    timeoutMs: Type.Integer({ minimum: 1, maximum: 10_000, default: 50, description: 'A decision that takes longer is a store failure.' }),
    onFailure: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
      description: 'open: fall back to a local per-instance limit; closed: answer 503.',
    }),
    probeAfterMs: Type.Integer({ minimum: 10, default: 1000, description: 'While the store fails, try it again this often.' }),
    failOpenFactor: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      default: 1,
      description: 'Failing open, each instance alone admits this fraction of every limit (1/N with N instances keeps the cluster near the limit).',
    }),
    maxKeys: Type.Integer({ minimum: 100, default: 100_000, description: 'Most counters kept in memory (memory store and local fallback).' }),
  },
  { additionalProperties: false, default: {} },
);

export const adaptiveSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('off'), Type.Literal('recommend'), Type.Literal('enforce')], {
      default: 'off',
      description: 'recommend: log what the limits would become; enforce: apply it.',
    }),
    halfLifeMs: Type.Integer({ minimum: 1000, default: 300_000, description: 'Risk halves over this time without new signals.' }),
    minFactor: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1, description: 'Limits never shrink below this fraction.' }),
    weights: Type.Object(
      {
        authFailure: Type.Number({ minimum: 0, default: 1 }),
        detection: Type.Number({ minimum: 0, default: 3 }),
        validation: Type.Number({ minimum: 0, default: 0.5 }),
        clientError: Type.Number({ minimum: 0, default: 0.1, description: 'Per other 4xx response.' }),
        serverError: Type.Number({ minimum: 0, default: 0.05, description: 'Per 5xx response caused by this client.' }),
        rateSurge: Type.Number({ minimum: 0, default: 1, description: 'Per request beyond surgeRatio x the client\'s own baseline rate.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    surgeRatio: Type.Number({ minimum: 1, default: 5 }),
    riskPerStep: Type.Number({ exclusiveMinimum: 0, default: 5, description: 'Each this much risk halves the limits.' }),
    maxClients: Type.Integer({ minimum: 100, default: 50_000 }),
  },
  { additionalProperties: false, default: {}, description: 'Adaptive per-client limits learnt from each client\'s behaviour.' },
);
export type AdaptiveConfig = Static<typeof adaptiveSchema>;

export const rateLimitGlobalSchema = Type.Object(
  {
    store: storeSchema,
    upstreams: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), upstreamLimitSchema, { default: {}, description: 'Concurrency limits per upstream name.' }),
    shedding: Type.Object(
      {
        eventLoopDelayMs: Type.Integer({ minimum: 0, default: 0, description: 'Shed by priority when the gateway\'s event-loop delay (p99) exceeds this (0: off).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    adaptive: adaptiveSchema,
  },
  { additionalProperties: false, default: {}, description: 'Rate limiting shared by all routes: the counter store, upstream limits, shedding, adaptive limits.' },
);
export type RateLimitGlobalConfig = Static<typeof rateLimitGlobalSchema>;

export const rateLimitRouteEntry = Type.Optional(routeRateLimitSchema);
export const rateLimitGlobalEntry = Type.Optional(rateLimitGlobalSchema);
