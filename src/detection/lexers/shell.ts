/**
 * Reading a value as POSIX shell (and cmd.exe) would: where commands start (after ; | || && & newline, inside
 * $( ) and back-ticks, in { } groups), and what the command word is once quoting tricks are undone
 * (c'a't, c\at, c$@at, ${IFS}, $IFS$9). Linear; bounded by `maxWords`.
 */
export interface CommandWord {
  /** The unquoted word, lower-cased, path and `.exe` stripped. */
  readonly word: string;
  /** The word as written had a directory (/bin/cat). */
  readonly pathQualified: boolean;
  /** It had glob characters (/???/c?t) and is a pattern. */
  readonly glob: boolean;
  /** What introduced it: '^' (start), ';', '|', '&', '\n', '$(', '`', '{', '<(', '||', '&&'. */
  readonly after: string;
  readonly start: number;
  /** The first argument, raw (for "does this look like shell" checks). */
  readonly arg: string;
  /** The word was quoted or escaped in a way only a shell would undo. */
  readonly obfuscated: boolean;
}

const SEPARATORS = ['&&', '||', '$(', '<(', '>(', ';', '|', '&', '\n', '`', '{', '\r'];

function isWordEnd(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === ';' || c === '|' || c === '&' || c === '\n' || c === '\r' || c === '`' || c === ')' || c === '(' || c === '<' || c === '>' || c === '}' || c === ',';
}

/** Read one shell word from `i`: returns [unquoted text, end index, obfuscated]. */
function readWord(s: string, i: number): [string, number, boolean] {
  let out = '';
  let obf = false;
  let j = i;
  while (j < s.length && out.length < 64) {
    const c = s[j];
    // `pi<()ng`: an empty process substitution is nothing inside a word.
    if ((c === '<' || c === '>') && s[j + 1] === '(' && s[j + 2] === ')') {
      obf = true;
      j += 3;
      continue;
    }
    if (isWordEnd(c)) break;
    if (c === "'" || c === '"') {
      obf = true;
      const end = s.indexOf(c, j + 1);
      if (end === -1) {
        j++;
        continue;
      }
      out += s.slice(j + 1, end);
      j = end + 1;
      continue;
    }
    if (c === '\\') {
      obf = true;
      out += s[j + 1] ?? '';
      j += 2;
      continue;
    }
    if (c === '$') {
      const n = s[j + 1];
      // $@ $* $1..$9 and ${x:0:0}-style empties expand to nothing in a command word.
      if (n === '@' || n === '*' || n === '!' || n === '-' || n === '$' || n === '?' || n === '_' || (n !== undefined && n >= '0' && n <= '9')) {
        obf = true;
        j += 2;
        continue;
      }
      // `$()` and `${}`-less `$''` are empty: wh$()oami is whoami.
      if (n === '(' && s[j + 2] === ')') {
        obf = true;
        j += 3;
        continue;
      }
      if (n === '{' || n === '(') break;
      if (s.startsWith('IFS', j + 1)) break;
    }
    out += c;
    j++;
  }
  return [out, j, obf];
}

function skipBlank(s: string, i: number): number {
  let j = i;
  for (;;) {
    const c = s[j];
    if (c === ' ' || c === '\t' || c === '{' || c === '(') {
      j++;
      continue;
    }
    if (s.startsWith('${IFS}', j)) {
      j += 6;
      continue;
    }
    if (s.startsWith('$IFS', j)) {
      j += 4;
      if (s[j] === '$' && s[j + 1] !== undefined && s[j + 1]! >= '0' && s[j + 1]! <= '9') j += 2;
      continue;
    }
    return j;
  }
}

export function commandWords(s: string, maxWords = 32): CommandWord[] {
  const out: CommandWord[] = [];
  const starts: Array<[number, string]> = [[0, '^']];
  for (let i = 0; i < s.length && starts.length < maxWords; i++) {
    const c = s[i];
    if (c !== ';' && c !== '|' && c !== '&' && c !== '\n' && c !== '\r' && c !== '`' && c !== '$' && c !== '{' && c !== '<' && c !== '>') continue;
    for (const sep of SEPARATORS) {
      if (s.startsWith(sep, i)) {
        starts.push([i + sep.length, sep]);
        i += sep.length - 1;
        break;
      }
    }
  }
  for (const [at, after] of starts) {
    const b = skipBlank(s, at);
    const [raw, end, obf] = readWord(s, b);
    if (raw === '') continue;
    let word = raw.toLowerCase();
    const slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
    const pathQualified = slash >= 0 && slash < word.length - 1;
    if (pathQualified) word = word.slice(slash + 1);
    if (word.endsWith('.exe') || word.endsWith('.com')) word = word.slice(0, -4);
    const argStart = skipBlank(s, end);
    const argEnd = Math.min(s.length, argStart + 40);
    out.push({ word, pathQualified, glob: raw.includes('?') || raw.includes('*'), after, start: b, arg: s.slice(argStart, argEnd), obfuscated: obf });
    if (PREFIX_COMMANDS.has(word) && out.length < maxWords) prefixed(s, argStart, after, obf, out);
  }
  return out;
}

/** Commands that run the command after them (`nohup id`, `time curl x`, `timeout 5 bash`, `sudo -u x sh`). */
const PREFIX_COMMANDS = new Set(['nohup', 'time', 'sudo', 'doas', 'env', 'nice', 'ionice', 'timeout', 'strace', 'ltrace', 'command', 'builtin', 'exec', 'setsid', 'stdbuf', 'taskset', 'cpulimit', 'chroot', 'xargs', 'watch', 'unbuffer', 'busybox', 'proxychains', 'torsocks']);

/** The word a prefix command runs: options, their numbers and VAR=value assignments skipped (at most six). */
function prefixed(s: string, from: number, after: string, obf: boolean, out: CommandWord[]): void {
  let at = from;
  for (let k = 0; k < 6 && at < s.length; k++) {
    const [raw, end, o] = readWord(s, at);
    if (raw === '') return;
    const numeric = [...raw].every((c) => (c >= '0' && c <= '9') || c === '.');
    if (raw.startsWith('-') || numeric || (raw.includes('=') && !raw.startsWith('='))) {
      at = skipBlank(s, end);
      continue;
    }
    let word = raw.toLowerCase();
    const slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
    const pathQualified = slash >= 0 && slash < word.length - 1;
    if (pathQualified) word = word.slice(slash + 1);
    const argStart = skipBlank(s, end);
    out.push({ word, pathQualified, glob: raw.includes('?') || raw.includes('*'), after, start: at, arg: s.slice(argStart, Math.min(s.length, argStart + 40)), obfuscated: obf || o });
    return;
  }
}

/** Does a glob word (c?t, ?h?, *at) match `name`? Iterative, linear in practice (no recursion). */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
