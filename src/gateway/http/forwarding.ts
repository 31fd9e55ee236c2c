/**
 * Headers of the request sent upstream and of the response sent back.
 *
 * RFC 9110 §7.6.1: hop-by-hop fields (Connection and the fields it names, Keep-Alive, Proxy-Connection,
 * TE, Transfer-Encoding, Upgrade, Trailer, Proxy-Authorization/-Authenticate) belong to one connection and
 * are never forwarded. X-Forwarded-For/-Proto/-Host, Forwarded, X-Real-IP and X-Request-Id are set by the
 * gateway; a client's copies (in any case, with "_" for "-") are dropped unless the peer is a trusted proxy.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'trailer',
  'proxy-authorization',
  'proxy-authenticate',
  'http2-settings',
  // Expect: 100-continue is answered by the listener itself; the upstream request is sent whole.
  'expect',
]);

const GATEWAY_OWNED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-real-ip', 'x-request-id']);

export interface UpstreamHeaderOptions {
  readonly clientIp: string;
  readonly peerIp: string;
  /** The peer is a trusted proxy: its X-Forwarded-* chain is extended, not replaced. */
  readonly trustedPeer: boolean;
  readonly proto: 'http' | 'https';
  readonly requestId: string;
  /** Replace Content-Length (the body was buffered or rewritten); undefined keeps the client's framing. */
  readonly contentLength?: number;
  /** Added after filtering (identity headers...). Lower-case names. */
  readonly extra?: Readonly<Record<string, string>>;
  /** Client headers to drop (lower-case, "-" form); variants with "_" are dropped too. */
  readonly drop?: readonly string[];
}

/** Names listed in a Connection header (lower-case), or undefined when there are none. */
function connectionTokens(rawHeaders: readonly string[]): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() !== 'connection') continue;
    for (const t of (rawHeaders[i + 1] as string).split(',')) {
      const n = t.trim().toLowerCase();
      if (n !== '' && n !== 'close' && n !== 'keep-alive') (out ??= new Set()).add(n);
    }
  }
  return out;
}

/** Build the upstream request's header list (flat [name, value, ...], as undici takes it). */
export function buildUpstreamHeaders(rawHeaders: readonly string[], o: UpstreamHeaderOptions): string[] {
  const named = connectionTokens(rawHeaders);
  const out: string[] = [];
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let host: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    let lower = name.toLowerCase();
    if (lower.includes('_')) lower = lower.replace(/_/g, '-');
    if (HOP_BY_HOP.has(lower) || named?.has(lower)) continue;
    if (lower === 'host') {
      host = value;
      continue; // undici sets the target's Host; the original goes in X-Forwarded-Host
    }
    if (lower === 'content-length') {
      if (o.contentLength === undefined) out.push('content-length', value);
      continue;
    }
    if (GATEWAY_OWNED.has(lower)) {
      if (o.trustedPeer && name.indexOf('_') === -1) {
        if (lower === 'x-forwarded-for') xff = xff === undefined ? value : `${xff}, ${value}`;
        else if (lower === 'x-forwarded-proto') xfProto ??= value;
        else if (lower === 'x-forwarded-host') xfHost ??= value;
      }
      continue;
    }
    if (o.drop !== undefined && o.drop.includes(lower)) continue;
    out.push(name, value);
  }
  if (o.contentLength !== undefined) out.push('content-length', String(o.contentLength));
  out.push('x-forwarded-for', xff === undefined ? o.peerIp : `${xff}, ${o.peerIp}`);
  out.push('x-forwarded-proto', xfProto ?? o.proto);
  if (xfHost !== undefined || host !== undefined) out.push('x-forwarded-host', (xfHost ?? host) as string);
  out.push('x-real-ip', o.clientIp);
  out.push('x-request-id', o.requestId);
  if (o.extra !== undefined) for (const k in o.extra) out.push(k, o.extra[k] as string);
  return out;
}

/**
 * undici's raw response headers as a lower-case object, without hop-by-hop fields (nor those the upstream's
 * Connection header names); repeated fields become arrays (Set-Cookie).
 */
export function responseHeadersFromRaw(raw: readonly (Buffer | string)[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString().toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    if (name === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
    if (HOP_BY_HOP.has(name)) continue;
    const have = out[name];
    if (have === undefined) out[name] = value;
    else if (Array.isArray(have)) have.push(value);
    else out[name] = [have, value];
  }
  if (connection !== undefined) for (const t of connection.split(',')) delete out[t.trim().toLowerCase()];
  return out;
}
