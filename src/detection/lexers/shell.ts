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
  /** The prefix command that runs it (`nohup`, `time`, `strace`), when there is one. */
  readonly prefix?: string;
  /** The word as written is capitalised like a name (`Python`, not `CHMOD`): POSIX shells would not find it. */
  readonly upper: boolean;
  /** Blank-separated words after the command word, to the next separator (at most 80 characters, raw). */
  readonly rest: string;
}

const SEPARATORS = ['&&', '||', '$(', '<(', '>(', ';', '|', '&', '\n', '`', '{', '\r'];

function isWordEnd(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === ';' || c === '|' || c === '&' || c === '\n' || c === '\r' || c === '`' || c === ')' || c === '(' || c === '<' || c === '>' || c === '}' || c === ',';
}

/** Shell variables assigned earlier in the value (`a=nc;$a -e sh`): name -> unquoted value. */
export type ShellVars = Map<string, string>;

/**
 * Read one shell word from `i`: returns [unquoted text, end index, obfuscated, where a blank an expansion brought
 * in splits it (-1: none)]. A `$name` the value assigned is
 * replaced by its value; any other lower-case or short name is taken as unset (empty, as in a fresh shell: the
 * `uname$u` trick); upper-case environment names (`$HOME`, `${PATH:0:1}`) end the word.
 */
function readWord(s: string, i: number, vars?: ShellVars): [string, number, boolean, number] {
  let out = '';
  let obf = false;
  let split = -1;
  let j = i;
  while (j < s.length && out.length < 64) {
    const c = s[j];
    // `pi<()ng`, `pi``ng`: an empty process substitution or command substitution is nothing inside a word.
    if ((c === '<' || c === '>') && s[j + 1] === '(' && s[j + 2] === ')') {
      obf = true;
      j += 3;
      continue;
    }
    if (c === '`' && s[j + 1] === '`') {
      obf = true;
      j += 2;
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
      // `$0` is the running shell's own name: `$0 -c id` starts a shell.
      if (n === '0' && out === '' && (s[j + 2] === ' ' || s[j + 2] === '\t') && s[j + 3] === '-') {
        obf = true;
        out = 'sh';
        j += 2;
        continue;
      }
      // $@ $* $1..$9 and ${x:0:0}-style empties expand to nothing in a command word.
      if (n === '@' || n === '*' || n === '!' || n === '-' || n === '$' || n === '?' || n === '_' || (n !== undefined && n >= '0' && n <= '9')) {
        obf = true;
        j += 2;
        continue;
      }
      // `$()` is empty: wh$()oami is whoami. `$'..'` is ANSI-C quoting: $'whoami' is whoami.
      if (n === '(' && s[j + 2] === ')') {
        obf = true;
        j += 3;
        continue;
      }
      if (n === "'") {
        j++;
        continue;
      }
      if (n === '{' || n === '(') break;
      const v = variableAt(s, j + 1);
      if (v !== undefined) {
        const name = s.slice(j + 1, v);
        const value = vars?.get(name);
        if (value === undefined && !mayBeUnset(name)) break;
        obf = true;
        const blank = value === undefined ? -1 : value.indexOf(' ');
        if (split === -1 && blank !== -1) split = out.length + blank;
        out += value ?? '';
        j = v;
        continue;
      }
    }
    out += c;
    j++;
  }
  return [out, j, obf, split];
}

/** End of the variable name at `i` (letters, digits, '_', not starting with a digit), or undefined. */
function variableAt(s: string, i: number): number | undefined {
  let j = i;
  while (j < s.length && j - i < 32) {
    const c = s.charCodeAt(j);
    const letter = (c | 0x20) >= 97 && (c | 0x20) <= 122;
    if (letter || c === 95 || (j > i && c >= 48 && c <= 57)) j++;
    else break;
  }
  return j === i ? undefined : j;
}

/** Short upper-case names a shell always sets. */
const SET_SHORT = new Set(['IFS', 'PWD', 'UID', 'PS1', 'PS2', 'PS4']);

/** Names an attacker leaves unset: with a lower-case letter, or up to three capitals (`$u`, `$XX`); `$HOME`, `$IFS` are set. */
function mayBeUnset(name: string): boolean {
  return name !== name.toUpperCase() || (name.length <= 3 && !SET_SHORT.has(name));
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
  const vars: ShellVars = new Map();
  for (const [at, after] of starts) {
    let b = skipBlank(s, at);
    // `|| (id)`: a subshell after a separator runs its first word (not at the start: "(optional)" is prose).
    for (let k = 0; k < 4 && after !== '^' && s[b] === '('; k++) b = skipBlank(s, b + 1);
    // `{,ip,a}`: brace expansion whose first alternative is empty.
    if (after === '{') while (s[b] === ',') b++;
    let [raw, end, obf, split] = readWord(s, b, vars);
    // `$u wget`: a word that expanded to nothing is no word; the command is the next one.
    for (let k = 0; k < 3 && raw === '' && end > b; k++) {
      b = skipBlank(s, end);
      [raw, end, , split] = readWord(s, b, vars);
      obf = true;
    }
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    if (eq > 0 && variableAt(raw, 0) === eq) {
      // `a=nc`: an assignment, remembered for later `$a`; `a=b cmd` runs cmd with it set.
      if (vars.size < 16) vars.set(raw.slice(0, eq), raw.slice(eq + 1));
      const next = skipBlank(s, end);
      if (next >= s.length || isWordEnd(s[next])) continue;
      b = next;
      [raw, end, obf, split] = readWord(s, b, vars);
      if (raw === '') continue;
    }
    // An expansion with blanks in it is split into words (quoted blanks are not): the first is the command.
    const expanded = split > 0 ? raw.slice(split + 1) + ' ' : '';
    if (split > 0) raw = raw.slice(0, split);
    let word = raw.toLowerCase();
    const slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
    const pathQualified = slash >= 0 && slash < word.length - 1;
    if (pathQualified) word = word.slice(slash + 1);
    if (word.endsWith('.exe') || word.endsWith('.com')) word = word.slice(0, -4);
    // `{nc,-lvp,777}`: in a brace expansion the other alternatives are the arguments.
    const tail = after === '{' && s[end] === ',' ? braceArgs(s, end) : s;
    const argStart = tail === s ? skipBlank(s, end) : 0;
    const arg = expanded + tail.slice(argStart, argStart + 40);
    out.push({ word, pathQualified, glob: isGlob(raw), after, start: b, arg, obfuscated: obf, upper: hasUpper(raw), rest: expanded + restOf(tail, argStart) });
    if (PREFIX_COMMANDS.has(word) && tail === s && out.length < maxWords) prefixed(s, argStart, after, obf, hasUpper(raw) ? raw : word, out, vars);
  }
  return out;
}

/** `{a,-b,c}` from the comma after the first alternative: the other alternatives, blank-separated. */
function braceArgs(s: string, comma: number): string {
  const close = s.indexOf('}', comma);
  const end = close === -1 ? Math.min(s.length, comma + 80) : Math.min(close, comma + 80);
  return s.slice(comma + 1, end).replaceAll(',', ' ');
}

/** The raw words after a command, to the next separator (bounded). */
function restOf(s: string, from: number): string {
  let j = from;
  while (j < s.length && j - from < 80) {
    const c = s[j];
    if (c === ';' || c === '|' || c === '&' || c === '\n' || c === '\r' || c === '`') break;
    j++;
  }
  return s.slice(from, j);
}

function hasUpper(raw: string): boolean {
  return raw !== raw.toLowerCase() && raw !== raw.toUpperCase();
}

function isGlob(raw: string): boolean {
  return raw.includes('?') || raw.includes('*') || (raw.includes('[') && raw.includes(']'));
}

/** Commands that run the command after them (`nohup id`, `time curl x`, `timeout 5 bash`, `sudo -u x sh`). */
export const PREFIX_COMMANDS: ReadonlySet<string> = new Set(['flock', 'nohup', 'time', 'sudo', 'doas', 'env', 'nice', 'ionice', 'timeout', 'strace', 'ltrace', 'command', 'builtin', 'exec', 'setsid', 'stdbuf', 'taskset', 'cpulimit', 'chroot', 'xargs', 'watch', 'unbuffer', 'busybox', 'proxychains', 'torsocks']);

/** Prefix commands whose first operand is a file or directory, before the command (`flock -u / id`, `chroot / sh`). */
const FILE_FIRST = new Set(['flock', 'chroot']);

/** The word a prefix command runs: options, their numbers and VAR=value assignments skipped (at most six). */
function prefixed(s: string, from: number, after: string, obf: boolean, prefix: string, out: CommandWord[], vars: ShellVars): void {
  let at = from;
  let file = FILE_FIRST.has(prefix);
  const prefixUpper = hasUpper(prefix);
  for (let k = 0; k < 6 && at < s.length; k++) {
    const [raw, end, o] = readWord(s, at, vars);
    if (raw === '') return;
    const numeric = [...raw].every((c) => (c >= '0' && c <= '9') || c === '.');
    if (raw.startsWith('-') || numeric || (raw.includes('=') && !raw.startsWith('=')) || (file && raw.startsWith('/'))) {
      if (!raw.startsWith('-')) file = false;
      at = skipBlank(s, end);
      continue;
    }
    let word = raw.toLowerCase();
    const slash = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
    const pathQualified = slash >= 0 && slash < word.length - 1;
    if (pathQualified) word = word.slice(slash + 1);
    const argStart = skipBlank(s, end);
    out.push({ word, pathQualified, glob: isGlob(raw), after, start: at, arg: s.slice(argStart, Math.min(s.length, argStart + 40)), obfuscated: obf || o, upper: prefixUpper || hasUpper(raw), prefix: prefix.toLowerCase(), rest: restOf(s, argStart) });
    return;
  }
}

/** Does a glob word (c?t, ?h?, *at, [u]name, [!a]d) match `name`? Iterative, linear in practice (no recursion). */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    const step = p < pattern.length ? matchOne(pattern, p, name.charCodeAt(n)) : 0;
    if (step > 0) {
      p += step;
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

/** How many pattern characters matched `c` at `p` (a character, `?`, or a `[...]` class): 0 when none. */
function matchOne(pattern: string, p: number, c: number): number {
  const ch = pattern[p];
  if (ch === '*') return 0;
  if (ch === '?') return 1;
  if (ch === '[') {
    const close = pattern.indexOf(']', p + 2);
    if (close !== -1 && close - p <= 32) {
      let q = p + 1;
      const negate = pattern[q] === '!' || pattern[q] === '^';
      if (negate) q++;
      let hit = false;
      for (; q < close; q++) {
        const lo = pattern.charCodeAt(q);
        if (pattern[q + 1] === '-' && q + 2 < close) {
          hit ||= c >= lo && c <= pattern.charCodeAt(q + 2);
          q += 2;
        } else hit ||= c === lo;
      }
      return hit !== negate ? close + 1 - p : 0;
    }
  }
  return pattern.charCodeAt(p) === c ? 1 : 0;
}
