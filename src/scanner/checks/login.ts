import type { LoginSpec } from '../auth/identities.js';
import type { CheckContext } from '../engine/context.js';
import type { ScanRequest } from '../http/client.js';

export interface LoginTarget {
  readonly identity: string;
  readonly login: LoginSpec;
  readonly userField: string;
  readonly passwordField: string;
}

/** The login operation of the first user identity (else any) that logs in, and which fields hold what. */
export function loginTarget(ctx: CheckContext): LoginTarget | undefined {
  const ids = ctx.identities;
  if (ids === undefined) return undefined;
  const names = [...ids.users(), ...ids.admins()];
  for (const identity of names) {
    const login = ids.spec(identity).login;
    if (login === undefined) continue;
    const keys = Object.keys(login.body);
    const passwordField = keys.find((k) => /pass|pwd|secret/i.test(k));
    const userField = keys.find((k) => k !== passwordField && /user|email|login|name|account|id/i.test(k));
    if (passwordField !== undefined && userField !== undefined) return { identity, login, userField, passwordField };
  }
  return undefined;
}

export function loginRequest(t: LoginTarget, fields: Readonly<Record<string, unknown>>): ScanRequest {
  return { method: t.login.method, path: t.login.path, body: { ...t.login.body, ...fields } };
}
