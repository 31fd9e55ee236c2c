import { defineCheck } from '../check.js';
import type { Exchange, FindingDraft } from '../types.js';
import { caller, is2xx, isAuthOperation, isObject, parseJson, validRequest } from './util.js';

/** Never legitimately in an answer, whoever asks: passwords, their hashes and salts, MFA seeds, card data. */
const SECRET_KEY = /^(password|passwd|pwd|password_?hash|passwordhash|hashed_?password|pass_?hash|salt|otp_?secret|mfa_?secret|totp_?secret|ssn|card_?number|cvv)$/i;
/** Sometimes legitimate (a user's own API key, an object's own "secret" field): a signal, reported as info. */
const MAYBE_SECRET_KEY = /^(secret|client_?secret|api_?key|apikey|private_?key|secret_?key|access_?token|refresh_?token|session_?token)$/i;

const SECRET_VALUE: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/, 'a bcrypt password hash'],
  [/^\$argon2(id|i|d)\$/, 'an Argon2 password hash'],
  [/^(\$scrypt\$|\$pbkdf2|pbkdf2_sha256\$|\$6\$|\$5\$|\$1\$)/, 'a password hash'],
  [/-----BEGIN (RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, 'a private key'],
  [/^AKIA[0-9A-Z]{16}$/, 'an AWS access key id'],
  [/^(sk_live_|rk_live_)[0-9A-Za-z]{10,}$/, 'a payment provider secret key'],
  [/^gh[pousr]_[A-Za-z0-9]{36,}$/, 'a GitHub token'],
];

interface Hit {
  readonly path: string;
  readonly why: string;
  /** Established by the value itself or a never-legitimate name (not merely a suggestive name). */
  readonly sure: boolean;
}

/** Secret-looking properties anywhere in a JSON value (bounded walk). */
export function findSecrets(v: unknown, path = '', out: Hit[] = [], depth = 0): Hit[] {
  if (depth > 8 || out.length > 20) return out;
  if (Array.isArray(v)) {
    v.slice(0, 50).forEach((x, i) => findSecrets(x, `${path}/${i}`, out, depth + 1));
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      const p = `${path}/${k}`;
      if (typeof x === 'string' && x.length >= 4) {
        const byValue = SECRET_VALUE.find(([re]) => re.test(x));
        if (byValue !== undefined) out.push({ path: p, why: byValue[1], sure: true });
        else if (SECRET_KEY.test(k)) out.push({ path: p, why: `a "${k}" value`, sure: true });
        else if (MAYBE_SECRET_KEY.test(k)) out.push({ path: p, why: `a "${k}" value`, sure: false });
      } else findSecrets(x, p, out, depth + 1);
    }
  }
  return out;
}

/**
 * API3: excessive data exposure. Reads carry secrets: password hashes, keys, tokens. Established from the body itself
 * (the value is the evidence); login/token operations, which hand out tokens on purpose, are left out.
 */
export const dataExposure = defineCheck({
  id: 'data-exposure',
  title: 'Secrets in responses',
  owasp: 'API3:2023',
  cwe: 200,
  severity: 'high',
  description: 'Looks for password hashes, keys and tokens in the answers to every read.',
  remediation: 'Serialise responses from an explicit allow-list of fields; never return hashes, keys or other users\' tokens.',
  scope: 'operation',
  appliesTo: (op) => op.method === 'GET' && !isAuthOperation(op),
  async run(ctx, ops) {
    const out: FindingDraft[] = [];
    for (const op of ops) {
      const ex: Exchange = await ctx.client.send(await validRequest(ctx, op, caller(ctx)));
      if (!is2xx(ex.response.status)) continue;
      const body = parseJson(ex.response.body);
      // An API description's examples are documentation, not data.
      if (isObject(body) && (typeof body.openapi === 'string' || typeof body.swagger === 'string')) continue;
      const hits = findSecrets(body);
      if (hits.length === 0) continue;
      const sure = hits.some((h) => h.sure);
      hits.sort((x, y) => Number(y.sure) - Number(x.sure));
      const fields = [...new Set(hits.map((h) => h.path.replace(/\/\d+(?=\/|$)/g, '/*')))];
      out.push({
        title: `${op.id} exposes ${hits[0]!.why}${hits.length > 1 ? ` and ${hits.length - 1} more` : ''}`,
        severity: sure ? undefined : 'info',
        operation: op.id,
        key: fields.join(','),
        detail: `The answer contains ${hits.map((h) => `${h.why} at ${h.path}`).slice(0, 5).join('; ')}.`,
        evidence: [ex],
        suggestion: { key: 'responseProtection', value: { sensitiveFields: [...new Set(fields.map((f) => f.split('/').pop()!))] } },
      });
    }
    return out;
  },
});
