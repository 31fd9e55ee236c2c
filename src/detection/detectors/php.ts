import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/** PHP code and object injection: open tags, calls of functions that run code or touch files, superglobals, serialized objects, script uploads. */
const R = {
  openTag: rule('php', 'php.open-tag', 1, 5, 'PHP open tag'),
  dangerousCall: rule('php', 'php.dangerous-call', 1, 5, 'call of a PHP function that runs code, commands or reads files'),
  call: rule('php', 'php.function-call', 2, 3, 'call of a PHP function'),
  superglobal: rule('php', 'php.superglobal', 1, 5, 'PHP superglobal variable'),
  serialized: rule('php', 'php.serialized-object', 1, 5, 'PHP serialized object'),
  variableCall: rule('php', 'php.variable-function', 1, 5, 'variable function call ($f(...))'),
  upload: rule('php', 'php.script-upload', 1, 5, 'uploaded file name with a server-side script extension'),
  config: rule('php', 'php.config-directive', 1, 5, 'PHP configuration directive'),
  indirectCall: rule('php', 'php.indirect-call', 1, 5, 'dangerous PHP function called through an expression'),
  functionName: rule('php', 'php.function-name', 2, 5, 'name of a PHP-only function that runs code, decodes payloads or leaks internals'),
};

const DANGEROUS = new Set(
  ('system exec shell_exec passthru popen proc_open pcntl_exec eval assert create_function call_user_func call_user_func_array preg_replace ' +
    'include include_once require require_once file_get_contents file_put_contents fopen fwrite fputs readfile unlink base64_decode gzinflate gzuncompress ' +
    'gzdecode str_rot13 phpinfo move_uploaded_file highlight_file show_source parse_str extract putenv ini_set dl symlink posix_kill posix_setuid ' +
    'array_map array_filter usort uasort uksort array_walk register_shutdown_function register_tick_function ob_start fsockopen pfsockopen stream_socket_client ' +
    'curl_exec curl_init file glob opendir scandir readdir copy rename rmdir mkdir chmod chown touch tempnam tmpfile unserialize serialize var_dump print_r ' +
    'var_export get_defined_vars getenv gethostbyname escapeshellcmd escapeshellarg apache_setenv mail mb_send_mail imap_open error_log simplexml_load_file ' +
    'simplexml_load_string libxml_disable_entity_loader proc_nice proc_terminate stream_get_contents fread fgets fgetc file_exists is_file is_dir filesize ' +
    'set_error_handler set_exception_handler spl_autoload_register iterator_apply preg_replace_callback mb_ereg_replace ereg_replace hex2bin bin2hex chr ord ' +
    'strrev convert_uudecode str_replace implode explode gethostbyname fputcsv php_uname getcwd chdir phpversion posix_getpwuid posix_getpwnam sys_get_temp_dir').split(' '),
);
/** English words among them: called with no space and an argument that is code-like. */
const WORDS = new Set(['system', 'exec', 'eval', 'assert', 'include', 'require', 'extract', 'file', 'glob', 'copy', 'rename', 'mail', 'touch', 'chr', 'ord', 'implode', 'explode', 'serialize', 'unserialize', 'dl', 'print_r', 'mkdir', 'rmdir', 'chmod', 'chown', 'fopen', 'str_replace', 'usort', 'fread', 'fgets']);
const OPEN_TAG = re('<\\?(?:php\\b|=|\\s)', 'i');
const SUPERGLOBAL = re('\\$(?:_(?:get|post|server|cookie|request|files|env|session)\\b|globals\\b|http_(?:get|post|server|cookie|raw_post_data)_vars|http_raw_post_data)', 'i');
const SERIALIZED = re('(?:^|[;{"\'\\s])[oc]:\\+?\\d{1,5}:"[a-z_\\\\][\\w\\\\]{0,200}":\\+?\\d{1,5}:\\{|(?:^|[;{"\'\\s])a:\\d{1,6}:\\{\\s{0,4}[isbdo]:', 'i');
// `${@print(1)}`: PHP evaluates a call inside the complex-syntax braces of a string (the @ silences errors).
const VARIABLE_CALL = re('\\$\\{\\s{0,4}@\\s{0,4}[a-z_]\\w{0,40}\\s{0,8}\\(|\\$\\s{0,4}(?:\\{[^{}]{0,80}\\}|[a-z_]\\w{0,40})(?:\\s{0,8}(?:\\[[^\\][]{0,40}\\]|\\{[^{}]{0,40}\\}|->\\w{1,40})){0,4}\\s{0,8}\\(|\\(\\s{0,8}["\'][a-z_]{1,20}["\']\\s{0,8}\\.\\s{0,8}["\']', 'i');
/** A call through an expression: (system)('id'), [system][0](ls), ("sys"."tem")('id'), {[system][0]}('id'). */
const INDIRECT_CALL = re('[)\\]}\'"]\\s{0,8}\\(', 'g');
const SCRIPT_EXT = re('\\.(?:php\\d{0,3}|phtml|pht|phar|phps|shtml|jsp|jspx|asp|aspx|cer|asa|ascx|ashx|asmx|cfm|cgi|pl|py|sh|htaccess|user\\.ini)[.\\s]{0,16}(?:$|%00|\\x00)', 'i');
const CONFIG = re('\\b(?:auto_prepend_file|auto_append_file|allow_url_include|allow_url_fopen|disable_functions|open_basedir|safe_mode|suhosin\\.|register_globals)\\s{0,8}[=:]', 'i');
const CALL = re('\\b([a-z_][a-z0-9_]{1,40})\\s{0,8}\\(', 'gi');

export const phpDetector: ValueDetector = {
  name: 'php',
  rules: Object.values(R),
  // Runs on every value: PHP-only function names need no punctuation (checks inside are gated by the mask).
  trigger: 0,
  inspect(view: View, item: Item, out: Emitter): void {
    const s = view.text;
    const l = view.lower;
    // Comments are whitespace to PHP: $f/**/(1), (x)/* c */('id') are calls.
    const code = (view.mask & M.STAR) !== 0 && l.includes('/*') ? stripBlockComments(l) : l;
    if ((view.mask & M.LT) !== 0) {
      const t = OPEN_TAG.exec(s);
      if (t !== null && (l.includes('<?php') || /* <?= or <? code */ l.includes(';') || l.includes('(') || l.includes('$') || /* a closed <?= ... ?> */ (l.includes('<?=') && l.includes('?>')))) out.emit(R.openTag, excerpt(s, t.index));
    }
    if ((view.mask & M.DOLLAR) !== 0) {
      const g = SUPERGLOBAL.exec(s);
      if (g !== null) out.emit(R.superglobal, excerpt(s, g.index));
      const v = VARIABLE_CALL.exec(code);
      if (v !== null) out.emit(R.variableCall, excerpt(code, v.index));
    } else if ((view.mask & M.PAREN) !== 0 && (view.mask & (M.QUOTE | M.DQUOTE)) !== 0) {
      const v = VARIABLE_CALL.exec(s);
      if (v !== null) out.emit(R.variableCall, excerpt(s, v.index));
    }
    if ((view.mask & M.COLON) !== 0 && (view.mask & (M.BRACE | M.DQUOTE)) !== 0) {
      const o = SERIALIZED.exec(s);
      if (o !== null) out.emit(R.serialized, excerpt(s, o.index));
    }
    if ((view.mask & M.EQ) !== 0 || (view.mask & M.COLON) !== 0) {
      const c = CONFIG.exec(s);
      if (c !== null) out.emit(R.config, excerpt(s, c.index));
    }
    if ((view.mask & M.DOT) !== 0 && (item.kind === 'filename' || (item.kind === 'header' && isFileHeader(item.header)))) {
      // `shell.p\\h\\p`: parsers that unescape the name drop the backslashes.
      const e = SCRIPT_EXT.exec((view.mask & M.BACKSLASH) !== 0 ? s.replaceAll('\\', '') : s);
      if (e !== null) out.emit(R.upload, excerpt(s, Math.max(0, e.index - 20)));
    }
    if ((view.mask & M.PAREN) !== 0) {
      const at = indirectCall(code);
      if (at !== -1) out.emit(R.indirectCall, excerpt(code, Math.max(0, at - 30)));
    }
    const fn = phpOnlyName(l);
    if (fn !== -1) out.emit(R.functionName, excerpt(s, fn));
    if ((view.mask & M.PAREN) !== 0) calls(s, code, out);
  },
};

const STRONG_CALLS = ['system', 'exec', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec', 'eval', 'assert', 'phpinfo', 'base64_decode', 'create_function', 'call_user_func', 'file_get_contents', 'readfile', 'include', 'require'];
/** PHP-only function names: no other language or prose uses them. */
const PHP_ONLY = ['base64_decode', 'base64_encode', 'call_user_func', 'create_function', 'shell_exec', 'proc_open', 'pcntl_exec', 'gzuncompress', 'gzinflate', 'gzdecode', 'bzdecompress', 'str_rot13', 'get_defined_functions', 'get_defined_vars', 'get_defined_constants', 'file_get_contents', 'file_put_contents', 'move_uploaded_file', 'phpinfo', 'print_r', 'var_dump', 'var_export', 'preg_replace', 'posix_get', 'posix_set', 'posix_kill', 'php_uname', 'highlight_file', 'show_source', 'array_map', 'register_shutdown_function', 'set_error_handler', 'ini_set', 'ini_get_all', 'stream_get_contents', 'convert_uudecode', 'escapeshellcmd', 'fsockopen', 'curl_exec', 'openssl_decrypt', 'mb_ereg_replace', 'assert_options', 'session.bug_compat'];

/**
 * Where an expression is called: the callee (a parenthesised, bracketed, braced or quoted expression right before
 * `(`) spells a dangerous function once quotes, dots and brackets are dropped, or the arguments read as code (a
 * string, a variable, a number) and the value spells one somewhere (`define('x','sys'.'tem');(x)('id')`).
 * Prose ("the system is 'down' (again)") has neither. -1 when there is no such call.
 */
function indirectCall(code: string): number {
  INDIRECT_CALL.lastIndex = 0;
  let whole: boolean | undefined;
  for (let k = 0; k < 8; k++) {
    const m = INDIRECT_CALL.exec(code);
    if (m === null) return -1;
    const close = m.index;
    // `[system][0]`, `("sy")("st")`: chained groups make one callee.
    let start = calleeStart(code, close);
    for (let j = 0; j < 4; j++) {
      let b = start - 1;
      while (b > 0 && b > start - 8 && code.charCodeAt(b) === 32) b--;
      if (b < 0 || !')]}\'"'.includes(code[b] ?? '')) break;
      start = calleeStart(code, b);
    }
    if (squashedHasDangerous(code.slice(start, close + 1))) return close;
    const arg = /* first non-blank after '(' */ code.slice(close + m[0].length).trimStart().charCodeAt(0);
    if (arg === 39 || arg === 34 || arg === 36 || (arg >= 48 && arg <= 57)) {
      whole ??= squashedHasDangerous(code);
      if (whole) return close;
    }
  }
  return -1;
}

/** Start of the bracketed or quoted expression that ends at `close` (at most 80 characters back). */
function calleeStart(code: string, close: number): number {
  const c = code[close];
  if (c === "'" || c === '"') {
    const open = code.lastIndexOf(c, close - 1);
    return open === -1 ? close : Math.max(open, close - 80);
  }
  let depth = 0;
  for (let i = close; i >= 0 && i > close - 80; i--) {
    const ch = code.charCodeAt(i);
    if (ch === 41 || ch === 93 || ch === 125) depth++;
    else if (ch === 40 || ch === 91 || ch === 123) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return Math.max(0, close - 80);
}

/** The letters of the value with quotes, dots, brackets and spaces removed ("sy"."st"."em" is system). */
function squashedHasDangerous(l: string): boolean {
  let sq = '';
  for (let i = 0; i < l.length && sq.length < 400; i++) {
    const c = l.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c === 95) sq += l[i];
  }
  return STRONG_CALLS.some((f) => sq.includes(f));
}

function phpOnlyName(l: string): number {
  if (!l.includes('_') && !l.includes('gz') && !l.includes('bz') && !l.includes('phpinfo')) return -1;
  for (const f of PHP_ONLY) {
    const at = l.indexOf(f);
    if (at !== -1) return at;
  }
  return -1;
}

function stripBlockComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const a = s.indexOf('/*', i);
    if (a === -1) break;
    const b = s.indexOf('*/', a + 2);
    out += s.slice(i, a);
    i = b === -1 ? s.length : b + 2;
  }
  return out + s.slice(i);
}

function isFileHeader(h: string | undefined): boolean {
  return h !== undefined && (h.includes('file') || h === 'content-disposition' || h === 'destination');
}

function calls(s: string, l: string, out: Emitter): void {
  CALL.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = CALL.exec(l)) !== null && n++ < 16) {
    const name = m[1] ?? '';
    if (!DANGEROUS.has(name)) continue;
    const adjacent = m[0].length === name.length + 1;
    const after = l.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const codeArg = after.startsWith('$') || after.startsWith('"') || after.startsWith("'") || after.startsWith(')') || after.startsWith('chr') || after.startsWith('base64') || after.startsWith('_') || after.startsWith('`');
    if (!WORDS.has(name) || (adjacent && codeArg)) out.emit(R.dangerousCall, excerpt(s, m.index));
    else out.emit(R.call, excerpt(s, m.index));
    return;
  }
}
