import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Problem } from '../../core/problems/problem.js';
import type { RouteMatch } from '../routing/router.js';

/**
 * The stages of the request pipeline, in the one order in which they run (declared once, here).
 * Requests go down this list; responses come back up it (reverse order); `onLog` always runs.
 */
export const STAGE_ORDER = [
  'hardening',
  'routing',
  'response-protection',
  'authentication',
  'authorization',
  'rate-limit',
  'validation',
  'detection',
] as const;
export type StageName = (typeof STAGE_ORDER)[number];

/**
 * What stages have learnt about a request. Each stage's module adds its own fields by declaration merging:
 *
 *   declare module '../../pipeline/types.js' { interface Facts { principal?: Principal } }
 *
 * The runner merges the `facts` of every `continue` decision; stages see them read-only.
 */
export interface Facts {
  /** The matched route and its path parameters (set by routing). */
  route?: RouteMatch;
  /** A replacement request body (e.g. sanitised); the upstream receives exactly this. */
  body?: Buffer;
  /** Extra headers for the upstream request (identity headers...). Names lower-case. */
  upstreamHeaders?: Readonly<Record<string, string>>;
  /** Names of client headers to drop before proxying (lower-case). */
  dropHeaders?: readonly string[];
  /** Who is calling (set by authentication). */
  principal?: Principal;
}

/** The identity established by authentication; authorization, rate limits and logs read it. */
export interface Principal {
  /** Subject: the JWT `sub`, the API key's consumer, the HMAC key id's owner... */
  readonly subject: string;
  /** The consumer (application/customer) this identity belongs to, when known. */
  readonly consumer?: string;
  readonly groups: readonly string[];
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly method: 'api-key' | 'jwt' | 'hmac' | 'introspection' | 'basic' | 'mtls' | 'anonymous';
  /** Credential id (key prefix, kid, HMAC key id): for logs and brute-force counting, never the secret. */
  readonly credentialId?: string;
  readonly claims?: Readonly<Record<string, unknown>>;
}

export type Decision =
  | { readonly kind: 'continue'; readonly facts?: Partial<Facts> }
  | { readonly kind: 'reject'; readonly problem: Problem };

export const CONTINUE: Decision = Object.freeze({ kind: 'continue' });

export function proceed(facts: Partial<Facts>): Decision {
  return { kind: 'continue', facts };
}

export function reject(p: Problem): Decision {
  return { kind: 'reject', problem: p };
}

/** The read-only view of a request that stages get. Built once per request by the runner. */
export interface RequestContext {
  /** X-Request-Id: kept from a trusted proxy or generated. */
  readonly id: string;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  readonly method: string;
  /** The canonical path (see http/canonical-path.ts): what routing and every later decision see. */
  readonly path: string;
  /** The raw query string, without '?', or '' when none. */
  readonly query: string;
  /** Lower-cased host without port. */
  readonly host: string;
  /** The client's IP: the peer, or the first untrusted hop when the peer is a trusted proxy. */
  readonly clientIp: string;
  /** The peer address of the TCP connection. */
  readonly peerIp: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw Node request (adapters only: stages should not need it). */
  readonly raw: IncomingMessage;
  /** The request body, when a stage of this route asked for it (`needsBody`). */
  readonly body: Buffer | undefined;
  readonly facts: Readonly<Facts>;
  /** Add fields to this call's access-log line. */
  annotate(key: string, value: unknown): void;
}

/** A response on its way back to the client (from the upstream, or a problem). Stages may change headers. */
export interface GatewayResponse {
  status: number;
  /** Lower-case header names. */
  readonly headers: Record<string, string | string[]>;
  /** The buffered body when a stage asked for it (`needsResponseBody`), else undefined (streamed). */
  body: Buffer | undefined;
  /** True when the response is a problem made by the gateway, not the upstream's. */
  readonly fromGateway: boolean;
}

export type ResponseDecision = void | { readonly kind: 'replace'; readonly problem: Problem };

/**
 * The access-log line of one call. The runner fills the standard fields; stages add theirs through
 * `ctx.annotate()` or in `onLog`. `onLog` runs for EVERY stage of the route's pipeline once the response is
 * done, whether or not that stage's onRequest ran (a stage placed after the one that rejected still sees the
 * outcome: the adaptive rate limiter learns from authentication failures this way).
 */
export interface LogRecord {
  /** Added by the logger when the line is written. */
  time?: string;
  reqId: string;
  clientIp: string;
  method: string;
  /** Route id, when routing matched. */
  route?: string;
  path: string;
  status: number;
  durationMs: number;
  upstreamMs?: number;
  bytesIn: number;
  bytesOut: number;
  /** allow: proxied; reject: a stage or the listener answered with a problem; error: a bug or upstream failure. */
  decision: 'allow' | 'reject' | 'error';
  /** The stage that made the decision (for allow: 'proxy'). */
  stage: StageName | 'proxy' | 'listener';
  /** The problem code sent, when one was. */
  problem?: string;
  /** Why (log only). */
  reason?: string;
  [key: string]: unknown;
}

export interface Stage {
  readonly name: StageName;
  /** Buffer the request body for this stage (otherwise it is streamed to the upstream). */
  readonly needsBody?: boolean;
  /** Buffer the upstream response body for this stage's onResponse. */
  readonly needsResponseBody?: boolean;
  onRequest?(ctx: RequestContext): Decision | Promise<Decision>;
  onResponse?(ctx: RequestContext, res: GatewayResponse): ResponseDecision | Promise<ResponseDecision>;
  onLog?(ctx: RequestContext, record: LogRecord): void;
}
