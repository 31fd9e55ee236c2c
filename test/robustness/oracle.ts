import type { TestGateway } from '../../src/testing/gateway.js';
import type { Recorder } from './recorder.js';

/** What the client got back, whichever way it was sent. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

type LogLine = Record<string, unknown>;

/** The gateway's log lines by request id (access lines and listener refusals), indexed as they arrive. */
export class LogIndex {
  private readonly byId = new Map<string, LogLine>();
  private seen = 0;
  constructor(private readonly gw: TestGateway) {}

  private scan(): void {
    const logs = this.gw.logs;
    for (; this.seen < logs.length; this.seen++) {
      const l = logs[this.seen] as LogLine;
      if ((l.msg === 'access' || l.msg === 'malformed request refused') && typeof l.reqId === 'string') this.byId.set(l.reqId, l);
    }
  }

  /** The line for `id`, waiting briefly: the access line is written just after the last byte is sent. */
  async find(id: string): Promise<LogLine | undefined> {
    for (let i = 0; i < 200; i++) {
      this.scan();
      const l = this.byId.get(id);
      if (l !== undefined) return l;
      await new Promise((r) => setTimeout(r, 5));
    }
    return undefined;
  }

  /** Lines at level error or above (an exception inside the gateway is always logged so). */
  errors(): LogLine[] {
    return this.gw.logs.filter((l) => l.level === 'error' || l.level === 'fatal');
  }
}

/**
 * Judge one answer; returns a list of broken properties (empty when all hold):
 * - an answer the gateway produced itself (a refusal, or anything with no upstream answer behind it) with a
 *   4xx/5xx status is application/problem+json with type, title, status (= the HTTP status) and requestId;
 * - the gateway never answers 500 internal-error of its own (that is an exception in the pipeline); a 500
 *   is only allowed as response protection's replacement of the upstream's leaking 500;
 * - a request the gateway refused before proxying never reached the upstream;
 * - the proxy step never answers 502/503/504 while the upstream is healthy (client input broke forwarding).
 */
export async function judge(a: Answer, logs: LogIndex, recorder: Recorder, head = false): Promise<string[]> {
  const broken: string[] = [];
  const id = a.headers['x-request-id'];
  if (id === undefined || id === '') return [`no x-request-id on a ${a.status} answer`];
  const line = await logs.find(id);
  if (line === undefined) return [`no log line for request ${id} (${a.status})`];
  const upstreamAnswered = typeof line.upstreamMs === 'number';
  const refusedBeforeProxy = line.msg === 'malformed request refused' || (line.decision === 'reject' && !upstreamAnswered && line.upstream === undefined);
  const fromGateway = line.decision === 'reject' || line.decision === 'error' || !upstreamAnswered;
  if (refusedBeforeProxy && recorder.byId.has(id)) broken.push(`refused request ${id} (${String(line.problem)}) reached the upstream`);
  if (a.status >= 400 && fromGateway) {
    const type = a.headers['content-type'];
    if (type !== 'application/problem+json') broken.push(`gateway ${a.status} with content-type ${String(type)}`);
    else if (!head) {
      let p: unknown;
      try {
        p = JSON.parse(a.body.toString('utf8'));
      } catch {
        broken.push(`gateway ${a.status} problem body is not JSON`);
      }
      if (typeof p === 'object' && p !== null) {
        const get = (k: string): unknown => (Object.hasOwn(p, k) ? Reflect.get(p, k) : undefined);
        if (typeof get('type') !== 'string' || typeof get('title') !== 'string') broken.push(`problem without type/title: ${a.body.toString('utf8')}`);
        if (get('status') !== a.status) broken.push(`problem status ${String(get('status'))} on a ${a.status} answer`);
        if (get('requestId') !== id) broken.push(`problem requestId ${String(get('requestId'))} is not the x-request-id ${id}`);
      } else if (p !== undefined) broken.push('problem body is not an object');
    }
  }
  if (a.status === 500 && !(line.stage === 'response-protection' && upstreamAnswered)) {
    broken.push(`gateway 500 (${String(line.problem)}, stage ${String(line.stage)}, reason ${String(line.reason)}): an exception in the pipeline`);
  }
  // The demo API is up and healthy: a 502/503/504 made by the proxy step means client input broke forwarding.
  if (a.status >= 502 && line.stage === 'proxy') broken.push(`gateway ${a.status} from the proxy step (${String(line.reason)}) for a client's request`);
  return broken;
}
