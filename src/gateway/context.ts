import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Facts, LogRecord, RequestContext } from './pipeline/types.js';

/** The runner's implementation of RequestContext: read-only to stages, filled by the runner. */
export class Context implements RequestContext {
  body: Buffer | undefined = undefined;
  readonly facts: Facts = {};

  constructor(
    readonly id: string,
    readonly startedAt: number,
    readonly method: string,
    readonly path: string,
    readonly query: string,
    readonly host: string,
    readonly clientIp: string,
    readonly peerIp: string,
    readonly headers: IncomingHttpHeaders,
    readonly raw: IncomingMessage,
    private readonly record: LogRecord,
  ) {}

  annotate(key: string, value: unknown): void {
    this.record[key] = value;
  }
}
