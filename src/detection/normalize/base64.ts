/**
 * Base64 / base64url values that decode to text. Attackers wrap payloads in base64 (JWT-like tokens,
 * serialized objects, "data" fields); the decoded text is inspected as one more view of the same input.
 * A payload may also start mid-group (a prefix glued to it), so the four alignments are tried and the most
 * printable decoding wins.
 */
const B64 = new Int16Array(128).fill(-1);
{
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) B64[a.charCodeAt(i)] = i;
  B64[45] = 62; // '-' (base64url)
  B64[95] = 63; // '_'
}

/** True when every character is in the base64 or base64url alphabet (padding allowed at the end). */
export function looksBase64(s: string, minLength: number): boolean {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  if (end < minLength || s.length - end > 2) return false;
  let upper = false;
  let lower = false;
  let digitOrSym = false;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (B64[c] ?? -1) < 0) return false;
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else digitOrSym = true;
  }
  // Plain words (all lower case, all upper case) are far more often words than base64.
  return upper && lower && (digitOrSym || end >= 16);
}

function decodeFrom(s: string, from: number, end: number): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = from; i < end; i++) {
    acc = (acc << 6) | (B64[s.charCodeAt(i)] ?? 0);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out;
}

function printable(b: number): boolean {
  return (b >= 32 && b < 127) || b === 9 || b === 10 || b === 13;
}

/**
 * The text the value decodes to, when at least `minRatio` of the bytes are printable ASCII (the run of
 * printable bytes is returned, without the binary prefix an alignment leaves), else undefined.
 */
export function decodeBase64Text(s: string, minRatio = 0.85): string | undefined {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  let best: number[] | undefined;
  let bestScore = -1;
  for (let shift = 0; shift < 4; shift++) {
    const bytes = decodeFrom(s, shift, end);
    let p = 0;
    for (const b of bytes) if (printable(b)) p++;
    const score = bytes.length === 0 ? 0 : p / bytes.length;
    if (score > bestScore) {
      bestScore = score;
      best = bytes;
    }
    if (score === 1) break;
  }
  if (best === undefined || bestScore < minRatio) return undefined;
  let out = '';
  for (const b of best) if (printable(b)) out += String.fromCharCode(b);
  return out;
}
