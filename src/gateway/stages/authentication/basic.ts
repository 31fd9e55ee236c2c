import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Principal } from '../../pipeline/types.js';
import { ExpiringCache, fail, type Attempt } from './attempt.js';
import type { MaybePromise } from './maybe.js';

/** `scrypt$N$r$p$salt$hash` (salt and hash in base64). */
interface ScryptHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export function parseScryptHash(s: string): ScryptHash | undefined {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=_-]+)\$([A-Za-z0-9+/=_-]+)$/.exec(s);
  if (m === null) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const hash = Buffer.from(m[5] ?? '', 'base64');
  if (N < 1024 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16 || salt.length < 16 || hash.length < 32) return undefined;
  return { N, r, p, salt, hash };
}

const scryptAsync = (password: string, salt: Buffer, len: number, o: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scrypt(password, salt, len, o, (err, key) => (err === null ? resolve(key) : reject(err))));

const optionsOf = (h: ScryptHash): ScryptOptions => ({ N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 });

/** Hash a password for `auth.basic.users[].hash`. */
export async function hashPassword(password: string, N = 16384, r = 8, p = 1): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, optionsOf({ N, r, p, salt, hash: Buffer.alloc(0) }));
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export interface BasicUser {
  readonly username: string;
  readonly hash: string;
  readonly consumer?: string;
}

/**
 * HTTP Basic with scrypt hashes. A correct password is remembered for a minute (by the SHA-256 of the
 * credentials) so a client sending Basic on every request does not pay scrypt every time.
 */
export class BasicVerifier {
  readonly #users = new Map<string, { user: BasicUser; hash: ScryptHash }>();
  readonly #cache = new ExpiringCache<Principal>(10_000);
  readonly #dummy: ScryptHash;

  constructor(
    users: readonly BasicUser[],
    private readonly now: () => number,
  ) {
    for (const [i, u] of users.entries()) {
      const hash = parseScryptHash(u.hash);
      if (hash === undefined) throw new Error(`auth.basic.users[${i}].hash: not a valid scrypt$N$r$p$salt$hash (N a power of two >= 1024, salt >= 16 bytes, hash >= 32 bytes)`);
      this.#users.set(u.username, { user: u, hash });
    }
    const first = this.#users.values().next();
    this.#dummy = first.done === true ? { N: 16384, r: 8, p: 1, salt: Buffer.alloc(16), hash: Buffer.alloc(32) } : { ...first.value.hash, salt: Buffer.alloc(16) };
  }

  /** The user name of a Basic credential (for brute-force counting), if it decodes. */
  static decode(token: string): { user: string; password: string } | undefined {
    const text = Buffer.from(token, 'base64').toString('utf8');
    const i = text.indexOf(':');
    return i <= 0 ? undefined : { user: text.slice(0, i), password: text.slice(i + 1) };
  }

  verify(token: string): MaybePromise<Attempt> {
    const creds = BasicVerifier.decode(token);
    if (creds === undefined) return fail('malformed Basic credentials', 'no user:password');
    const now = this.now();
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const hit = this.#cache.get(cacheKey, now);
    if (hit !== undefined) return { kind: 'ok', principal: hit };
    const entry = this.#users.get(creds.user);
    // Unknown users cost one scrypt too, so timing does not reveal which names exist.
    const h = entry?.hash ?? this.#dummy;
    return scryptAsync(creds.password, h.salt, h.hash.length, optionsOf(h)).then((derived): Attempt => {
      if (entry === undefined || !timingSafeEqual(derived, h.hash)) return fail('invalid user name or password', entry === undefined ? 'unknown user' : `user ${creds.user}: wrong password`);
      const subject = entry.user.consumer ?? entry.user.username;
      const principal: Principal = { subject, consumer: subject, groups: [], scopes: [], roles: [], method: 'basic', credentialId: entry.user.username };
      this.#cache.set(cacheKey, principal, now + 60_000);
      return { kind: 'ok', principal };
    });
  }
}
