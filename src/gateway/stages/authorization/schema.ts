import { Type, type Static } from '@sinclair/typebox';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;
export type HttpMethod = (typeof METHODS)[number];
const Strings = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description }));

const claimCondition = Type.Object(
  {
    claim: Type.String({ minLength: 1, description: 'Claim name (dotted path into the claims).' }),
    equals: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
    oneOf: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number()]), { minItems: 1 })),
    contains: Type.Optional(Type.String({ description: 'The claim (an array or space-separated string) contains this value.' })),
  },
  { additionalProperties: false },
);

/** One rule set; a route has one, and may add more per method (both must pass). */
const ruleProps = {
  allowGroups: Strings('The principal must be in one of these groups.'),
  denyGroups: Strings('Principals in any of these groups are refused (deny wins).'),
  roles: Strings('The principal must have one of these roles.'),
  scopes: Strings('The principal must have all of these scopes.'),
  claims: Type.Optional(Type.Array(claimCondition, { minItems: 1, description: 'All must hold.' })),
  adminOnly: Type.Optional(Type.Boolean({ description: 'Only principals with an auth.adminRoles role (function-level authorization).' })),
  deny: Type.Optional(Type.Boolean({ description: 'Refuse everyone.' })),
};
const ruleSchema = Type.Object(ruleProps, { additionalProperties: false });
export type RuleConfig = Static<typeof ruleSchema>;

const ownerSchema = Type.Object(
  {
    param: Type.Optional(Type.String({ minLength: 1, description: 'Path parameter of the route template, e.g. id for /users/{id}.' })),
    query: Type.Optional(Type.String({ minLength: 1, description: 'Query parameter: required, and every occurrence must match.' })),
    body: Type.Optional(Type.String({ pattern: '^/', description: 'JSON pointer into a JSON request body: when the field is present it must match (in every element of a top-level array); a non-JSON or duplicate-keyed body is refused.' })),
    principal: Type.Union([Type.Literal('subject'), Type.Literal('consumer')], { default: 'subject', description: 'What the value must equal.' }),
    methods: Type.Optional(Type.Array(Type.Union(METHODS.map((m) => Type.Literal(m))), { minItems: 1, description: 'Methods the rule applies to (default all).' })),
  },
  { additionalProperties: false, description: 'Object ownership (BOLA guard): the value must equal the principal, unless it has an admin role.' },
);
export type OwnerConfig = Static<typeof ownerSchema>;

export const routeAuthorizationSchema = Type.Object(
  {
    ...ruleProps,
    methods: Type.Optional(
      Type.Object(
        {
          GET: Type.Optional(ruleSchema),
          HEAD: Type.Optional(ruleSchema),
          POST: Type.Optional(ruleSchema),
          PUT: Type.Optional(ruleSchema),
          PATCH: Type.Optional(ruleSchema),
          DELETE: Type.Optional(ruleSchema),
          OPTIONS: Type.Optional(ruleSchema),
          TRACE: Type.Optional(ruleSchema),
        },
        { additionalProperties: false, description: 'Extra rules per method (both the route rules and these must pass).' },
      ),
    ),
    owner: Type.Optional(ownerSchema),
    methodOverride: Type.Union([Type.Literal('strip'), Type.Literal('authorize')], {
      default: 'strip',
      description: 'X-HTTP-Method-Override and friends: removed before proxying (strip), or authorized as the overridden method too (authorize).',
    }),
  },
  { additionalProperties: false, description: 'What an authenticated principal may do on this route.' },
);
export type RouteAuthorizationConfig = Static<typeof routeAuthorizationSchema>;

/** The entry spread into the route schema (src/gateway/stages/schemas.ts). */
export const authorizationRouteEntry = Type.Optional(routeAuthorizationSchema);
