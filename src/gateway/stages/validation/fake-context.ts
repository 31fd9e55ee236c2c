import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Facts, RequestContext } from '../../pipeline/types.js';

export interface FakeRequest {
  readonly method?: string;
  /** Path with optional query: `/users?limit=1`. */
  readonly url: string;
  /** Header pairs as sent (repeats allowed). */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: Buffer | string;
  readonly facts?: Facts;
}

/** A RequestContext as the runner builds it, for stage tests without a server. `notes` collects annotate(). */
export function fakeContext(r: FakeRequest): RequestContext & { readonly notes: Record<string, unknown> } {
  const raw = new IncomingMessage(new Socket());
  const pairs = r.headers ?? [];
  raw.rawHeaders = pairs.flatMap(([k, v]) => [k, v]);
  const headers: Record<string, string> = {};
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    // Node keeps the first Content-Type and joins other repeats with ", ".
    if (headers[key] === undefined) headers[key] = v;
    else if (key !== 'content-type') headers[key] += `, ${v}`;
  }
  const q = r.url.indexOf('?');
  const notes: Record<string, unknown> = {};
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  return {
    id: 'req-1',
    startedAt: 0,
    method: r.method ?? 'GET',
    path: q < 0 ? r.url : r.url.slice(0, q),
    query: q < 0 ? '' : r.url.slice(q + 1),
    host: 'api.test',
    clientIp: '127.0.0.1',
    peerIp: '127.0.0.1',
    headers,
    raw,
    body,
    facts: r.facts ?? {},
    notes,
    annotate(key, value) {
      notes[key] = value;
    },
  };
}
