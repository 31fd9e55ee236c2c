import type { Identities } from '../auth/identities.js';
import type { ScanClient } from '../http/client.js';
import type { ApiModel, Operation } from '../model/operations.js';
import type { Exchange } from '../types.js';
import type { Canary } from './canary.js';
import { createObject, creatorOf, isUserKind, kindOf, type KnownObject, type ResourcePool } from './resources.js';

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

export function createContext(parts: Omit<CheckContext, 'notFound' | 'ownedObject' | 'userA' | 'userB' | 'admin'>): CheckContext {
  let nf: Promise<Exchange> | undefined;
  const users = parts.identities?.users() ?? [];
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
      const creator = creatorOf(parts.api, op);
      if (!parts.destructive || creator === undefined) return undefined;
      return createObject(parts.client, parts.api, creator, identity, kind, parts.resources, param);
    },
  };
  return ctx;
}
