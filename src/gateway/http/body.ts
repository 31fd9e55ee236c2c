import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { BodyLimitError } from '../upstream/errors.js';

/** The client went away while its body was being read. */
export const ABORTED = Symbol('client aborted');

/** Read a whole request body, up to `limit` bytes; undefined when the limit is exceeded, ABORTED when the client left. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined | typeof ABORTED> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = () => {
      cleanup();
      resolve(ABORTED);
    };
    const onAborted = () => {
      cleanup();
      resolve(ABORTED);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** A pass-through that fails once more than `limit` bytes went through (bodies of unknown length). */
export function limitStream(limit: number, onSize?: (bytes: number) => void): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      size += chunk.length;
      onSize?.(size);
      if (size > limit) cb(new BodyLimitError(`request body larger than ${limit} bytes`));
      else cb(null, chunk);
    },
  });
}
