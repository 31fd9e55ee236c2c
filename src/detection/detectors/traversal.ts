import { countWords } from '../lexers/markdown.js';
import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { globMatch } from '../lexers/shell.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/** Path traversal and local file inclusion: `..` path segments after decoding, sensitive paths, stream wrappers. */
const R = {
  dotdotMany: rule('traversal', 'traversal.dot-dot', 1, 5, 'several ../ path segments'),
  dotdotOne: rule('traversal', 'traversal.dot-dot-single', 1, 3, 'a ../ path segment'),
  sensitive: rule('traversal', 'traversal.sensitive-file', 1, 5, 'reference to a sensitive system file'),
  sensitiveInText: rule('traversal', 'traversal.sensitive-file-in-text', 2, 3, 'a sensitive system file named in a sentence'),
  wrapper: rule('traversal', 'traversal.stream-wrapper', 1, 5, 'file-reading stream wrapper (php://, phar://, zip://, expect://)'),
  dotdotParanoid: rule('traversal', 'traversal.dot-dot-single-pl2', 2, 2, 'a ../ path segment (paranoia 2 adds to the single-segment score)'),
  hidden: rule('traversal', 'traversal.hidden-path', 2, 5, 'request for a hidden file or directory (.git, .env, tool configs)'),
  systemPath: rule('traversal', 'traversal.system-path', 2, 3, 'a path under a system directory (logs, service configs, web roots)'),
  systemPathParanoid: rule('traversal', 'traversal.system-path-pl3', 3, 2, 'a path under a system directory (paranoia 3 adds to its score)'),
};

/** Files and directories attackers read (OS credentials, keys, server and app configs). */
const SENSITIVE = re(
  '(?:^|[/\\\\]|\\.\\.|\\b)(?:etc[/\\\\](?:passwd|shadow|master\\.passwd|group|hosts|issue|sudoers|crontab|security[/\\\\]|ssh[/\\\\]|profile|environment|motd|fstab|hostname|resolv\\.conf|network)' +
    '|proc[/\\\\](?:self|\\d{1,7})[/\\\\](?:environ|cmdline|fd|maps|status|mem|exe|cwd|root)|proc[/\\\\](?:version|cpuinfo|meminfo|mounts|net[/\\\\]|interrupts|modules|kcore|sched_debug|partitions|devices|filesystems|cmdline|config\\.gz)|sys[/\\\\](?:class|kernel|devices|block|bus|firmware|power|module)\\b' +
    '|boot\\.ini|win\\.ini|system\\.ini|autoexec\\.bat|windows[/\\\\](?:system32|win\\.ini|repair|panther)|winnt[/\\\\]|inetpub[/\\\\]|system32[/\\\\]' +
    '|\\.ssh[/\\\\]|id_(?:rsa|dsa|ecdsa|ed25519)\\b|authorized_keys|known_hosts|\\.htpasswd|\\.htaccess|web\\.config|web-inf[/\\\\]|meta-inf[/\\\\]' +
    '|\\.git[/\\\\](?:config|head|index|objects)|\\.svn[/\\\\]|\\.env\\b(?!\\.(?:example|sample|template|dist|defaults)\\b)|wp-config\\.php|\\.bash_history|\\.bashrc|\\.aws[/\\\\]credentials|\\.docker[/\\\\]config' +
    '|\\.kube[/\\\\]config|php\\.ini|my\\.cnf|httpd\\.conf|\\.mysql_history|\\.viminfo' +
    '|root[/\\\\]\\.|localsettings\\.php|config\\.inc\\.php|\\.netrc|\\.pgpass|shadow\\.bak|\\.npmrc|\\.gitconfig|(?<![\\w-])\\.history\\b(?!\\.[a-z])|global\\.asa|applicationhost\\.config)',
  'i',
);
/**
 * Directories of logs, service configurations and web roots: what a file parameter reads when it is attacked (log
 * poisoning, config disclosure), and what log search, deployment and monitoring APIs name every day. Weak alone.
 */
const SYSTEM_DIRS = re('(?:^|[/\\\\]|\\.\\.)(?:etc[/\\\\](?:mysql|apache2?|httpd|nginx)[/\\\\]|var[/\\\\](?:log|lib|run|www|mail|spool)[/\\\\]|usr[/\\\\]local[/\\\\](?:etc|apache))', 'i');
const WRAPPER = re('\\b(?:php|phar|zip|expect|glob|data|compress\\.zlib|compress\\.bzip2|ogg|rar|ssh2(?:\\.[a-z]{1,8})?)://', 'i');

export const traversalDetector: ValueDetector = {
  name: 'traversal',
  rules: Object.values(R),
  trigger: M.DOT | M.SLASH | M.BACKSLASH | M.COLON,
  inspect(view: View, item: Item, out: Emitter): void {
    const s = view.text;
    if ((view.mask & M.DOT) !== 0) {
      const n = dotDotSegments(s);
      // In a request path: `..;/` (Tomcat drops the path parameter, a client never sends it). A segment ending in
      // `..` (`/static../app`: nginx's alias without a trailing slash climbs out of its directory) is weaker: such
      // names exist.
      if (n >= 2 || (item.kind === 'path' && s.includes('..;'))) out.emit(R.dotdotMany, excerpt(s, s.indexOf('..')));
      else if (item.kind === 'path' && aliasClimb(s)) out.emit(R.dotdotOne, excerpt(s, s.indexOf('..')));
      else if (n === 1 && item.kind !== 'path') {
        out.emit(R.dotdotOne, excerpt(s, s.indexOf('..')));
        out.emit(R.dotdotParanoid, excerpt(s, s.indexOf('..')));
      }
      if (item.location === 'path') {
        const h = hiddenSegment(s);
        if (h !== -1) out.emit(R.hidden, excerpt(s, h));
      }
    }
    if ((view.mask & (M.SLASH | M.BACKSLASH | M.DOT)) !== 0) {
      // Shells drop backslashes before ordinary letters: /etc/\\passw\\d is /etc/passwd.
      let text = (view.mask & M.BACKSLASH) !== 0 && (view.mask & M.SLASH) !== 0 ? s.replaceAll('\\', '') : s;
      // Shell bracket globs name one file: /etc/pas[s]wd, /[e]tc/[p]asswd.
      if ((view.mask & M.BRACKET) !== 0 && (view.mask & M.SLASH) !== 0) text = unbracket(text);
      const m = SENSITIVE.exec(text);
      let d: RegExpExecArray | null;
      if (m !== null) out.emit(inSentence(text, m.index) ? R.sensitiveInText : R.sensitive, excerpt(text, m.index));
      else if ((view.mask & M.SLASH) !== 0 && (view.lower.includes('var') || view.lower.includes('etc') || view.lower.includes('usr')) && (d = SYSTEM_DIRS.exec(text)) !== null) {
        if (!inSentence(text, d.index)) {
          out.emit(R.systemPath, excerpt(text, d.index));
          out.emit(R.systemPathParanoid, excerpt(text, d.index));
        }
      } else if ((view.mask & M.BRACKET) !== 0 && (view.mask & M.SLASH) !== 0) {
        // `/etc/[!abc]asswd`, `/[?]tc/pa[?]swd`: a bracket class is one character to the shell.
        const g = globbedSensitive(s);
        if (g !== -1) out.emit(R.sensitive, excerpt(s, g));
      }
    }
    if ((view.mask & M.COLON) !== 0) {
      const w = WRAPPER.exec(s);
      if (w !== null) out.emit(R.wrapper, excerpt(s, w.index));
    }
  },
};

/**
 * The path at `at` is one word of a sentence ("I checked /etc/sudoers with visudo"): four words or more besides it,
 * and no `..` or NUL in it. A file parameter holds the path alone; a command or an include that reads the file is
 * caught by its own detector.
 */
function inSentence(s: string, at: number): boolean {
  if (s.length < 24) return false;
  let a = at;
  while (a > 0 && !isBlank(s.charCodeAt(a - 1))) a--;
  let b = at;
  while (b < s.length && !isBlank(s.charCodeAt(b))) b++;
  let token = s.slice(a, b);
  while (token !== '' && '\'"`([<'.includes(token[0] ?? '')) token = token.slice(1);
  // The path starts the word (`/etc/sudoers`, `~/.bashrc`, `C:\Windows`), not an option's or a key's (`if=/etc/x`, `-X/var/www`).
  const start = token[0] === '/' || token[0] === '~' || (/* drive letter */ token[1] === ':' && (token[2] === '\\' || token[2] === '/'));
  if (!start || token.includes('..') || token.includes('\0') || token.includes('://')) return false;
  return countWords(s.slice(0, a)) + countWords(s.slice(b)) >= 4;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Replace each short `[...]` glob class by its first letter (or drop it when it has none). */
function unbracket(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('[', i);
    if (open === -1) break;
    const close = s.indexOf(']', open + 1);
    if (close === -1 || close - open > 12) {
      out += s.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    out += s.slice(i, open);
    const inner = s.slice(open + 1, close);
    const letter = [...inner].find((c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    out += inner.startsWith('!') || inner.startsWith('^') || inner.includes('-') ? '' : letter ?? '';
    i = close + 1;
  }
  return out + s.slice(i);
}

/** Index of a path segment that names a hidden file or directory (`/.git/`, `/.env`), `.well-known` excepted. */
function hiddenSegment(path: string): number {
  let i = path.indexOf('/.');
  while (i !== -1) {
    const c = path.charCodeAt(i + 2);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    // `.well-known` (RFC 8615) and SCIM's `/.search` (RFC 7644 §3.4.3) are standard endpoints.
    if (letter && !path.startsWith('/.well-known', i) && !(path.startsWith('/.search', i) && (path.length === i + 8 || path[i + 8] === '?'))) return i;
    i = path.indexOf('/.', i + 2);
  }
  return -1;
}

/** Count `..` segments: delimited by start/end or a slash/backslash (so `..foo` and `foo..` are not). */
/** A path segment that ends in `..` after other characters, followed by a slash: `/static../`. */
function aliasClimb(s: string): boolean {
  for (let i = s.indexOf('../'); i > 0; i = s.indexOf('../', i + 3)) {
    const c = s[i - 1];
    if (c !== '/' && c !== '.' && c !== '\\') return true;
  }
  return false;
}

export function dotDotSegments(s: string): number {
  let n = 0;
  let i = s.indexOf('..');
  while (i !== -1) {
    const before = i === 0 ? '/' : s[i - 1];
    let j = i + 2;
    while (s[j] === '.') j++;
    const after = j >= s.length ? '/' : s[j];
    const sep = (c: string | undefined) => c === '/' || c === '\\' || c === ';' || c === ' ';
    // A slash on one side at least: an ellipsis between blanks ("SELECT ... FROM", "a .. b") is prose.
    const slash = (c: string | undefined) => c === '/' || c === '\\';
    const touches = slash(s[i - 1]) || slash(s[j]) || /* Tomcat path parameter */ s[j] === ';';
    // Three dots are an ellipsis (`.../App.app/App` in a crash report, `dat=https://x/... }`); two, or four and more
    // (`....//`, what is left once a filter deletes `../`), climb.
    if (sep(before) && sep(after) && touches && (i > 0 || j < s.length) && j - i !== 3) n++;
    i = s.indexOf('..', j);
  }
  return n;
}

const SENSITIVE_FILES = ['/etc/passwd', '/etc/shadow', '/etc/hosts', '/etc/group', '/etc/sudoers', '/etc/issue', '/proc/self/environ', '/proc/self/cmdline', '/root/.ssh/id_rsa', '/root/.bash_history'];

/** Index of a path token that, with its [...] classes read as one character each, names a sensitive file. */
function globbedSensitive(s: string): number {
  for (let i = s.indexOf('/'); i !== -1; i = s.indexOf('/', i + 1)) {
    if (i > 0 && s[i - 1] !== ' ' && s[i - 1] !== '=' && s[i - 1] !== ';' && s[i - 1] !== '|' && s[i - 1] !== '&' && s[i - 1] !== '"' && s[i - 1] !== "'") continue;
    let end = i;
    while (end < s.length && end - i < 80 && s[end] !== ' ' && s[end] !== ';' && s[end] !== '&' && s[end] !== '|' && s[end] !== '"' && s[end] !== "'") end++;
    const token = s.slice(i, end);
    if (!token.includes('[')) continue;
    let pattern = '';
    for (let k = 0; k < token.length; k++) {
      if (token[k] === '[') {
        const close = token.indexOf(']', k + 1);
        if (close !== -1 && close - k <= 12) {
          pattern += '?';
          k = close;
          continue;
        }
      }
      pattern += token[k];
    }
    const p = pattern.toLowerCase();
    if (SENSITIVE_FILES.some((f) => globMatch(p, f))) return i;
  }
  return -1;
}
