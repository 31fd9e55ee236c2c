/** How a failed upstream exchange is answered and whether it may be retried elsewhere. */
export type UpstreamFailure =
  | { readonly kind: 'connect'; readonly code: string } // never reached the upstream: retryable (idempotent)
  | { readonly kind: 'timeout'; readonly code: string; readonly phase: 'connect' | 'headers' | 'body' }
  | { readonly kind: 'protocol'; readonly code: string } // broken framing or a connection closed mid-answer
  | { readonly kind: 'body-limit'; readonly code: string }
  | { readonly kind: 'aborted'; readonly code: string }
  /** undici refused the request before sending it (a header value it does not accept): the client's doing. */
  | { readonly kind: 'local'; readonly code: string };

export class BodyLimitError extends Error {
  readonly code = 'ERR_RAMPART_BODY_LIMIT';
}

export function classifyUpstreamError(err: unknown): UpstreamFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'UNKNOWN';
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { kind: 'connect', code };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { kind: 'timeout', code, phase: 'connect' };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { kind: 'timeout', code, phase: 'headers' };
    case 'UND_ERR_BODY_TIMEOUT':
      return { kind: 'timeout', code, phase: 'body' };
    case 'ERR_RAMPART_BODY_LIMIT':
      return { kind: 'body-limit', code };
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
      return { kind: 'local', code };
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return { kind: 'aborted', code };
    default: {
      // A body-limit error raised inside the request body stream reaches us wrapped.
      const cause = typeof err === 'object' && err !== null && 'cause' in err ? (err as { cause: unknown }).cause : undefined;
      if (cause instanceof BodyLimitError) return { kind: 'body-limit', code: cause.code };
      return { kind: 'protocol', code };
    }
  }
}
