import type { IncomingMessage } from 'node:http';
import { hashPassword, verifyPassword } from './password.js';
import type { DemoStore, Row } from './store.js';
import { DEMO_TOKEN_TTL_SECONDS, signDemoToken } from './token.js';
import type { DemoCaller } from './token.js';

/** What a handler answers: status, JSON body (or raw text), extra headers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly text?: { readonly contentType: string; readonly data: string };
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteInput {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly caller: DemoCaller | undefined;
  /** The parsed JSON body; throws (naively, into a verbose 500) when it is not JSON. */
  readonly body: () => Promise<unknown>;
  readonly req: IncomingMessage;
}

export interface RouteDeps {
  readonly store: DemoStore;
  readonly jwtKey: Uint8Array;
  readonly openApiYaml: string;
  readonly openApiJson: string;
}

type Handler = (input: RouteInput) => Reply | Promise<Reply>;

/** One row per path shape; `*` is a path parameter. Kept in step with openapi.yaml by a test. */
export interface RouteTable {
  readonly pattern: string;
  readonly methods: Readonly<Record<string, Handler>>;
}

const notFound = (what: string): Reply => ({ status: 404, body: { error: `${what} not found` } });

/** A JSON object body's fields; anything else (array, null, number) is a TypeError, answered as a 500. */
function fields(body: unknown): Row {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError(`body must be a JSON object, got ${JSON.stringify(body)}`);
  return Object.fromEntries(Object.entries(body));
}

export function createRoutes({ store, jwtKey, openApiYaml, openApiJson }: RouteDeps): readonly RouteTable[] {
  /** `password` becomes `password_hash`; every other field goes through as sent (mass assignment, API3:2023). */
  const userFields = async (body: unknown): Promise<Row> => {
    const { password, ...rest } = fields(body);
    if (password === undefined) return rest;
    if (typeof password !== 'string') throw new TypeError(`password must be a string, got ${typeof password}`);
    return { ...rest, password_hash: await hashPassword(password) };
  };
  const id = (input: RouteInput, i = 0) => input.params[i] ?? '';

  return [
    { pattern: '/health', methods: { GET: () => ({ status: 200, body: { status: 'ok' } }) } },
    { pattern: '/openapi.yaml', methods: { GET: () => ({ status: 200, text: { contentType: 'application/yaml; charset=utf-8', data: openApiYaml } }) } },
    { pattern: '/openapi.json', methods: { GET: () => ({ status: 200, text: { contentType: 'application/json; charset=utf-8', data: openApiJson } }) } },
    {
      pattern: '/login',
      methods: {
        // No rate limit and no lockout (API4:2023): the gateway is expected to supply one.
        POST: async (input) => {
          const { username, password } = fields(await input.body());
          const user = store.findUserByUsername(username);
          if (user === undefined || !(await verifyPassword(password, user.password_hash))) {
            return { status: 401, body: { error: 'invalid username or password' } };
          }
          const token = await signDemoToken(jwtKey, { id: Number(user.id), role: String(user.role) });
          return { status: 200, body: { token, token_type: 'Bearer', expires_in: DEMO_TOKEN_TTL_SECONDS } };
        },
      },
    },
    {
      pattern: '/users',
      methods: {
        GET: (input) => {
          const limit = input.query.get('limit');
          const offset = input.query.get('offset');
          const page = store.listUsers(limit, offset);
          return { status: 200, body: { items: page.items, total: page.total, limit: limit ?? 20, offset: offset ?? 0 } };
        },
        POST: async (input) => ({ status: 201, body: store.createUser(await userFields(await input.body())) }),
      },
    },
    {
      // No ownership check anywhere below (BOLA, API1:2023), and DELETE needs no admin (BFLA, API5:2023).
      pattern: '/users/*',
      methods: {
        GET: (input) => {
          const user = store.getUser(id(input));
          return user === undefined ? notFound('user') : { status: 200, body: user };
        },
        PUT: async (input) => {
          const user = store.updateUser(id(input), await userFields(await input.body()));
          return user === undefined ? notFound('user') : { status: 200, body: user };
        },
        DELETE: (input) => (store.deleteUser(id(input)) ? { status: 204 } : notFound('user')),
      },
    },
    {
      pattern: '/users/*/orders',
      methods: {
        GET: (input) => (store.getUser(id(input)) === undefined ? notFound('user') : { status: 200, body: { items: store.listOrders(id(input)) } }),
        POST: async (input) => {
          const body = fields(await input.body());
          if (store.getUser(id(input)) === undefined) return notFound('user');
          return { status: 201, body: store.createOrder(id(input), body) };
        },
      },
    },
    {
      pattern: '/users/*/orders/*',
      methods: {
        GET: (input) => {
          const order = store.getOrder(id(input), id(input, 1));
          return order === undefined ? notFound('order') : { status: 200, body: order };
        },
      },
    },
  ];
}
