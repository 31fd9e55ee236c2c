import { Type, type Static } from '@sinclair/typebox';

/**
 * Config of authentication: a per-route section (`routes[].authentication`) and the shared top-level `auth`
 * section (consumers, groups, key store, JWT issuers, introspection endpoints, HMAC keys, Basic users,
 * brute-force guard, identity headers). Authorization reads the same `auth` section.
 */

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
const Alg = Type.Union(JWT_ALGORITHMS.map((a) => Type.Literal(a)));
const Name = Type.String({ pattern: '^[A-Za-z0-9_.:@-]+$', maxLength: 128 });
const HeaderName = Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", maxLength: 128 });
const Strings = (description: string) => Type.Array(Type.String({ minLength: 1 }), { default: [], description });

export const AUTH_METHODS = ['api-key', 'jwt', 'hmac', 'basic', 'introspection'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const routeAuthenticationSchema = Type.Object(
  {
    methods: Type.Array(Type.Union(AUTH_METHODS.map((m) => Type.Literal(m))), {
      uniqueItems: true,
      default: [],
      description: 'Accepted credentials; any one of them authenticates. Empty with anonymous: false denies everything.',
    }),
    anonymous: Type.Boolean({ default: false, description: 'Let requests without credentials through as the anonymous principal. Bad credentials are still refused.' }),
    apiKeyHeader: Type.Optional(HeaderName),
    apiKeyQuery: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'Also read the API key from this query parameter (off unless set: keys in URLs end up in logs).' })),
    issuers: Type.Optional(Type.Array(Name, { minItems: 1, description: 'Names of auth.jwt.issuers accepted here (default: all).' })),
    introspection: Type.Optional(Name),
  },
  { additionalProperties: false, description: 'Who may call this route.' },
);
export type RouteAuthenticationConfig = Static<typeof routeAuthenticationSchema>;

const keySchema = Type.Object(
  {
    kid: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    alg: Alg,
    secret: Type.Optional(Type.String({ minLength: 32, description: 'HS* shared secret (at least 32 characters).' })),
    secretBase64: Type.Optional(Type.String({ minLength: 44, description: 'HS* shared secret, base64 or base64url.' })),
    pem: Type.Optional(Type.String({ minLength: 1, description: 'A public key (SPKI) or certificate in PEM.' })),
    pemFile: Type.Optional(Type.String({ minLength: 1 })),
    jwk: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'A public JWK.' })),
    jwkFile: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, description: 'One verification key, pinned to one algorithm. Exactly one of secret, secretBase64, pem, pemFile, jwk, jwkFile.' },
);
export type JwtKeyConfig = Static<typeof keySchema>;

const issuerSchema = Type.Object(
  {
    name: Name,
    issuer: Type.String({ minLength: 1, description: 'Required `iss` value.' }),
    audience: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Accepted `aud` values (one must match).' })),
    clockSkewSec: Type.Integer({ minimum: 0, maximum: 600, default: 30 }),
    maxTokenAgeSec: Type.Optional(Type.Integer({ minimum: 1, description: 'Refuse tokens whose `iat` is older.' })),
    requiredClaims: Type.Array(Type.String({ minLength: 1 }), { default: ['exp'], description: 'Claims that must be present.' }),
    keys: Type.Array(keySchema, { default: [] }),
    jwks: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://', description: 'The only place keys are fetched from (never jku/x5u).' }),
          algorithms: Type.Array(Alg, { minItems: 1, uniqueItems: true, description: 'Algorithms allowed for keys of this set.' }),
          timeoutMs: Type.Integer({ minimum: 10, default: 2000 }),
          maxBytes: Type.Integer({ minimum: 256, default: 65536 }),
          refreshMs: Type.Integer({ minimum: 1000, default: 300_000, description: 'Keys older than this are refreshed in the background.' }),
          maxStaleMs: Type.Integer({ minimum: 0, default: 86_400_000, description: 'Keys are used this long past refreshMs when the endpoint is down.' }),
          cooldownMs: Type.Integer({ minimum: 0, default: 30_000, description: 'An unknown kid triggers at most one refresh per this period.' }),
        },
        { additionalProperties: false },
      ),
    ),
    claims: Type.Object(
      {
        subject: Type.String({ default: 'sub' }),
        scopes: Type.String({ default: 'scope', description: 'Space-separated string or array; `scp` is read too.' }),
        roles: Type.String({ default: 'roles' }),
        groups: Type.String({ default: 'groups' }),
        consumer: Type.String({ default: 'azp' }),
      },
      { additionalProperties: false, default: {}, description: 'Claims mapped to the principal (dotted paths allowed).' },
    ),
  },
  { additionalProperties: false },
);
export type JwtIssuerConfig = Static<typeof issuerSchema>;

const introspectionSchema = Type.Object(
  {
    name: Name,
    url: Type.String({ pattern: '^https?://' }),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.String({ minLength: 1 }),
    timeoutMs: Type.Integer({ minimum: 10, default: 2000 }),
    maxBytes: Type.Integer({ minimum: 256, default: 65536 }),
    cacheTtlMs: Type.Integer({ minimum: 0, default: 300_000, description: 'Longest an active token is cached (never past its exp).' }),
    negativeCacheTtlMs: Type.Integer({ minimum: 0, default: 10_000, description: 'How long an inactive token is remembered.' }),
  },
  { additionalProperties: false },
);
export type IntrospectionConfig = Static<typeof introspectionSchema>;

export const authSchema = Type.Object(
  {
    realm: Type.String({ default: 'rampart', pattern: '^[^"\\\\]*$' }),
    keyStore: Type.Object(
      {
        kind: Type.Union([Type.Literal('sqlite'), Type.Literal('file'), Type.Literal('postgres')], { default: 'sqlite' }),
        path: Type.Optional(Type.String({ minLength: 1, description: 'SQLite or JSON file (default rampart-keys.db / rampart-keys.json).' })),
        url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
        schema: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]*$' })),
        table: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]*$' })),
        cacheMs: Type.Integer({ minimum: 0, default: 5000, description: 'Lookups are cached this long (a revocation takes at most this long).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    hideCredentials: Type.Boolean({ default: false, description: 'Remove the verified credential (Authorization or API key header) before proxying. Unverified credentials are always removed.' }),
    apiKeyHeader: Type.String({ default: 'x-api-key', pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }),
    consumers: Type.Record(
      Name,
      Type.Object({ groups: Strings('Groups of this consumer.'), roles: Strings('Roles of this consumer.'), scopes: Strings('Scopes granted to its API keys.') }, { additionalProperties: false }),
      { default: {} },
    ),
    groups: Type.Record(Name, Type.Object({ members: Strings('Consumers or subjects in this group.') }, { additionalProperties: false }), { default: {} }),
    adminRoles: Type.Array(Type.String({ minLength: 1 }), { default: ['admin'], description: 'Roles that pass ownership rules and admin-only operations.' }),
    jwt: Type.Object({ issuers: Type.Array(issuerSchema, { default: [] }), cacheEntries: Type.Integer({ minimum: 0, default: 10_000 }) }, { additionalProperties: false, default: {} }),
    introspection: Type.Array(introspectionSchema, { default: [] }),
    hmac: Type.Object(
      {
        keys: Type.Array(
          Type.Object(
            { id: Name, secret: Type.String({ minLength: 32 }), consumer: Type.Optional(Name), algorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sha512')], { default: 'sha256' }) },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
        clockSkewSec: Type.Integer({ minimum: 1, maximum: 3600, default: 300, description: 'Largest difference between the signed date and now; also the nonce replay window.' }),
        requiredHeaders: Type.Array(Type.String({ minLength: 1 }), { default: ['host'], description: 'Headers that every signature must cover.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    basic: Type.Object(
      {
        users: Type.Array(
          Type.Object({ username: Type.String({ minLength: 1, pattern: '^[^:]+$' }), hash: Type.String({ pattern: '^scrypt\\$' }), consumer: Type.Optional(Name) }, { additionalProperties: false }),
          { default: [] },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    bruteForce: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        maxFailures: Type.Integer({ minimum: 1, default: 10, description: 'Failures per client IP or credential id within windowMs before a lock-out.' }),
        windowMs: Type.Integer({ minimum: 1000, default: 60_000 }),
        lockMs: Type.Integer({ minimum: 100, default: 1000, description: 'First lock-out; doubles with each further failure.' }),
        maxLockMs: Type.Integer({ minimum: 100, default: 900_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    stateStore: Type.Object(
      {
        kind: Type.Union([Type.Literal('memory'), Type.Literal('redis')], { default: 'memory', description: 'Where failure counters and HMAC nonces live (redis: shared by instances).' }),
        url: Type.Optional(Type.String({ pattern: '^rediss?://' })),
        prefix: Type.String({ default: 'rampart:auth:' }),
      },
      { additionalProperties: false, default: {} },
    ),
    identityHeaders: Type.Object(
      {
        subject: Type.Optional(HeaderName),
        consumer: Type.Optional(HeaderName),
        scopes: Type.Optional(HeaderName),
        roles: Type.Optional(HeaderName),
        groups: Type.Optional(HeaderName),
        method: Type.Optional(HeaderName),
      },
      { additionalProperties: false, default: { subject: 'x-rampart-subject', consumer: 'x-rampart-consumer', scopes: 'x-rampart-scopes' }, description: 'Headers that carry the identity to the upstream. Client-sent copies are always removed.' },
    ),
  },
  { additionalProperties: false, description: 'Consumers, groups and credentials shared by authentication and authorization.' },
);
export type AuthConfig = Static<typeof authSchema>;

/** The entries spread into the route schema and the root schema (src/gateway/stages/schemas.ts). */
export const authenticationRouteEntry = Type.Optional(routeAuthenticationSchema);
export const authGlobalEntry = Type.Optional(authSchema);
