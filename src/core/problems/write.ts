import type { ServerResponse } from 'node:http';
import { PROBLEM_TYPES, problemTypeUri } from './catalogue.js';
import type { Problem } from './problem.js';

/** The RFC 9457 body of a problem, as sent to clients. */
export function problemBody(p: Problem, requestId: string): string {
  const t = PROBLEM_TYPES[p.code];
  const body: Record<string, unknown> = {
    type: problemTypeUri(p.code),
    title: t.title,
    status: t.status,
  };
  if (p.detail !== undefined) body.detail = p.detail;
  body.instance = `urn:request:${requestId}`;
  body.requestId = requestId;
  if (p.errors !== undefined && p.errors.length > 0) body.errors = p.errors;
  if (p.extensions !== undefined) {
    for (const [k, v] of Object.entries(p.extensions)) if (!(k in body)) body[k] = v;
  }
  // JSON.stringify escapes control characters; '<' and '>' are escaped too so a body shown raw in a browser
  // can never become markup.
  return JSON.stringify(body).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

export function problemStatus(p: Problem): number {
  return PROBLEM_TYPES[p.code].status;
}

/** Headers of a problem response (without the body length). */
export function problemHeaders(p: Problem, requestId: string, bodyLength: number): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/problem+json',
    'content-length': String(bodyLength),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-request-id': requestId,
  };
  if (p.headers !== undefined) for (const [k, v] of Object.entries(p.headers)) h[k.toLowerCase()] = v;
  if (p.closeConnection === true) h.connection = 'close';
  return h;
}

/** A problem as a complete response (status, headers, body): the runner writes it like any other answer. */
export function problemResponse(p: Problem, requestId: string): { status: number; headers: Record<string, string>; body: Buffer } {
  const body = Buffer.from(problemBody(p, requestId));
  return { status: problemStatus(p), headers: problemHeaders(p, requestId, body.length), body };
}

/**
 * Write a problem directly to an HTTP response (for listeners outside the pipeline, e.g. the admin port).
 * Returns the number of body bytes written.
 */
export function writeProblem(res: ServerResponse, p: Problem, requestId: string, extraHeaders?: Record<string, string>): number {
  const body = problemBody(p, requestId);
  const len = Buffer.byteLength(body);
  const headers = problemHeaders(p, requestId, len);
  if (extraHeaders !== undefined) for (const [k, v] of Object.entries(extraHeaders)) if (!(k in headers)) headers[k] = v;
  if (p.closeConnection === true) res.shouldKeepAlive = false;
  res.writeHead(problemStatus(p), headers);
  res.end(body);
  return len;
}

/** A problem as a raw HTTP/1.1 response, for sockets that never became a request (client errors). */
export function rawProblemResponse(p: Problem, requestId: string): string {
  const body = problemBody(p, requestId);
  const len = Buffer.byteLength(body);
  const headers = problemHeaders(p, requestId, len);
  headers.connection = 'close';
  const status = problemStatus(p);
  let head = `HTTP/1.1 ${status} ${PROBLEM_TYPES[p.code].title}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return head + '\r\n' + body;
}
