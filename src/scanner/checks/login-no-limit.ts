import { defineCheck } from '../check.js';
import type { FindingDraft } from '../types.js';
import { loginRequest, loginTarget } from './login.js';
import { is2xx, uniqueMarker } from './util.js';

const ATTEMPTS = 12;

/**
 * API2: no lock-out or rate limit on login. Confirmed by sending a bounded run of wrong passwords, seeing none of
 * them refused for being too many (429/423, Retry-After, RateLimit headers), then the right password still working.
 */
export const loginNoLimit = defineCheck({
  id: 'login-no-limit',
  title: 'No lock-out or rate limit on login',
  owasp: 'API2:2023',
  cwe: 307,
  severity: 'medium',
  description: `Sends ${ATTEMPTS} wrong passwords for one account, then the right one.`,
  remediation: 'Limit failed logins per account and per client (back-off or temporary lock-out), and answer 429 with Retry-After.',
  scope: 'target',
  appliesTo: () => true,
  needs: { login: true },
  async run(ctx) {
    const t = loginTarget(ctx);
    if (t === undefined) return [];
    let last;
    for (let i = 0; i < ATTEMPTS; i++) {
      last = await ctx.client.send(loginRequest(t, { [t.passwordField]: uniqueMarker('wrong-') }));
      const h = last.response.headers;
      if ([429, 423, 503].includes(last.response.status) || h['retry-after'] !== undefined || h['ratelimit'] !== undefined || h['ratelimit-remaining'] !== undefined || h['x-ratelimit-remaining'] !== undefined) return [];
      if (is2xx(last.response.status)) return []; // a wrong password accepted is another problem; not this check's claim
    }
    const right = await ctx.client.send(loginRequest(t, {}));
    if (!is2xx(right.response.status) || last === undefined) return [];
    const out: FindingDraft = {
      title: 'Login allows unlimited password guesses',
      operation: `${t.login.method} ${t.login.path}`,
      detail: `${ATTEMPTS} wrong passwords for ${t.identity}'s account were answered HTTP ${last.response.status} without any limit signal, and the right password was still accepted afterwards (HTTP ${right.response.status}).`,
      evidence: [last, right],
      suggestion: { key: 'rateLimit', value: { policies: [{ name: 'login', limit: 5, per: '1m', key: ['ip'] }] } },
    };
    return [out];
  },
});
