import { Type, type Static } from '@sinclair/typebox';
import { globalStagesSchema, routeStagesSchema } from '../../gateway/stages/schemas.js';

/**
 * The root config schema. Types are derived from it (Static<>), ajv validates with it, and
 * `schema/rampart.schema.json` is generated from it: one source for all three.
 */

const Duration = (description: string, def: number, min = 0) =>
  Type.Integer({ minimum: min, default: def, description: `${description} (milliseconds)` });

export const listenerSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Address to listen on.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'Port to listen on (0: any free port).' }),
    maxHeaderBytes: Type.Integer({ minimum: 1024, maximum: 1048576, default: 16384, description: 'Largest header block accepted (431 beyond).' }),
    maxHeaders: Type.Integer({ minimum: 8, maximum: 2000, default: 100, description: 'Most header fields accepted (431 beyond).' }),
    maxUrlBytes: Type.Integer({ minimum: 64, maximum: 65536, default: 8192, description: 'Longest request target accepted (414 beyond).' }),
    headersTimeoutMs: Duration('Time allowed to receive the request headers', 10_000, 100),
    requestTimeoutMs: Duration('Time allowed to receive the whole request', 30_000, 100),
    keepAliveTimeoutMs: Duration('Idle time before a keep-alive connection is closed', 5_000, 100),
    maxRequestsPerSocket: Type.Integer({ minimum: 0, default: 1000, description: 'Requests served on one connection before it is closed (0: no limit).' }),
    maxBodyBytes: Type.Integer({ minimum: 0, default: 1_048_576, description: 'Default request body limit (413 beyond); routes may override.' }),
    trustedProxies: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Peers (IPs or CIDR ranges) whose X-Forwarded-* and X-Request-Id headers are believed.',
    }),
    shutdownTimeoutMs: Duration('Time allowed for in-flight requests to finish on shutdown', 10_000),
  },
  { additionalProperties: false, default: {}, description: 'The client-facing HTTP listener.' },
);

export const pathsSchema = Type.Object(
  {
    caseSensitive: Type.Boolean({ default: false, description: 'Match static path segments case-sensitively. Off by default so /ADMIN cannot dodge a /admin route.' }),
    allowEncodedSlash: Type.Boolean({ default: false, description: 'Accept %2F and %5C in paths (kept encoded).' }),
    allowMatrixParams: Type.Boolean({ default: false, description: 'Accept ";" in paths.' }),
    allowDoubleEncoding: Type.Boolean({ default: false, description: 'Accept "%25" followed by two hex digits (double encoding).' }),
  },
  { additionalProperties: false, default: {}, description: 'Path canonicalisation rules, applied before routing.' },
);

export const logSchema = Type.Object(
  {
    level: Type.Union([Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('silent')], { default: 'info', description: 'Lowest level written (access lines are info).' }),
    destination: Type.String({ default: 'stdout', description: '"stdout", "stderr" or a file path (appended to).' }),
    accessLog: Type.Boolean({ default: true, description: 'Write one line per call.' }),
    redactHeaders: Type.Array(Type.String(), { default: [], description: 'Header names to redact in addition to Authorization, Cookie, Set-Cookie, Proxy-Authorization and X-API-Key.' }),
    redactFields: Type.Array(Type.String(), { default: [], description: 'Log field paths to redact (pino redact paths).' }),
    maxValueLength: Type.Integer({ minimum: 16, default: 1024, description: 'Longer logged values are truncated.' }),
  },
  { additionalProperties: false, default: {}, description: 'Logging: one JSON line per call (access log) and operational events, through pino.' },
);

const targetSchema = Type.Union([
  Type.String({ format: 'uri', pattern: '^https?://', description: 'Target base URL.' }),
  Type.Object(
    { url: Type.String({ format: 'uri', pattern: '^https?://' }), weight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Relative share of requests (default 1).' })) },
    { additionalProperties: false },
  ),
]);

export const upstreamSchema = Type.Object(
  {
    targets: Type.Array(targetSchema, { minItems: 1, description: 'One or more base URLs of the same service.' }),
    balance: Type.Union([Type.Literal('round-robin'), Type.Literal('least-busy')], { default: 'round-robin', description: 'How a target is chosen: weighted round robin, or the fewest in-flight requests per weight.' }),
    connections: Type.Integer({ minimum: 1, maximum: 4096, default: 128, description: 'Most connections per target.' }),
    connectTimeoutMs: Duration('Connect timeout (504)', 2_000, 1),
    responseTimeoutMs: Duration('Time to the response headers (504)', 30_000, 1),
    bodyTimeoutMs: Duration('Idle time allowed between body chunks', 30_000, 1),
    keepAliveTimeoutMs: Duration('Idle upstream connections are closed after', 30_000, 100),
    retries: Type.Integer({ minimum: 0, maximum: 5, default: 1, description: 'Retries on another target, idempotent methods and connection failures only.' }),
    passiveHealth: Type.Object(
      {
        failures: Type.Integer({ minimum: 1, default: 3, description: 'Consecutive failures before a target is ejected.' }),
        ejectMs: Duration('How long an ejected target rests', 30_000, 100),
      },
      { additionalProperties: false, default: {}, description: 'Eject a target after consecutive connection failures, timeouts or 502/503/504 answers.' },
    ),
    activeHealth: Type.Optional(
      Type.Object(
        {
          path: Type.String({ pattern: '^/', default: '/health', description: 'Path probed with GET on each target.' }),
          intervalMs: Duration('Probe interval', 5_000, 100),
          timeoutMs: Duration('Probe timeout', 1_000, 10),
          healthyThreshold: Type.Integer({ minimum: 1, default: 2, description: 'Consecutive good probes to take a target back.' }),
          unhealthyThreshold: Type.Integer({ minimum: 1, default: 2, description: 'Consecutive bad probes to take a target out.' }),
          expectStatus: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { default: [200, 204], description: 'Statuses that count as healthy.' }),
        },
        { additionalProperties: false, description: 'Probe each target periodically; unhealthy targets get no traffic.' },
      ),
    ),
  },
  { additionalProperties: false },
);

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;

export const routeSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'Unique route id (logs, metrics).' }),
    match: Type.Object(
      {
        path: Type.String({ pattern: '^/', description: 'Path template: /users/{id}; a trailing /** matches any rest.' }),
        methods: Type.Optional(Type.Array(Type.Union(HTTP_METHODS.map((m) => Type.Literal(m))), { minItems: 1, uniqueItems: true, description: 'Methods this route takes (GET implies HEAD); any when absent.' })),
        hosts: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Host names; "*.example.com" matches one label.' })),
      },
      { additionalProperties: false, description: 'What requests this route takes.' },
    ),
    upstream: Type.String({ minLength: 1, description: 'Name of an entry of `upstreams`.' }),
    stripPrefix: Type.Optional(Type.String({ pattern: '^/', description: 'Removed from the path before proxying.' })),
    maxBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Request body limit for this route (413 beyond).' })),
    ...routeStagesSchema,
  },
  { additionalProperties: false },
);

export const adminSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Start the admin listener.' }),
    host: Type.String({ default: '127.0.0.1', description: 'Address of the admin listener (keep it private).' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9090, description: 'Port of the admin listener.' }),
  },
  { additionalProperties: false, default: {}, description: 'The admin listener: /metrics (Prometheus), /healthz, /readyz.' },
);

export const configSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(1, { default: 1, description: 'Config format version.' }),
    listen: listenerSchema,
    paths: pathsSchema,
    log: logSchema,
    admin: adminSchema,
    upstreams: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), upstreamSchema, { description: 'Named upstream services.' }),
    routes: Type.Array(routeSchema, { minItems: 1, description: 'Routes, matched by host, method and path.' }),
    ...globalStagesSchema,
  },
  { additionalProperties: false, title: 'Rampart gateway configuration' },
);

export type Config = Static<typeof configSchema>;
export type RouteConfig = Static<typeof routeSchema>;
export type UpstreamConfig = Static<typeof upstreamSchema>;
export type ListenerConfig = Static<typeof listenerSchema>;
export type PathsConfig = Static<typeof pathsSchema>;
export type LogConfig = Static<typeof logSchema>;
