import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logSafe } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('redacts secret headers and configured fields', () => {
    const { lines, stream } = capture();
    const { logger } = createLogger({ level: 'info', destination: 'stdout', accessLog: true, redactHeaders: ['X-Custom-Token'], redactFields: ['user.password'], maxValueLength: 100 }, stream);
    logger.info({ headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k', 'x-custom-token': 't', accept: 'json' }, user: { password: 'p', name: 'n' } }, 'x');
    const line = lines[0] as { headers: Record<string, string>; user: Record<string, string> };
    expect(line.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]', 'x-custom-token': '[redacted]', accept: 'json' });
    expect(line.user).toEqual({ password: '[redacted]', name: 'n' });
  });

  it('escapes control characters and truncates long values', () => {
    expect(logSafe('a\nb\x1b[31m', 100)).toBe('a\\x0ab\\x1b[31m');
    expect(logSafe('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}…[40 more]`);
  });
});
