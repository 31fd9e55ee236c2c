import type { ProblemCode } from './catalogue.js';

/** One field-level issue (the `errors` extension of a problem). */
export interface ProblemFieldError {
  /** Where in the request: path, query, header, cookie, body. */
  readonly in: 'path' | 'query' | 'header' | 'cookie' | 'body';
  /** JSON pointer (body) or the parameter name. */
  readonly pointer: string;
  readonly message: string;
  /** The schema keyword or rule that failed. */
  readonly keyword?: string;
}

/**
 * An expected denial, as a value. Stages return it; only `write.ts` turns it into bytes.
 * `detail` must never echo raw client input: it is shown to the client.
 */
export interface Problem {
  readonly code: ProblemCode;
  readonly detail?: string;
  readonly errors?: readonly ProblemFieldError[];
  /** Extra response headers (Allow, Retry-After, WWW-Authenticate, RateLimit...). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra members of the problem object (e.g. `rule`, `category`). Must be safe to show. */
  readonly extensions?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** Close the connection after answering (the request body was not read). */
  readonly closeConnection?: boolean;
  /** Why, for the log only: never sent to the client. */
  readonly reason?: string;
}

export function problem(code: ProblemCode, detail?: string, more?: Omit<Problem, 'code' | 'detail'>): Problem {
  return more === undefined ? { code, detail } : { code, detail, ...more };
}
