import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogConfig } from '../config/schema.js';

/** Headers whose values never reach a log line. */
export const ALWAYS_REDACTED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token'];

export interface LoggerHandle {
  readonly logger: Logger;
  /** Flush buffered lines synchronously (shutdown, fatal errors): no line is lost. */
  flush(): void;
}

/**
 * The process logger (pino). Access lines and operational lines share it: one JSON line each. Writes are
 * buffered (sonic-boom) and flushed at shutdown and on fatal errors.
 */
export function createLogger(config: Readonly<LogConfig>, stream?: DestinationStream): LoggerHandle {
  const headers = [...ALWAYS_REDACTED_HEADERS, ...config.redactHeaders.map((h) => h.toLowerCase())];
  const redactPaths = [...headers.flatMap((h) => [`headers["${h}"]`, `req.headers["${h}"]`]), ...config.redactFields];
  const dest =
    stream ??
    pino.destination({
      dest: config.destination === 'stdout' ? 1 : config.destination === 'stderr' ? 2 : config.destination,
      sync: false,
      // Lines are batched into 4 KiB writes (one syscall per ~15 calls instead of one each); a timer and
      // shutdown flush the rest, so a quiet gateway's last lines still land within a second.
      minLength: 4096,
      mkdir: true,
      append: true,
    });
  const logger = pino(
    {
      level: config.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
  const timer = setInterval(() => {
    const d = dest as { flush?: () => void };
    try {
      d.flush?.();
    } catch {
      // not open yet
    }
  }, 1000);
  timer.unref();
  return {
    logger,
    flush() {
      const d = dest as { flushSync?: () => void };
      try {
        d.flushSync?.();
      } catch {
        // sonic-boom throws when nothing is open yet; nothing to flush then.
      }
    },
  };
}

/**
 * Make a client-supplied value safe and bounded for a log line: control characters escaped (JSON would
 * escape them too, but a terminal `tail` should not be driven by them either) and long values truncated.
 */
export function logSafe(value: string, max: number): string {
  let v = value;
  if (v.length > max) v = `${v.slice(0, max)}…[${value.length - max} more]`;
  return /[\x00-\x1f\x7f]/.test(v) ? v.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : v;
}
