import type { Identities } from '../auth/identities.js';
import type { ScanClient } from '../http/client.js';
import type { ApiModel, Operation } from '../model/operations.js';
import type { Exchange } from '../types.js';
import type { Canary } from './canary.js';
import { requestFor } from './requests.js';
import { createObject, creatorOf, idsFromList, isUserKind, kindOf, type KnownObject, type ResourcePool } from './resources.js';

/** Everything a check may use; all I/O goes through `client`. */
export interface CheckContext {
  readonly client: ScanClient;
  readonly api: ApiModel;
  readonly identities: Identities | undefined;
  readonly destructive: boolean;
  readonly resources: ResourcePool;
  readonly canary: Canary | undefined;
  /** The answer to a path that cannot exist (cached): the soft-404 baseline. */
  notFound(): Promise<Exchange>;
  /** An object of the kind `op`'s last path parameter names that `identity` owns (seeded, or created if allowed). */
  ownedObject(op: Operation, identity: string): Promise<KnownObject | undefined>;
  /** User A, user B, an admin: undefined when the auth file does not give them. */
  readonly userA: string | undefined;
  readonly userB: string | undefined;
  readonly admin: string | undefined;
}

export function lastPathParam(op: Operation): string | undefined {
  const m = /\{([^}]+)\}[^{]*$/.exec(op.path);
  return m?.[1];
}

/**
 * Without writing: an id that the collection lists for `identity` and not for another user is `identity`'s
 * (per-user lists such as /users/{me}/orders or /orders). Lists everyone shares prove nothing and give nothing.
 */
async function ownedByListing(parts: Omit<CheckContext, 'notFound' | 'ownedObject' | 'userA' | 'userB' | 'admin'>, op: Operation, identity: string, kind: string, users: readonly string[]): Promise<KnownObject | undefined> {
  const other = users.find((u) => u !== identity);
  const collection = /^(.*)\/\{[^}]+\}$/.exec(op.path)?.[1];
  const list = parts.api.operations.find((o) => o.method === 'GET' && o.path === collection);
  if (other === undefined || list === undefined) return undefined;
  const valuesFor = (who: string) => {
    const out: Record<string, string> = {};
    for (const p of list.parameters) {
      if (p.in !== 'path') continue;
      const o = parts.resources.owned(kindOf(list.path, p.name), who);
      if (o !== undefined) out[p.name] = o.id;
    }
    return out;
  };
  const mine = idsFromList((await parts.client.send(requestFor(parts.api, list, { identity, pathValues: valuesFor(identity) }))).response.body);
  if (mine.length === 0) return undefined;
  const theirs = new Set(idsFromList((await parts.client.send(requestFor(parts.api, list, { identity: other, pathValues: valuesFor(other) }))).response.body));
  const only = mine.find((id) => !theirs.has(id));
  if (only === undefined) return undefined;
  const o: KnownObject = { kind, id: only, owner: identity };
  parts.resources.add(o);
  return o;
}

export function createContext(parts: Omit<CheckContext, 'notFound' | 'ownedObject' | 'userA' | 'userB' | 'admin'>): CheckContext {
  let nf: Promise<Exchange> | undefined;
  const users = parts.identities?.users() ?? [];
  const tried = new Set<string>();
  // Whatever a check does, a DELETE never reaches an object the scan did not create (a scan identity, say).
  parts.client.setGuard((req) => {
    if (req.method !== 'DELETE') return undefined;
    const last = req.path.split('?')[0]!.split('/').filter(Boolean).pop();
    const hit = parts.resources.all().find((o) => o.created === undefined && encodeURIComponent(o.id) === last);
    return hit !== undefined ? `DELETE of ${hit.kind} ${hit.id}, which the scan did not create` : undefined;
  });
  const ctx: CheckContext = {
    ...parts,
    userA: users[0],
    userB: users[1],
    admin: parts.identities?.admins()[0],
    notFound() {
      nf ??= parts.client.send({ method: 'GET', path: `${parts.api.basePath}/rampart-nonexistent-${Date.now().toString(36)}` });
      return nf;
    },
    async ownedObject(op, identity) {
      const param = lastPathParam(op);
      if (param === undefined) return undefined;
      const kind = kindOf(op.path, param);
      const known = parts.resources.owned(kind, identity);
      if (known !== undefined) return known;
      const ids = parts.identities;
      if (ids !== undefined) {
        for (const id of ids.spec(identity).owns[kind] ?? []) parts.resources.add({ kind, id, owner: identity });
        if (isUserKind(kind)) {
          // A user-name parameter takes the login name; an id parameter the token's subject.
          const login = ids.spec(identity).login?.body ?? {};
          const nameField = Object.keys(login).find((k) => /user|login|email|name/i.test(k) && !/pass/i.test(k));
          const byName = /name|login|email|handle/i.test(param) && nameField !== undefined ? login[nameField] : undefined;
          const value = typeof byName === 'string' ? byName : await ids.subject(identity);
          if (value !== undefined) parts.resources.add({ kind, id: value, owner: identity });
        }
        const seeded = parts.resources.owned(kind, identity);
        if (seeded !== undefined) return seeded;
      }
      // Each way of finding an object is tried once per path and identity: checks ask again and again.
      const attempt = `${op.path}\n${identity}`;
      if (tried.has(attempt)) return undefined;
      tried.add(attempt);
      const listed = await ownedByListing(parts, op, identity, kind, users);
      if (listed !== undefined) return listed;
      const creator = creatorOf(parts.api, op);
      if (!parts.destructive || creator === undefined) return undefined;
      return createObject(parts.client, parts.api, creator, identity, kind, parts.resources, param);
    },
  };
  return ctx;
}
