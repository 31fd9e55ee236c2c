import type { Principal } from '../../pipeline/types.js';
import { claimAt, stringList } from '../authentication/attempt.js';
import type { RuleConfig } from './schema.js';

/** Why a rule refused: what the client may be told, and the whole reason for the log. */
export interface Refusal {
  readonly detail: string;
  readonly reason: string;
  /** Missing scopes (for RFC 6750 insufficient_scope). */
  readonly scopes?: readonly string[];
}

export type RuleCheck = (p: Principal) => Refusal | undefined;

const hasAny = (have: readonly string[], want: readonly string[]): boolean => want.some((w) => have.includes(w));

/**
 * Compile one rule set into a check. Order: explicit deny, admin-only, deny groups (deny wins), allow groups,
 * roles, scopes, claim conditions. A 403 names a missing scope or group, never the rest of the policy.
 */
export function compileRule(rule: RuleConfig, adminRoles: readonly string[], label: string): RuleCheck {
  const checks: RuleCheck[] = [];
  if (rule.deny === true) checks.push(() => ({ detail: 'access denied', reason: `${label}: deny` }));
  if (rule.adminOnly === true) checks.push((p) => (hasAny(p.roles, adminRoles) ? undefined : { detail: 'this operation requires an administrator', reason: `${label}: admin only` }));
  const deny = rule.denyGroups;
  if (deny !== undefined) checks.push((p) => (hasAny(p.groups, deny) ? { detail: 'access denied', reason: `${label}: in denied group ${deny.filter((g) => p.groups.includes(g)).join(',')}` } : undefined));
  const allow = rule.allowGroups;
  if (allow !== undefined) checks.push((p) => (hasAny(p.groups, allow) ? undefined : { detail: `requires membership of group ${allow.join(' or ')}`, reason: `${label}: not in ${allow.join(',')}` }));
  const roles = rule.roles;
  if (roles !== undefined) checks.push((p) => (hasAny(p.roles, roles) ? undefined : { detail: `requires role ${roles.join(' or ')}`, reason: `${label}: lacks role ${roles.join(',')}` }));
  const scopes = rule.scopes;
  if (scopes !== undefined) {
    checks.push((p) => {
      const missing = scopes.filter((s) => !p.scopes.includes(s));
      return missing.length === 0 ? undefined : { detail: `missing scope ${missing.join(' ')}`, reason: `${label}: missing scope ${missing.join(',')}`, scopes: missing };
    });
  }
  for (const c of rule.claims ?? []) {
    checks.push((p) => {
      const v = p.claims === undefined ? undefined : claimAt(p.claims, c.claim);
      const ok =
        (c.equals === undefined || v === c.equals) && (c.oneOf === undefined || c.oneOf.some((x) => x === v)) && (c.contains === undefined || stringList(v).includes(c.contains)) && v !== undefined;
      return ok ? undefined : { detail: 'access denied', reason: `${label}: claim ${c.claim} condition failed` };
    });
  }
  return (p) => {
    for (const check of checks) {
      const r = check(p);
      if (r !== undefined) return r;
    }
    return undefined;
  };
}
