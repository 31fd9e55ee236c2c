import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Problem } from '../core/problems/problem.js';
import { problemResponse } from '../core/problems/write.js';
import { logSafe } from '../core/logging/logger.js';
import type { CompiledGateway, CompiledRoute } from './compile.js';
import { Context } from './context.js';
import type { GatewayMetrics } from './metrics.js';
import type { Facts, GatewayResponse, LogRecord, ResponseDecision, Stage, StageName } from './pipeline/types.js';
import { canonicalizeTarget } from './http/canonical-path.js';
import { checkFraming, isProblem, type FramingInfo } from './http/framing.js';
import { normalizeIp, resolveClientIp } from './http/client-ip.js';
import { buildUpstreamHeaders } from './http/forwarding.js';
import { ABORTED, limitStream, readBody } from './http/body.js';

export interface RunnerDeps {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** The config new requests take (hot reload swaps it; a request keeps the one it started with). */
  current(): CompiledGateway;
  /** True while shutting down: answers carry Connection: close. */
  draining(): boolean;
  /** Called when a request on `gw` has completed (its in-flight count was decremented). */
  settled(gw: CompiledGateway): void;
  /** Writes one access-log line (see access-log.ts). */
  accessLog(record: LogRecord): void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request pipeline: hardening → routing → the route's stages → proxy; responses back up; log always. */
export function createRunner(deps: RunnerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const gw = deps.current();
    gw.inflight++;
    deps.metrics.inflight.inc();
    void run(gw, req, res, deps).finally(() => {
      gw.inflight--;
      deps.metrics.inflight.dec();
      deps.settled(gw);
    });
  };
}

interface Outcome {
  route: CompiledRoute | undefined;
  ctx: Context | undefined;
  /** Stages whose onRequest ran (their onResponse runs, in reverse). */
  ran: number;
}

async function run(gw: CompiledGateway, req: IncomingMessage, res: ServerResponse, deps: RunnerDeps): Promise<void> {
  const startedAt = performance.now();
  const peerIp = normalizeIp(req.socket.remoteAddress);
  const trustedPeer = gw.trusted.has(peerIp);
  const headers = req.headers;
  const clientIp = trustedPeer ? resolveClientIp(peerIp, headers['x-forwarded-for'], gw.trusted) : peerIp;
  const givenId = headers['x-request-id'];
  const id = trustedPeer && typeof givenId === 'string' && REQUEST_ID.test(givenId) ? givenId : randomUUID();
  const method = req.method ?? 'GET';
  const maxLen = gw.config.log.maxValueLength;
  const record: LogRecord = {
    reqId: id,
    clientIp,
    method,
    path: '',
    status: 0,
    durationMs: 0,
    bytesIn: 0,
    bytesOut: 0,
    decision: 'allow',
    stage: 'proxy',
  };
  const out: Outcome = { route: undefined, ctx: undefined, ran: 0 };
  try {
    await runPipeline(gw, req, res, deps, { startedAt, peerIp, trustedPeer, clientIp, id, method, record, out });
  } catch (err) {
    record.decision = 'error';
    record.reason = 'internal error';
    deps.logger.error({ reqId: id, err }, 'unhandled error in request pipeline');
    if (res.headersSent) res.destroy();
    else {
      // The stages' onResponse are skipped: one of them may be what failed.
      out.route = undefined;
      await send(res, out, problemAsResponse({ code: 'internal-error', detail: 'An unexpected error occurred; the request id identifies it in the logs.' }, id), record, deps).catch(() => res.destroy());
    }
  }
  record.status = res.statusCode;
  record.durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
  if (record.path === '') record.path = logSafe(req.url ?? '', maxLen);
  const route = out.route;
  if (route !== undefined && out.ctx !== undefined) {
    for (const s of route.stages) {
      if (s.onLog === undefined) continue;
      try {
        s.onLog(out.ctx, record);
      } catch (err) {
        deps.logger.error({ reqId: id, stage: s.name, err }, 'onLog failed');
      }
    }
  }
  if (gw.config.log.accessLog) deps.accessLog(record);
  deps.metrics.observeCall(record.route ?? '', method, record.status, record.decision, record.stage, record.durationMs / 1000);
}

interface RequestState {
  readonly startedAt: number;
  readonly peerIp: string;
  readonly trustedPeer: boolean;
  readonly clientIp: string;
  readonly id: string;
  readonly method: string;
  readonly record: LogRecord;
  readonly out: Outcome;
}

async function runPipeline(gw: CompiledGateway, req: IncomingMessage, res: ServerResponse, deps: RunnerDeps, st: RequestState): Promise<void> {
  const { record, out, id, method } = st;
  const maxLen = gw.config.log.maxValueLength;

  // 1. hardening: framing, singleton headers, target length and canonical path.
  const framing = checkFraming(req.rawHeaders, req.httpVersionMajor, req.httpVersionMinor);
  if (isProblem(framing)) return reject(res, out, framing, 'hardening', st, deps);
  const hasBody = framing.hasBody;
  // Node's parser takes any "HTTP/x.y" request line; only 1.0 and 1.1 are what this listener speaks.
  if (req.httpVersionMajor !== 1) {
    return reject(res, out, { code: 'http-version-not-supported', detail: 'Only HTTP/1.0 and HTTP/1.1 are served here.', closeConnection: true }, 'hardening', st, deps);
  }
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is invalid (Node's own check answers without a body).
  if (req.headers.host === undefined && req.httpVersionMinor >= 1) {
    return reject(res, out, { code: 'bad-request', detail: 'An HTTP/1.1 request must carry a Host header.', closeConnection: true, reason: 'no Host header' }, 'hardening', st, deps);
  }
  if (req.rawHeaders.length / 2 > gw.config.listen.maxHeaders) {
    return reject(res, out, { code: 'headers-too-large', detail: `The request has more than ${gw.config.listen.maxHeaders} header fields.`, closeConnection: true }, 'hardening', st, deps);
  }
  const url = req.url ?? '/';
  if (url.length > gw.config.listen.maxUrlBytes) {
    return reject(res, out, { code: 'uri-too-long', detail: `The request target is longer than ${gw.config.listen.maxUrlBytes} bytes.`, closeConnection: hasBody }, 'hardening', st, deps);
  }
  const canon = canonicalizeTarget(url, gw.canonical);
  if (!canon.ok) {
    record.path = logSafe(url, maxLen);
    // A target refused for its encoding may also carry an attack: the route's detection verdict, when it blocks,
    // is the answer (403 with category, rule and evidence in the log) rather than a bare 400.
    const attack = attackInRefusedTarget(gw, req, url, method, st);
    if (attack !== undefined) {
      record.reason = `invalid path (${canon.reason}); attack detected`;
      return reject(res, out, hasBody && attack.closeConnection !== true ? { ...attack, closeConnection: true } : attack, 'detection', st, deps);
    }
    return reject(res, out, { code: 'invalid-path', detail: `The request path was refused: ${canon.reason}.`, closeConnection: hasBody, reason: canon.reason }, 'hardening', st, deps);
  }
  record.path = canon.path.length > maxLen ? logSafe(canon.path, maxLen) : canon.path;

  // 2. routing.
  const host = hostOf(req.headers.host);
  const found = gw.router.find(method, host, canon.path);
  if (found.kind === 'not-found') return reject(res, out, { code: 'not-found', detail: 'No route matches this request.', closeConnection: hasBody }, 'routing', st, deps);
  if (found.kind === 'method-not-allowed') {
    return reject(res, out, { code: 'method-not-allowed', detail: `${method} is not allowed here.`, headers: { allow: found.allow.join(', ') }, closeConnection: hasBody }, 'routing', st, deps);
  }
  const route = found.match.value;
  out.route = route;
  record.route = route.id;
  if (framing.contentLength > route.maxBodyBytes) {
    return reject(res, out, { code: 'payload-too-large', detail: `The request body is larger than ${route.maxBodyBytes} bytes.`, closeConnection: true }, 'hardening', st, deps);
  }
  const ctx = new Context(id, st.startedAt, method, canon.path, canon.query, host, st.clientIp, st.peerIp, req.headers, req, record);
  ctx.facts.route = found.match;
  out.ctx = ctx;

  // The body is read up front only when a stage of this route needs it; otherwise it is streamed.
  if (route.needsBody && hasBody) {
    const body = await readBody(req, route.maxBodyBytes);
    if (body === ABORTED) {
      record.decision = 'error';
      record.reason = 'client went away while sending the body';
      res.destroy();
      return;
    }
    if (body === undefined) return reject(res, out, { code: 'payload-too-large', detail: `The request body is larger than ${route.maxBodyBytes} bytes.`, closeConnection: true }, 'hardening', st, deps);
    ctx.body = body;
    record.bytesIn = body.length;
  }

  // 3. the route's stages, in order; synchronous results are not awaited.
  const stages = route.stages;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i] as Stage;
    out.ran = i + 1;
    if (stage.onRequest === undefined) continue;
    let d = stage.onRequest(ctx);
    if (d instanceof Promise) d = await d;
    if (d.kind === 'reject') {
      const p = d.problem;
      return reject(res, out, hasBody && ctx.body === undefined && p.closeConnection !== true ? { ...p, closeConnection: true } : p, stage.name, st, deps);
    }
    if (d.facts !== undefined) mergeFacts(ctx.facts, d.facts);
  }

  // 4. proxy.
  await proxy(gw, route, ctx, framing, req, res, deps, st);
}

/**
 * The detection verdict on a request whose target hardening refused: the raw target is routed as it was sent and,
 * when that route has a detection stage, inspected (path, query and headers; the body is never read). Only a
 * blocking verdict is returned; otherwise the refusal stands.
 */
function attackInRefusedTarget(gw: CompiledGateway, req: IncomingMessage, url: string, method: string, st: RequestState): Problem | undefined {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  if (!rawPath.startsWith('/')) return undefined;
  const host = hostOf(req.headers.host);
  const found = gw.router.find(method, host, rawPath);
  if (found.kind !== 'match') return undefined;
  const route = found.match.value;
  const detection = route.stages.find((s) => s.name === 'detection');
  if (detection?.onRequest === undefined) return undefined;
  const ctx = new Context(st.id, st.startedAt, method, rawPath, q === -1 ? '' : url.slice(q + 1), host, st.clientIp, st.peerIp, req.headers, req, st.record);
  ctx.facts.route = found.match;
  const d = detection.onRequest(ctx);
  if (d instanceof Promise || d.kind !== 'reject') return undefined;
  st.record.route = route.id;
  return d.problem;
}

async function proxy(gw: CompiledGateway, route: CompiledRoute, ctx: Context, framing: FramingInfo, req: IncomingMessage, res: ServerResponse, deps: RunnerDeps, st: RequestState): Promise<void> {
  const { record, out, id } = st;
  const facts = ctx.facts;
  const sendBody = facts.body ?? ctx.body;
  let path = ctx.path;
  if (route.stripPrefix !== undefined && path.toLowerCase().startsWith(route.stripPrefix.toLowerCase())) path = path.slice(route.stripPrefix.length) || '/';
  if (path[0] !== '/') path = '/' + path;
  const target = ctx.query === '' ? path : `${path}?${ctx.query}`;
  const upstreamHeaders = buildUpstreamHeaders(req.rawHeaders, {
    clientIp: st.clientIp,
    peerIp: st.peerIp,
    trustedPeer: st.trustedPeer,
    proto: 'http',
    requestId: id,
    contentLength: sendBody !== undefined ? sendBody.length : undefined,
    extra: facts.upstreamHeaders,
    drop: facts.dropHeaders,
  });
  // The request head grows by what the gateway adds (X-Forwarded-*, X-Request-Id, identity headers, the
  // target's Host and base path). Past the listener's own limit it would likely exceed the upstream's too, whose
  // bare 431 (or a reset racing the write, a 502 that counts against the target's health) is worse than a problem
  // from here. The whole head is counted as written, request line included: Node counts the URL against its
  // limit as well, without the separators, so a head within the limit here is within Node's.
  let headerBytes = ctx.method.length + target.length + route.upstream.headOverhead;
  for (let i = 0; i < upstreamHeaders.length; i++) headerBytes += (upstreamHeaders[i] as string).length + 2;
  if (headerBytes > gw.config.listen.maxHeaderBytes) {
    return reject(res, out, { code: 'headers-too-large', detail: `The request line and headers, with those the gateway adds, exceed ${gw.config.listen.maxHeaderBytes} bytes.`, closeConnection: framing.hasBody && sendBody === undefined }, 'hardening', st, deps);
  }
  let body: Buffer | Readable | null = null;
  if (sendBody !== undefined) body = sendBody;
  else if (framing.hasBody) {
    // pipeline() (unlike pipe) destroys the limiter when the client's body breaks off, so the upstream
    // request fails instead of waiting for a body that will never come.
    if (framing.contentLength >= 0) {
      body = req;
      record.bytesIn = framing.contentLength;
    } else body = pipeline(req, limitStream(route.maxBodyBytes, (n) => (record.bytesIn = n)), () => undefined);
  }
  await new Promise<void>((resolve) => {
    let response: GatewayResponse | undefined;
    let chunks: Buffer[] | undefined;
    let resumeBody: (() => void) | undefined;
    let bytes = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      resolve();
    };
    const exchange = route.upstream.forward(
      { method: ctx.method, path: target, headers: upstreamHeaders, body },
      {
        onHead(status, headers, resume, _target, upstreamMs) {
          record.upstreamMs = Math.round(upstreamMs * 1000) / 1000;
          deps.metrics.upstreamDuration.observe({ upstream: route.upstream.name }, upstreamMs / 1000);
          headers['x-request-id'] = id;
          response = { status, headers, body: undefined, fromGateway: false };
          resumeBody = resume;
          if (route.needsResponseBody) {
            chunks = [];
            delete headers['content-length'];
            return true;
          }
          // Streamed: response stages see the head, then the body flows straight through.
          const final = respond(out, response, record);
          if (final instanceof Promise) {
            final.then(
              (r) => {
                if (startStreaming(r)) resume();
              },
              (err: unknown) => fail(err),
            );
            return false;
          }
          return startStreaming(final);
        },
        onData(chunk) {
          bytes += chunk.length;
          if (chunks !== undefined) {
            chunks.push(chunk);
            return true;
          }
          if (res.destroyed) return true;
          if (res.write(chunk)) return true;
          res.once('drain', () => resumeBody?.());
          return false;
        },
        onEnd() {
          if (chunks !== undefined && response !== undefined) {
            response.body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
            chunks = undefined;
            send(res, out, response, record, deps).then(finish, fail);
            return;
          }
          record.bytesOut = bytes;
          res.end();
          finish();
        },
        onFail(f, t, afterHead) {
          record.upstream = route.upstream.name;
          record.upstreamTarget = t?.origin;
          if (afterHead || f.kind === 'aborted') {
            // The upstream broke off mid-body (framing error, body timeout) or the client went away: the
            // response cannot be completed honestly, so the connection is closed rather than left looking complete.
            record.decision = 'error';
            record.stage = 'proxy';
            record.reason = f.kind === 'aborted' ? 'client went away' : `upstream body failed: ${f.code}`;
            record.bytesOut = bytes;
            res.destroy();
            finish();
            return;
          }
          const p: Problem =
            f.kind === 'local'
              ? { code: 'invalid-header', detail: 'The request carries a header that cannot be forwarded.', reason: f.code, closeConnection: true }
              : f.kind === 'body-limit'
              ? { code: 'payload-too-large', detail: `The request body is larger than ${route.maxBodyBytes} bytes.`, closeConnection: true }
              : f.kind === 'timeout' && f.phase !== 'body'
                ? { code: 'gateway-timeout', detail: 'The upstream service did not answer in time.', reason: f.code }
                : { code: 'bad-gateway', detail: 'The upstream service could not be reached or sent an invalid answer.', reason: f.code };
          const unread = framing.hasBody && sendBody === undefined && !req.complete;
          record.decision = f.kind === 'body-limit' || f.kind === 'local' ? 'reject' : 'error';
          record.stage = 'proxy';
          record.problem = p.code;
          record.reason = p.reason ?? f.code;
          send(res, out, problemAsResponse(unread ? { ...p, closeConnection: true } : p, id), record, deps).then(finish, fail);
        },
      },
    );
    /** Write the head of a streamed answer; false when a stage replaced it (the upstream body is dropped). */
    function startStreaming(r: GatewayResponse): boolean {
      if (r !== response) {
        exchange.abort();
        writeBuffered(res, r, record, deps);
        finish();
        return false;
      }
      writeHead(res, r, deps);
      return true;
    }
    function fail(err: unknown): void {
      exchange.abort();
      if (!finished) {
        finished = true;
        deps.logger.error({ reqId: id, err }, 'error while answering');
        if (!res.headersSent) writeBuffered(res, problemAsResponse({ code: 'internal-error', detail: 'An unexpected error occurred; the request id identifies it in the logs.' }, id), record, deps);
        else res.destroy();
        record.decision = 'error';
        resolve();
      }
    }
    // A client that goes away cancels its upstream request.
    res.once('close', () => {
      if (!res.writableFinished) {
        exchange.abort();
        finish();
      }
    });
  });
}

function writeHead(res: ServerResponse, r: GatewayResponse, deps: RunnerDeps): void {
  const headers = r.headers;
  if (deps.draining()) headers.connection = 'close';
  if (headers.connection === 'close') res.shouldKeepAlive = false;
  res.writeHead(r.status, headers);
}

/** Write a response whose body is in memory (a problem, or a buffered upstream answer). */
function writeBuffered(res: ServerResponse, r: GatewayResponse, record: LogRecord, deps: RunnerDeps): void {
  const body = r.body ?? EMPTY;
  r.headers['content-length'] = String(body.length);
  writeHead(res, r, deps);
  res.end(body);
  record.bytesOut = body.length;
}

const EMPTY = Buffer.alloc(0);

/**
 * Run onResponse of the stages that saw the request (in reverse order). Returns the response to send: the
 * same object, or a problem that replaced it. Synchronous when every stage is.
 */
function respond(out: Outcome, response: GatewayResponse, record: LogRecord): GatewayResponse | Promise<GatewayResponse> {
  const route = out.route;
  const ctx = out.ctx;
  if (route === undefined || !route.hasOnResponse || ctx === undefined) return response;
  let r = response;
  for (let i = out.ran - 1; i >= 0; i--) {
    const stage = route.stages[i] as Stage;
    if (stage.onResponse === undefined) continue;
    const d = stage.onResponse(ctx, r);
    if (d instanceof Promise) return d.then((dd) => continueRespond(out, ctx, r, record, i, dd));
    r = applyDecision(ctx, r, record, stage, d);
  }
  return r;
}

async function continueRespond(out: Outcome, ctx: Context, r0: GatewayResponse, record: LogRecord, from: number, first: ResponseDecision): Promise<GatewayResponse> {
  const route = out.route as CompiledRoute;
  let r = applyDecision(ctx, r0, record, route.stages[from] as Stage, first);
  for (let i = from - 1; i >= 0; i--) {
    const stage = route.stages[i] as Stage;
    if (stage.onResponse === undefined) continue;
    r = applyDecision(ctx, r, record, stage, await stage.onResponse(ctx, r));
  }
  return r;
}

function applyDecision(ctx: Context, r: GatewayResponse, record: LogRecord, stage: Stage, d: ResponseDecision): GatewayResponse {
  if (d === undefined || d.kind !== 'replace') return r;
  const closeConnection = r.headers.connection === 'close';
  record.decision = 'reject';
  record.stage = stage.name;
  record.problem = d.problem.code;
  if (d.problem.reason !== undefined) record.reason = d.problem.reason;
  return problemAsResponse(closeConnection ? { ...d.problem, closeConnection } : d.problem, ctx.id);
}

/** Merge a stage's facts; headers to add or drop accumulate across stages instead of replacing each other. */
function mergeFacts(facts: Facts, more: Partial<Facts>): void {
  const { upstreamHeaders, dropHeaders } = facts;
  Object.assign(facts, more);
  if (upstreamHeaders !== undefined && more.upstreamHeaders !== undefined) facts.upstreamHeaders = { ...upstreamHeaders, ...more.upstreamHeaders };
  if (dropHeaders !== undefined && more.dropHeaders !== undefined) facts.dropHeaders = [...dropHeaders, ...more.dropHeaders];
}

function problemAsResponse(p: Problem, id: string): GatewayResponse {
  const r = problemResponse(p, id);
  return { status: r.status, headers: r.headers, body: r.body, fromGateway: true };
}

async function reject(res: ServerResponse, out: Outcome, p: Problem, stage: StageName, st: RequestState, deps: RunnerDeps): Promise<void> {
  st.record.decision = 'reject';
  st.record.stage = stage;
  st.record.problem = p.code;
  if (p.reason !== undefined) st.record.reason = p.reason;
  // A refused request whose body is still on the wire: read (and drop) a bounded amount of it before the
  // answer and the close, or the client's own write may meet a reset and never see the answer. Never when
  // the framing itself was the problem: then the body's end is exactly what cannot be trusted.
  if (p.closeConnection === true && p.code !== 'ambiguous-framing') await drainBody(res.req, DRAIN_BYTES, DRAIN_MS);
  await send(res, out, problemAsResponse(p, st.id), st.record, deps);
}

const DRAIN_BYTES = 65_536;
const DRAIN_MS = 1000;

/** Read and discard what is left of a request body, up to `max` bytes or `ms`; resolves either way. */
function drainBody(req: IncomingMessage, max: number, ms: number): Promise<void> {
  if (req.complete || req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', done);
      req.off('error', done);
      req.off('close', done);
      req.pause();
      resolve();
    };
    const onData = (c: Buffer) => {
      seen += c.length;
      if (seen > max) done();
    };
    const timer = setTimeout(done, ms);
    req.on('data', onData);
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
    req.resume();
  });
}

/** Answer with a response whose body is in memory, after the response stages (problems, buffered answers). */
async function send(res: ServerResponse, out: Outcome, response: GatewayResponse, record: LogRecord, deps: RunnerDeps): Promise<void> {
  let r = respond(out, response, record);
  if (r instanceof Promise) r = await r;
  writeBuffered(res, r, record, deps);
}

function hostOf(h: string | undefined): string {
  if (h === undefined) return '';
  const lower = h.toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end === -1 ? lower : lower.slice(0, end + 1);
  }
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}
