/**
 * The one catalogue of problem types (RFC 9457). Every rejection Rampart sends names one of these codes;
 * `docs/problems.md` documents each (a test fails when one is missing there).
 */
export const PROBLEM_TYPES = {
  'bad-request': { status: 400, title: 'Bad request' },
  'ambiguous-framing': { status: 400, title: 'Ambiguous message framing' },
  'duplicate-header': { status: 400, title: 'Duplicate singleton header' },
  'invalid-header': { status: 400, title: 'Invalid header' },
  'invalid-path': { status: 400, title: 'Invalid request path' },
  'invalid-request': { status: 400, title: 'Request failed validation' },
  'unauthorized': { status: 401, title: 'Authentication required' },
  'forbidden': { status: 403, title: 'Forbidden' },
  'attack-detected': { status: 403, title: 'Request blocked by attack detection' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'uri-too-long': { status: 414, title: 'URI too long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'expectation-failed': { status: 417, title: 'Expectation failed' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'internal-error': { status: 500, title: 'Internal error' },
  'not-implemented': { status: 501, title: 'Not implemented' },
  'bad-gateway': { status: 502, title: 'Bad gateway' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
  'gateway-timeout': { status: 504, title: 'Gateway timeout' },
  'http-version-not-supported': { status: 505, title: 'HTTP version not supported' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

/** Base of the `type` URI; each code is documented under its own heading in docs/problems.md. */
export const PROBLEM_TYPE_BASE = 'urn:rampart:problem:';

export function problemTypeUri(code: ProblemCode): string {
  return PROBLEM_TYPE_BASE + code;
}
