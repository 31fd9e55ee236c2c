import type { Principal } from '../../pipeline/types.js';
import type { AuthConfig } from './schema.js';

const union = (a: readonly string[], b: readonly string[] | undefined): readonly string[] => {
  if (b === undefined || b.length === 0) return a;
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])];
};

/**
 * Consumers and groups from `auth`, indexed once per build: a principal gets the groups and roles of its
 * consumer and of every group that lists it (by consumer or subject). Scopes configured on a consumer are
 * granted to the credentials the gateway itself issued (API keys, HMAC keys, Basic users), never added to a
 * token, which carries its own.
 */
export class Directory {
  readonly #groups = new Map<string, string[]>();
  readonly #consumers: AuthConfig['consumers'];

  constructor(auth: AuthConfig) {
    this.#consumers = auth.consumers;
    for (const [name, c] of Object.entries(auth.consumers)) this.#add(name, c.groups);
    for (const [group, g] of Object.entries(auth.groups)) for (const m of g.members) this.#add(m, [group]);
  }

  #add(member: string, groups: readonly string[]): void {
    const list = this.#groups.get(member) ?? [];
    for (const g of groups) if (!list.includes(g)) list.push(g);
    this.#groups.set(member, list);
  }

  enrich(p: Principal): Principal {
    const consumer = p.consumer === undefined ? undefined : Object.hasOwn(this.#consumers, p.consumer) ? this.#consumers[p.consumer] : undefined;
    let groups = union(p.groups, this.#groups.get(p.subject));
    if (p.consumer !== undefined && p.consumer !== p.subject) groups = union(groups, this.#groups.get(p.consumer));
    const issued = p.method === 'api-key' || p.method === 'hmac' || p.method === 'basic';
    return Object.freeze({
      ...p,
      groups,
      roles: union(p.roles, consumer?.roles),
      scopes: issued ? union(p.scopes, consumer?.scopes) : p.scopes,
    });
  }
}
