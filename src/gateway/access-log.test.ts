import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../core/logging/logger.js';
import { createAccessLogWriter } from './access-log.js';
import type { LogRecord } from './pipeline/types.js';

function setup(redactFields: string[] = []) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(c: Buffer, _e, cb) {
      for (const l of c.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const { logger } = createLogger({ level: 'info', destination: 'stdout', accessLog: true, redactHeaders: [], redactFields, maxValueLength: 100 }, stream);
  return { lines, logger, write: createAccessLogWriter(logger, redactFields) };
}

const base: LogRecord = { reqId: 'r1', clientIp: '127.0.0.1', method: 'GET', route: 'users', path: '/users/"1"\n', status: 200, durationMs: 1.5, upstreamMs: 1.2, bytesIn: 0, bytesOut: 10, decision: 'allow', stage: 'proxy' };

describe('access log writer', () => {
  it('writes the same fields pino would, as valid JSON, escaping what needs escaping', () => {
    const { lines, logger, write } = setup();
    write({ ...base, principal: 'alice', authMethod: 'jwt' });
    logger.info({ ...base, principal: 'alice', authMethod: 'jwt' }, 'access');
    const [fast, slow] = lines as [Record<string, unknown>, Record<string, unknown>];
    const strip = (o: Record<string, unknown>) => ({ ...o, time: undefined });
    expect(strip(fast)).toEqual(strip(slow));
    expect(fast.path).toBe('/users/"1"\n');
    expect(typeof fast.time).toBe('string');
  });

  it('hands structured annotations and redacted fields to pino, so redaction applies', () => {
    const { lines, write } = setup(['principal']);
    write({ ...base, principal: 'alice' });
    write({ ...base, headers: { authorization: 'Bearer secret', accept: 'x' } });
    expect(lines[0]?.principal).toBe('[redacted]');
    expect(lines[1]?.headers).toEqual({ authorization: '[redacted]', accept: 'x' });
  });
});
