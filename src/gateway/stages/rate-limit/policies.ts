import type { Algorithm, LimitCheck } from '../../../core/stores/counter/index.js';
import type { Config, RouteConfig } from '../../../core/config/schema.js';
import type { RequestContext } from '../../pipeline/types.js';
import { parseDuration } from './duration.js';
import type { PolicyInfo } from './headers.js';
import { compileKey, type KeyFn } from './keys.js';
import type { PolicyConfig } from './schema.js';

/** A policy compiled once per build: everything but the client's key and the adaptive factor is fixed. */
export interface CompiledPolicy {
  readonly info: PolicyInfo;
  /** The counter's namespace: the policy name (shared by routes that use the same name) or route.index. */
  readonly id: string;
  readonly key: KeyFn;
  readonly algorithm: Algorithm;
  readonly limit: number;
  readonly periodMs: number;
  readonly burst: number;
  readonly cost: number;
  readonly maxDelayMs: number;
  readonly adaptive: boolean;
  readonly calendar: 'month' | undefined;
}

const DAY_MS = 86_400_000;

export function compilePolicies(route: Readonly<RouteConfig>, policies: readonly PolicyConfig[]): CompiledPolicy[] {
  return policies.map((p, i) => {
    const at = `routes[id=${route.id}].rateLimit.policies[${i}]`;
    const maxDelayMs = p.maxDelay === undefined ? 0 : parseDuration(p.maxDelay);
    if (maxDelayMs > 0 && p.algorithm !== 'gcra' && p.algorithm !== 'token-bucket') {
      throw new Error(`${at}.maxDelay: throttling needs algorithm gcra or token-bucket (a window cannot schedule a request later)`);
    }
    const name = p.name ?? String(i);
    const id = p.name ?? `${route.id}.${i}`;
    const month = p.per === 'month';
    const periodMs = month ? 30 * DAY_MS : parseDuration(p.per);
    return {
      info: { name, limit: p.limit, periodMs },
      id,
      key: compileKey(p.key, route.id, p.ipv4Prefix, p.ipv6Prefix, `${id}:`),
      algorithm: p.algorithm,
      limit: p.limit,
      periodMs,
      burst: p.burst ?? p.limit,
      cost: p.cost,
      maxDelayMs,
      adaptive: p.adaptive,
      calendar: month && p.algorithm === 'fixed-window' ? 'month' : undefined,
    };
  });
}

/**
 * Named policies share one counter across routes, so a name must mean one policy: the same algorithm,
 * limit, period, burst and key wherever it is declared, and never twice on one route. Checked once per build.
 */
export function checkPolicyNames(config: Readonly<Config>): void {
  const seen = new Map<string, { at: string; signature: string }>();
  config.routes.forEach((route, i) => {
    const names = new Set<string>();
    (route.rateLimit?.policies ?? []).forEach((p, j) => {
      if (p.name === undefined) return;
      const at = `routes[${i}].rateLimit.policies[${j}]`;
      if (names.has(p.name)) throw new Error(`${at}.name: "${p.name}" is declared twice on route ${route.id}`);
      names.add(p.name);
      const signature = JSON.stringify([p.algorithm, p.limit, p.per, p.burst ?? p.limit, p.key, p.ipv4Prefix, p.ipv6Prefix]);
      const first = seen.get(p.name);
      if (first === undefined) seen.set(p.name, { at, signature });
      else if (first.signature !== signature) {
        throw new Error(`${at}: policy "${p.name}" differs from ${first.at}; a named policy is one shared counter, so its algorithm, limit, per, burst and key must match (or use another name)`);
      }
    });
  });
}

/** The store checks for one request. `factor` (0..1] shrinks adaptive policies for a risky client. */
export function checksFor(ctx: RequestContext, policies: readonly CompiledPolicy[], factor: number, allowDelay: boolean): LimitCheck[] {
  const out: LimitCheck[] = [];
  for (const p of policies) {
    const f = p.adaptive ? factor : 1;
    out.push({
      key: p.key(ctx),
      algorithm: p.algorithm,
      limit: f === 1 ? p.limit : Math.max(1, Math.floor(p.limit * f)),
      periodMs: p.periodMs,
      burst: f === 1 ? p.burst : Math.max(1, Math.floor(p.burst * f)),
      cost: p.cost,
      maxDelayMs: allowDelay ? p.maxDelayMs : 0,
      calendar: p.calendar,
    });
  }
  return out;
}
