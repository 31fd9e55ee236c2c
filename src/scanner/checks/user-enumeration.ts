import { defineCheck } from '../check.js';
import type { Exchange, FindingDraft } from '../types.js';
import { loginRequest, loginTarget } from './login.js';
import { normalise, uniqueMarker } from './util.js';

/** Status and body, with the user names blanked (an echoed name is not an oracle). */
function sig(ex: Exchange, names: readonly string[]): string {
  let body = ex.response.body;
  for (const n of names) if (n !== '') body = body.split(n).join('U');
  return `${ex.response.status} ${normalise(body)}`;
}

/**
 * API2: the login answer tells a wrong password for a real account from an unknown account. Confirmed by two
 * rounds: each variant answers the same way twice, and the two variants differ both times.
 */
export const userEnumeration = defineCheck({
  id: 'user-enumeration',
  title: 'User enumeration through login answers',
  owasp: 'API2:2023',
  cwe: 204,
  severity: 'medium',
  description: 'Compares the login answer for a known account with a wrong password against an unknown account.',
  remediation: 'Answer every failed login with the same status and message ("invalid credentials").',
  scope: 'target',
  appliesTo: () => true,
  needs: { login: true },
  async run(ctx) {
    const t = loginTarget(ctx);
    if (t === undefined) return [];
    const u = t.login.body[t.userField];
    const fake = typeof u === 'string' && u.includes('@') ? `${uniqueMarker('nouser')}@example.com` : uniqueMarker('nouser');
    const names = [String(u), fake];
    const wrong = uniqueMarker('wrong-');
    const known = () => ctx.client.send(loginRequest(t, { [t.passwordField]: wrong }));
    const unknown = () => ctx.client.send(loginRequest(t, { [t.userField]: fake, [t.passwordField]: wrong }));
    const k1 = await known();
    const u1 = await unknown();
    if (sig(k1, names) === sig(u1, names)) return [];
    const k2 = await known();
    const u2 = await unknown();
    // Unstable answers are not a reliable oracle.
    if (sig(k1, names) !== sig(k2, names) || sig(u1, names) !== sig(u2, names)) return [];
    const out: FindingDraft = {
      title: 'Login answers reveal which accounts exist',
      operation: `${t.login.method} ${t.login.path}`,
      detail: `A wrong password for an existing account got HTTP ${k1.response.status}; an unknown account got HTTP ${u1.response.status} with a different body, consistently over two rounds.`,
      evidence: [k1, u1],
    };
    return [out];
  },
});
