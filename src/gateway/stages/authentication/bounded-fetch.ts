import { request } from 'undici';

export interface FetchLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/**
 * Fetch JSON from a configured URL with a hard timeout and size cap. Redirects are not followed (a key
 * endpoint that redirects elsewhere is a misconfiguration, not something to chase).
 */
export async function fetchJson(url: string, limits: FetchLimits, init?: { method: 'POST'; headers: Record<string, string>; body: string }): Promise<unknown> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const res = await request(url, {
    method: init?.method ?? 'GET',
    headers: { accept: 'application/json', ...init?.headers },
    ...(init === undefined ? {} : { body: init.body }),
    signal,
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
  });
  // Destroying the body below emits 'error'; the failure is reported by the throw, not as an unhandled event.
  res.body.on('error', () => {});
  if (res.statusCode !== 200) {
    res.body.destroy();
    throw new Error(`HTTP ${res.statusCode}`);
  }
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > limits.maxBytes) {
    res.body.destroy();
    throw new Error(`response larger than ${limits.maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > limits.maxBytes) {
      res.body.destroy();
      throw new Error(`response larger than ${limits.maxBytes} bytes`);
    }
    chunks.push(b);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
