/**
 * Markdown a shell reader must not take for shell syntax: the pipes of a GitHub-flavoured table (`| Free | $0 |`)
 * and inline code spans in prose ("use `ls -la | grep '^d'` to list directories"). Both are masked with blanks
 * of the same length, so offsets (and excerpts) stay where they were.
 *
 * Inline code is masked only in prose: at least PROSE_WORDS words outside the spans, every back-tick run paired as
 * CommonMark pairs them (a run closes at the next run of the same length), each span opened after a blank or an
 * opening bracket or quote and closed before a blank or punctuation. A payload wrapped in back-ticks with little
 * text around it (`` `id` ``, `` a;`id` ``), or a fenced block (three back-ticks: code, read as code), is left
 * as it is.
 */
const PROSE_WORDS = 5;

export function maskMarkdownCode(s: string): string {
  let out = s.includes('|') ? maskTablePipes(s) : s;
  if (out.includes('```')) out = maskFences(out);
  if (out.includes('`')) out = maskInlineCode(out);
  return out;
}

/**
 * Fenced code blocks (CommonMark §4.5: a line opening with three back-ticks, closed by a line of at least as many)
 * in a message that is prose around them: a chat message or a document showing a query or a script. The block is
 * shown, not run; a payload still has to break out of its context, which the raw text is read for. A value that is
 * mostly a fence (little prose outside) is left as it is.
 */
export function maskFences(s: string): string {
  const blocks: [number, number][] = [];
  let at = 0;
  while (at < s.length && blocks.length < 32) {
    const open = fenceAt(s, at);
    if (open === -1) break;
    const run = runLength(s, open);
    let close = -1;
    for (let f = fenceAt(s, open + run); f !== -1; f = fenceAt(s, f + runLength(s, f))) {
      if (runLength(s, f) >= run) {
        close = f;
        break;
      }
    }
    // An unclosed fence runs to the end of the document.
    const end = close === -1 ? s.length : close + runLength(s, close);
    blocks.push([open, end]);
    at = end;
  }
  return blankSpansInProse(s, blocks);
}

/** The index of the next fence opening at a line start (after up to three blanks) from `from`, or -1. */
function fenceAt(s: string, from: number): number {
  let i = s.indexOf('```', from);
  while (i !== -1) {
    const lineStart = s.lastIndexOf('\n', i - 1) + 1;
    if (i - lineStart <= 3 && s.slice(lineStart, i).trim() === '') return i;
    i = s.indexOf('```', i + 3);
  }
  return -1;
}

/** The text with the pipes of table rows blanked, when it holds a table delimiter row (`|---|:---:|`). */
function maskTablePipes(s: string): string {
  const lines = s.split('\n');
  if (!lines.some(isDelimiterRow)) return s;
  return lines.map((l) => (l.includes('|') ? l.replaceAll('|', ' ') : l)).join('\n');
}

/** Only pipes, dashes, colons and blanks, with a pipe and three dashes. */
function isDelimiterRow(line: string): boolean {
  let pipes = 0;
  let dashes = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '|') pipes++;
    else if (c === '-') dashes++;
    else if (c !== ':' && c !== ' ' && c !== '\t' && c !== '\r') return false;
  }
  return pipes > 0 && dashes >= 3;
}

const OPENERS = ' \t\n\r(["\'';
const CLOSERS = ' \t\n\r.,;:!?)]"\'';

function maskInlineCode(s: string): string {
  const spans: [number, number][] = [];
  let i = s.indexOf('`');
  while (i !== -1) {
    const run = runLength(s, i);
    if (run >= 3) return s;
    let close = s.indexOf('`', i + run);
    while (close !== -1 && runLength(s, close) !== run) close = s.indexOf('`', close + runLength(s, close));
    if (close === -1) return s;
    const end = close + run;
    if ((i > 0 && !OPENERS.includes(s[i - 1] ?? '')) || (end < s.length && !CLOSERS.includes(s[end] ?? ''))) return s;
    spans.push([i, end]);
    i = s.indexOf('`', end);
  }
  return blankSpansInProse(s, spans);
}

/**
 * The text with each span blanked (line breaks kept, so offsets and lines stay), when the text outside the spans
 * is prose (PROSE_WORDS words at least); otherwise the text as it is.
 */
function blankSpansInProse(s: string, spans: readonly (readonly [number, number])[]): string {
  if (spans.length === 0) return s;
  let outside = '';
  let last = 0;
  for (const [a, b] of spans) {
    outside += s.slice(last, a) + ' ';
    last = b;
  }
  if (countWords(outside + s.slice(last)) < PROSE_WORDS) return s;
  let out = '';
  last = 0;
  for (const [a, b] of spans) {
    out += s.slice(last, a);
    for (let i = a; i < b; i++) out += s[i] === '\n' ? '\n' : ' ';
    last = b;
  }
  return out + s.slice(last);
}

function runLength(s: string, at: number): number {
  let n = 0;
  while (s[at + n] === '`') n++;
  return n;
}

/** Words of two letters or more (ASCII letters): how much of a value reads as prose. */
export function countWords(s: string): number {
  let n = 0;
  let run = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) | 0x20 : 0;
    if (c >= 97 && c <= 122) run++;
    else {
      if (run >= 2) n++;
      run = 0;
    }
  }
  return n;
}
