import { decodeBase64Text, looksBase64 } from './base64.js';
import { charMask, M } from './charmask.js';
import { decodeBackslashEscapes, decodeHtmlEntities } from './escapes.js';
import { percentDecodeDeep } from './percent.js';
import { decodeUtf7, hasUtf7 } from './utf7.js';

/** One normalised form of an input value: what detectors read. */
export interface View {
  readonly text: string;
  readonly lower: string;
  /** charMask(text). */
  readonly mask: number;
  /** How this view was obtained: 'raw', 'decoded', 'utf7', 'base64'. */
  readonly via: 'raw' | 'decoded' | 'utf7' | 'base64';
}

const DECODE_TRIGGERS = M.PERCENT | M.BACKSLASH | M.AMP | M.NONASCII;

function view(text: string, via: View['via'], mask = charMask(text)): View {
  return { text, lower: text.toLowerCase(), mask, via };
}

/** Decode every layer (percent, \u / \x, HTML references, NFKC) while the value keeps changing: bounded. */
export function deepDecode(s: string, mask: number): string {
  if ((mask & DECODE_TRIGGERS) === 0) return s;
  let cur = s;
  for (let round = 0; round < 3; round++) {
    let next = percentDecodeDeep(cur);
    next = decodeBackslashEscapes(next);
    next = decodeHtmlEntities(next);
    if ((charMask(next) & M.NONASCII) !== 0) next = next.normalize('NFKC');
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

/**
 * The views of one transport-decoded input value (query and form values are already percent-decoded once,
 * JSON strings already unescaped): the value itself, its fully decoded form when different, its UTF-7 reading
 * and its base64 reading when those give text.
 */
export function viewsOf(value: string): View[] {
  const mask = charMask(value);
  const raw = view(value, 'raw', mask);
  const out: View[] = [raw];
  const decoded = deepDecode(value, mask);
  let last = raw;
  if (decoded !== value) {
    last = view(decoded, 'decoded');
    out.push(last);
  }
  if ((last.mask & M.PLUS) !== 0 && hasUtf7(last.text)) {
    const u = decodeUtf7(last.text);
    if (u !== last.text) out.push(view(deepDecode(u, charMask(u)), 'utf7'));
  }
  const trimmed = value.trim();
  if (trimmed.length >= 8 && looksBase64(trimmed, 8)) {
    const text = decodeBase64Text(trimmed);
    if (text !== undefined && text.length >= 4) out.push(view(deepDecode(text, charMask(text)), 'base64'));
  }
  return out;
}
