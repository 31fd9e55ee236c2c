import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { Credentials, ScanClient } from '../http/client.js';
import type { Exchange } from '../types.js';
import { decodeJwt } from './jwt.js';

const loginSchema = Type.Object(
  {
    method: Type.String({ default: 'POST', pattern: '^[A-Z]+$' }),
    path: Type.String({ pattern: '^/', description: 'Login path on the target (under the API base path).' }),
    body: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON body: the credentials.' }),
    token: Type.String({ default: '/token', pattern: '^(/.*)?$', description: 'JSON pointer to the token in the response body.' }),
    header: Type.String({ default: 'authorization' }),
    prefix: Type.String({ default: 'Bearer ' }),
  },
  { additionalProperties: false },
);

const identitySchema = Type.Object(
  {
    role: Type.Union([Type.Literal('user'), Type.Literal('admin')], { default: 'user' }),
    headers: Type.Record(Type.String(), Type.String(), { default: {} }),
    login: Type.Optional(loginSchema),
    /** Object ids this identity owns, by resource kind (`users: ["1"]`): seeds the BOLA checks. */
    owns: Type.Record(Type.String(), Type.Array(Type.String()), { default: {} }),
  },
  { additionalProperties: false },
);

export const authFileSchema = Type.Object(
  { identities: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), identitySchema) },
  { additionalProperties: false },
);

export type AuthFile = Static<typeof authFileSchema>;
export type IdentitySpec = Static<typeof identitySchema>;
export type LoginSpec = Static<typeof loginSchema>;

export class AuthFileError extends Error {
  readonly code = 'ERR_RAMPART_SCAN_AUTH';
}

const validate = new Ajv({ useDefaults: true, allErrors: true, strict: false }).compile(authFileSchema);

/** Parse and validate an auth file's content (YAML or JSON); every issue is reported as `path: message`. */
export function parseAuthFile(text: string, source: string): AuthFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new AuthFileError(`${source}: ${(err as Error).message}`);
  }
  const copy = structuredClone(raw);
  if (!validate(copy)) {
    const issues = (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
    throw new AuthFileError(`${source}: ${issues.join('; ')}`);
  }
  return copy;
}

export async function loadAuthFile(path: string): Promise<AuthFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AuthFileError(`cannot read auth file ${path}: ${(err as Error).message}`);
  }
  return parseAuthFile(text, path);
}

interface Session {
  token?: string;
  expiresAt?: number;
  subject?: string;
  loginBody?: unknown;
  exchange?: Exchange;
  /** Session cookies, for APIs that answer a login with Set-Cookie instead of a token. */
  cookie?: string;
}

/**
 * The identities of a scan: user A, user B, an admin (from the auth file) and anonymous (no credentials).
 * Tokens are obtained by calling the login operation, and again when they expire or a 401 says so.
 */
export class Identities implements Credentials {
  readonly #sessions = new Map<string, Session>();
  readonly #pending = new Map<string, Promise<boolean>>();
  constructor(
    readonly file: AuthFile,
    readonly client: ScanClient,
  ) {}

  names(): string[] {
    return Object.keys(this.file.identities);
  }
  /** Non-admin identities, in file order: the first is "user A", the second "user B". */
  users(): string[] {
    return this.names().filter((n) => this.spec(n).role === 'user');
  }
  admins(): string[] {
    return this.names().filter((n) => this.spec(n).role === 'admin');
  }
  spec(name: string): IdentitySpec {
    const s = this.file.identities[name];
    if (s === undefined) throw new AuthFileError(`unknown identity ${name}`);
    return s;
  }

  /** The current token of an identity that logs in (logging in if needed). */
  async token(name: string): Promise<string | undefined> {
    await this.headersFor(name);
    return this.#sessions.get(name)?.token;
  }
  /** The subject (JWT `sub`, or the login answer's id) of an identity, when known. */
  async subject(name: string): Promise<string | undefined> {
    await this.headersFor(name);
    return this.#sessions.get(name)?.subject;
  }
  loginBody(name: string): unknown {
    return this.#sessions.get(name)?.loginBody;
  }
  /** The login request and answer that produced the current token (evidence for token findings). */
  loginExchange(name: string): Exchange | undefined {
    return this.#sessions.get(name)?.exchange;
  }

  async headersFor(name: string): Promise<Readonly<Record<string, string>>> {
    const spec = this.spec(name);
    const out: Record<string, string> = { ...spec.headers };
    if (spec.login !== undefined) {
      const s = this.#sessions.get(name);
      const fresh = s?.token !== undefined && (s.expiresAt === undefined || s.expiresAt - Date.now() > 5_000);
      if (!fresh) await this.refresh(name);
      const session = this.#sessions.get(name);
      if (session?.token !== undefined) out[spec.login.header] = spec.login.prefix + session.token;
      if (session?.cookie !== undefined) out.cookie = session.cookie;
    }
    return out;
  }

  refresh(name: string): Promise<boolean> {
    // One login at a time per identity, however many requests noticed the expiry.
    let p = this.#pending.get(name);
    if (p === undefined) {
      p = this.#login(name).finally(() => this.#pending.delete(name));
      this.#pending.set(name, p);
    }
    return p;
  }

  async #login(name: string): Promise<boolean> {
    const login = this.spec(name).login;
    if (login === undefined) return false;
    const ex = await this.client.send({ method: login.method, path: login.path, body: login.body });
    let parsed: unknown;
    try {
      parsed = JSON.parse(ex.response.body);
    } catch {
      parsed = undefined;
    }
    // The configured pointer first; else the one JWT-looking string in the answer, or the token header.
    const configured = pointer(parsed, login.token);
    const token = typeof configured === 'string' ? configured : (findJwt(parsed) ?? tokenField(parsed) ?? ex.response.headers['x-auth-token'] ?? bearerOf(ex.response.headers.authorization));
    const cookie = cookiesOf(ex.response.headers['set-cookie']);
    if (ex.response.status < 200 || ex.response.status >= 300 || (token === undefined && cookie === undefined)) {
      this.#sessions.set(name, { exchange: ex });
      return false;
    }
    if (token === undefined) {
      this.#sessions.set(name, { cookie, loginBody: parsed, exchange: ex, subject: idIn(parsed) });
      return true;
    }
    const claims = decodeJwt(token)?.payload;
    const exp = claims !== undefined && typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
    const sub = claims?.sub ?? claims?.user_id ?? claims?.userId ?? claims?.uid ?? claims?.id ?? idIn(parsed);
    this.#sessions.set(name, { token, cookie, expiresAt: exp, subject: sub === undefined ? undefined : String(sub), loginBody: parsed, exchange: ex });
    return true;
  }
}

/** RFC 6901 JSON pointer lookup. */
export function pointer(value: unknown, ptr: string): unknown {
  if (ptr === '') return value;
  let cur = value;
  for (const raw of ptr.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function idIn(body: unknown): string | undefined {
  const v = pointer(body, '/id') ?? pointer(body, '/user/id') ?? pointer(body, '/userId') ?? pointer(body, '/user_id') ?? pointer(body, '/data/id');
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;

/** The first JWT-shaped string in a JSON value (bounded walk). */
function findJwt(v: unknown, depth = 0): string | undefined {
  if (typeof v === 'string') return JWT_SHAPE.test(v) ? v : undefined;
  if (depth > 4 || typeof v !== 'object' || v === null) return undefined;
  for (const x of Object.values(v)) {
    const hit = findJwt(x, depth + 1);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

const TOKEN_KEYS = ['token', 'access_token', 'accessToken', 'auth_token', 'authToken', 'jwt', 'id_token', 'session_token', 'sessionToken', 'api_key', 'apiKey'];

/** An opaque token under a usual name, at the top level or one level down (`data`, `result`, `auth`). */
function tokenField(body: unknown): string | undefined {
  const levels = [body, pointer(body, '/data'), pointer(body, '/result'), pointer(body, '/auth')];
  for (const level of levels) {
    for (const k of TOKEN_KEYS) {
      const v = pointer(level, `/${k}`);
      if (typeof v === 'string' && v.length >= 8) return v;
    }
  }
  return undefined;
}

function bearerOf(h: string | undefined): string | undefined {
  const m = /^Bearer (.+)$/i.exec(h ?? '');
  return m?.[1];
}

/** `name=value` pairs of Set-Cookie headers (joined with ", " by the client), as one Cookie header. */
function cookiesOf(h: string | undefined): string | undefined {
  if (h === undefined) return undefined;
  const pairs = h.split(/,(?=\s*[^;=,\s]+=)/).map((c) => c.split(';')[0]!.trim()).filter((c) => c.includes('='));
  return pairs.length > 0 ? pairs.join('; ') : undefined;
}
