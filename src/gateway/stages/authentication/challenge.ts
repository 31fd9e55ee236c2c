import type { AuthMethod } from './schema.js';

/** Quoted-string safe (RFC 9110 §5.6.4): no quotes or backslashes from our own texts leak into the header. */
const quote = (s: string): string => `"${s.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?')}"`;

export interface ChallengeSettings {
  readonly realm: string;
  readonly apiKeyHeader: string;
  readonly hmacHeaders: readonly string[];
}

function challengeFor(method: AuthMethod, s: ChallengeSettings): string {
  switch (method) {
    case 'jwt':
    case 'introspection':
      return `Bearer realm=${quote(s.realm)}`;
    case 'api-key':
      return `ApiKey realm=${quote(s.realm)}, header=${quote(s.apiKeyHeader)}`;
    case 'basic':
      return `Basic realm=${quote(s.realm)}, charset="UTF-8"`;
    case 'hmac':
      return `RAMPART-HMAC-SHA256 realm=${quote(s.realm)}, headers=${quote(s.hmacHeaders.join(';'))}`;
  }
}

/** WWW-Authenticate for a request without credentials: one challenge per accepted method (RFC 9110 §11.6.1). */
export function challenges(methods: readonly AuthMethod[], s: ChallengeSettings): string {
  const seen = new Set<string>();
  for (const m of methods) seen.add(challengeFor(m, s));
  return [...seen].join(', ');
}

/**
 * The failing method's challenge with its error. Bearer uses the RFC 6750 §3.1 codes (`invalid_request` for
 * a malformed request, `invalid_token` for a bad token); the others reuse the same attribute names.
 */
export function errorChallenge(method: AuthMethod, s: ChallengeSettings, error: 'invalid_token' | 'invalid_request', description: string): string {
  return `${challengeFor(method, s)}, error=${quote(error)}, error_description=${quote(description)}`;
}

/** RFC 6750 §3.1 insufficient_scope, for 403 answers to bearer tokens. */
export function insufficientScope(realm: string, scopes: readonly string[]): string {
  return `Bearer realm=${quote(realm)}, error="insufficient_scope", scope=${quote(scopes.join(' '))}`;
}
