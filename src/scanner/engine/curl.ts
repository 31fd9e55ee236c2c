import type { RecordedRequest } from '../types.js';

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command reproducing a recorded request; credentials appear as `$AUTH_<IDENTITY>` placeholders. */
export function curlOf(r: RecordedRequest): string {
  const parts = ['curl', '-i', '-X', r.method, quote(r.url)];
  for (const [k, v] of Object.entries(r.headers)) {
    if (k === 'user-agent' || k === 'accept') continue;
    const m = /^<credentials of (.+)>$/.exec(v);
    parts.push('-H', m !== null ? `"${k}: $AUTH_${m[1]!.toUpperCase().replace(/[^A-Z0-9]/g, '_')}"` : quote(`${k}: ${v}`));
  }
  if (r.body !== undefined) parts.push('--data-raw', quote(r.body));
  return parts.join(' ');
}
