import { M, S } from '../normalize/charmask.js';
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
  builtinCall: rule('php', 'php.builtin-call', 2, 5, 'the value is a call of a PHP built-in function'),
  variableVariable: rule('php', 'php.variable-variable', 1, 5, "PHP variable variable (${'name'}, ${$a}, $ {...})"),
  sessionFile: rule('php', 'php.session-file', 1, 5, 'file name of a PHP session file (sess_<id>): session poisoning or inclusion'),
  renderCallback: rule('php', 'php.render-callback', 1, 5, 'Drupal render-array callback property in a parameter name (Drupalgeddon: #post_render runs a function)'),
};
/** `mail[#post_render][]`: render-array properties are internal to Drupal's form API; no browser form sends them. */
const RENDER_CALLBACK = re('\\[\\s{0,4}#\\s{0,4}(?:post_render|pre_render|lazy_builder|access_callback|process|after_build|element_validate|value_callback|submit|validate|ajax)\\b', 'i');

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
const VARIABLE_CALL = re('\\$\\{\\s{0,4}@\\s{0,4}[a-z_]\\w{0,40}\\s{0,8}\\(|\\$\\s{0,4}(?:\\{[^{}]{0,80}\\}|[a-z_]\\w{0,40})(?:\\s{0,8}(?:\\[(?:[^\\][]|\\[[^\\][]{0,20}\\]){0,40}\\]|\\{[^{}]{0,40}\\}|->\\w{1,40})){0,4}\\s{0,8}\\(|\\(\\s{0,8}["\'][a-z_]{1,20}["\']\\s{0,8}\\.\\s{0,8}["\']', 'i');
/** A call through an expression: (system)('id'), [system][0](ls), ("sys"."tem")('id'), {[system][0]}('id'). */
const INDIRECT_CALL = re('[)\\]}\'"]\\s{0,8}\\(', 'g');
/** `x.php.jpg`: Apache's multiple-extension handling runs it as PHP. */
const DOUBLE_EXT = re('\\.(?:php\\d{0,3}|phtml|pht|phpt|phar)\\.[a-z0-9]{1,5}$', 'i');
/** PHP's default session file name: `sess_` and the session id (20+ of [a-z0-9,-]). */
const SESSION_FILE = re('(?:^|[/\\\\])sess_[a-z0-9,-]{20,128}$', 'i');
const VARIABLE_VARIABLE = re('\\$\\s{1,16}\\{\\s{0,16}[^\\s}]|\\$\\{\\s{0,16}(?:[\'"$]|[a-z_]\\w{0,40}\\s{0,8}\\.\\s{0,8}[\'"$])', 'i');
const SCRIPT_EXT = re('\\.(?:php\\d{0,3}|phpt|phtm|pgif|phtml|pht|phar|phps|shtml|jsp|jspx|asp|aspx|cer|asa|ascx|ashx|asmx|cfm|cgi|pl|htaccess|user\\.ini)[.\\s]{0,16}(?:$|%00|\\x00)', 'i');
const CONFIG = re('\\b(?:auto_prepend_file|auto_append_file|allow_url_include|allow_url_fopen|disable_functions|open_basedir|safe_mode|suhosin\\.|register_globals)\\s{0,8}[=:]', 'i');
/**
 * php.ini / .user.ini / PHP_VALUE lines: a directive of a PHP extension section (`opcache.`, `session.`, `mbstring.`...)
 * or a core directive only PHP has, then `=`, at the start of the value or of a line.
 */
const INI_LINE = re('(?:^|[\\n;])\\s{0,8}(?:(?:opcache|session|mbstring|pcre|zend|assert|phar|xdebug|apc|apcu|mysqli|pdo_mysql|soap|date|url_rewriter|zlib|iconv|intl|mail|sqlite3|openssl|curl|ffi|cgi|fastcgi|fpm|realpath_cache)\\.[a-z][a-z0-9_]{2,40}|memory_limit|max_execution_time|max_input_time|max_input_vars|extension_dir|zend_extension|upload_max_filesize|post_max_size|upload_tmp_dir|file_uploads|error_reporting|display_errors|display_startup_errors|log_errors|error_log|html_errors|short_open_tag|include_path|unserialize_max_depth|unserialize_callback_func|serialize_precision|expose_php|enable_dl|sendmail_path|sendmail_from|user_ini\\.filename|variables_order|request_order|output_buffering|output_handler|default_charset|default_mimetype|doc_root|user_dir|cgi\\.fix_pathinfo|precision)\\s{0,8}=', 'i');
const DOT_BLANKS = re('\\s{0,8}\\.\\s{1,8}|\\s{1,8}\\.', 'g');
const CALL = re('\\b([a-z_][a-z0-9_]{1,40})\\s{0,8}\\(', 'gi');

export const phpDetector: ValueDetector = {
  name: 'php',
  rules: Object.values(R),
  // Runs on every value: PHP-only function names need no punctuation (checks inside are gated by the mask).
  trigger: 0,
  inspect(view: View, item: Item, out: Emitter): void {
    const s = view.text;
    const l = view.lower;
    if (item.kind === 'key' && (view.mask & (M.BRACKET | M.HASH)) === (M.BRACKET | M.HASH)) {
      const r = RENDER_CALLBACK.exec(s);
      if (r !== null) out.emit(R.renderCallback, excerpt(s, r.index));
    }
    // Comments are whitespace to PHP: $f/**/(1), (x)/* c */('id') are calls.
    let code = (view.mask & M.STAR) !== 0 && l.includes('/*') ? stripBlockComments(l) : l;
    // `exec //c\n(x)`, `$a #c\n()`: line comments too, when a line break ends them.
    if ((view.mask & M.NEWLINE) !== 0 && (view.mask & (M.HASH | M.SLASH)) !== 0) code = stripLineComments(code);
    if ((view.mask & M.LT) !== 0 && l.includes('<?')) {
      const t = OPEN_TAG.exec(s);
      if (t !== null && (l.includes('<?php') || /* <?= or <? code */ codeAfter(l, t.index) || /* a closed <?= ... ?> */ (l.includes('<?=') && l.includes('?>')))) out.emit(R.openTag, excerpt(s, t.index));
      else {
        const pi = codeProcessingInstruction(l);
        if (pi !== -1) out.emit(R.openTag, excerpt(s, pi));
      }
    }
    // Smarty `{php}` and BBCode-style `[php]` blocks run or carry PHP code.
    if ((view.mask & (M.BRACKET | M.BRACE)) !== 0 && l.includes('php')) {
      const b = bracketTag(l);
      if (b !== -1) out.emit(R.openTag, excerpt(s, b));
    }
    if ((view.mask & M.DOLLAR) !== 0 && (view.mask & M.BRACE) !== 0) {
      const vv = VARIABLE_VARIABLE.exec(s);
      if (vv !== null) out.emit(R.variableVariable, excerpt(s, vv.index));
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
      const c = CONFIG.exec(s) ?? ((view.mask & M.EQ) !== 0 && (l.includes('.') || l.includes('_') || l.includes('precision')) ? INI_LINE.exec(s) : null);
      if (c !== null) out.emit(R.config, excerpt(s, c.index));
    }
    // A full stop before a blank does not set DOT in the mask (`photo. php`): file names test for the dot itself.
    if ((item.kind === 'filename' || (item.kind === 'header' && isFileHeader(item.header))) && l.includes('.')) {
      // `shell.p\\h\\p`: parsers that unescape the name drop the backslashes; `photo. php`, `x.phar .png`: blanks
      // around a dot are trimmed away by the systems that store the name.
      const name = squeezeName((view.mask & M.BACKSLASH) !== 0 ? s.replaceAll('\\', '') : s);
      const e = SCRIPT_EXT.exec(name) ?? DOUBLE_EXT.exec(name);
      if (e !== null) out.emit(R.upload, excerpt(s, Math.max(0, e.index - 20)));
    }
    if (l.includes('sess_') && (item.kind === 'filename' || (item.kind === 'header' && isFileHeader(item.header)))) {
      const f = SESSION_FILE.exec(s);
      if (f !== null) out.emit(R.sessionFile, excerpt(s, f.index));
    }
    if ((view.mask & M.PAREN) !== 0) {
      const at = indirectCall(code);
      if (at !== -1) out.emit(R.indirectCall, excerpt(code, Math.max(0, at - 30)));
    }
    const fn = phpOnlyName(l, view.shape);
    if (fn !== -1) out.emit(R.functionName, excerpt(s, fn));
    if ((view.mask & M.PAREN) !== 0) {
      calls(s, code, out);
      const b = builtinCall(code);
      if (b !== -1) out.emit(R.builtinCall, excerpt(s, b));
    }
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

/** PHP_ONLY names the shape bits cannot announce (no '_', no "gz" / "bz"): searched for on their own. */
const UNMARKED_PHP_ONLY = PHP_ONLY.filter((f) => !f.includes('_') && !f.includes('gz') && !f.includes('bz'));

function phpOnlyName(l: string, shape: number): number {
  // A name with '_', "gz" or "bz" sets a shape bit in the mask pass; the others (phpinfo, fsockopen) are looked for.
  if ((shape & (S.UNDERSCORE | S.GZ_BZ)) === 0 && !UNMARKED_PHP_ONLY.some((f) => l.includes(f))) return -1;
  for (const f of PHP_ONLY) {
    const at = l.indexOf(f);
    if (at !== -1) return at;
  }
  return -1;
}

/** PHP `//` and `#` comments up to a line break removed (a `//` inside a URL, after ':', is kept). */
function stripLineComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    let a = s.indexOf('#', i);
    let b = s.indexOf('//', i);
    while (b > 0 && s[b - 1] === ':') b = s.indexOf('//', b + 2);
    if (a === -1) a = b;
    else if (b !== -1) a = Math.min(a, b);
    if (a === -1) break;
    const nl = s.indexOf('\n', a);
    if (nl === -1) break;
    out += s.slice(i, a);
    i = nl;
  }
  return out + s.slice(i);
}

/** Code after an open tag at `at`: a statement end, a call, a variable or a string. */
function codeAfter(l: string, at: number): boolean {
  const rest = l.slice(at + 2, at + 200);
  return rest.includes(';') || rest.includes('(') || rest.includes('$') || rest.includes('"') || rest.includes("'");
}

/**
 * `<?xml :echo 1;`: a processing instruction whose body is not pseudo-attributes (name="value") but carries code
 * punctuation; with short_open_tag PHP runs it. Well-formed PIs (`<?xml version="1.0"?>`, `<?xml-stylesheet ...?>`)
 * are not. -1 when there is none.
 */
function codeProcessingInstruction(l: string): number {
  for (let at = l.indexOf('<?'); at !== -1 && at < 2000; at = l.indexOf('<?', at + 2)) {
    // Only the XML declaration's target: filters let `<?xml` through, and PHP's short tags read the rest as code.
    if (!l.startsWith('<?xml', at) || isNameChar(l.charCodeAt(at + 5))) continue;
    const i = at + 5;
    const end = l.indexOf('?>', i);
    const body = l.slice(i, end === -1 ? Math.min(l.length, i + 200) : end);
    if (!body.includes(';') && !body.includes('(')) continue;
    if (!isPseudoAttributes(body)) return at;
  }
  return -1;
}

/** Blank-separated name="value" / name='value' pairs and nothing else. */
function isPseudoAttributes(body: string): boolean {
  let i = 0;
  for (;;) {
    while (body[i] === ' ' || body[i] === '\t' || body[i] === '\n' || body[i] === '\r') i++;
    if (i >= body.length) return true;
    const start = i;
    while (i < body.length && isNameChar(body.charCodeAt(i))) i++;
    if (i === start || body[i] !== '=') return false;
    const q = body[i + 1];
    if (q !== '"' && q !== "'") return false;
    const close = body.indexOf(q, i + 2);
    if (close === -1) return false;
    i = close + 1;
  }
}

/** `[php]echo 1;`, `{php}...{/php}`, `code[/php]`: a bracketed PHP tag with code beside it. -1 when none. */
function bracketTag(l: string): number {
  for (const tag of ['[php]', '{php}', '[/php]', '{/php}', '[?php]']) {
    const at = l.indexOf(tag);
    if (at === -1) continue;
    const around = l.slice(Math.max(0, at - 120), at + 120);
    if (around.includes(';') || around.includes('(') || around.includes('$') || around.includes('"') || around.includes("'")) return at;
  }
  return -1;
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 58 || c === 45;
}

/** Prefixes of PHP extension functions (`array_diff`, `pg_query`, `sodium_crypto_box`): PHP names them so. */
const PHP_PREFIXES = ['array_', 'str_', 'mb_', 'preg_', 'pg_', 'mysqli_', 'mysql_', 'ldap_', 'odbc_', 'sodium_', 'tidy_', 'zend_', 'curl_', 'openssl_', 'posix_', 'pcntl_', 'stream_', 'socket_', 'ftp_', 'imap_', 'libxml_', 'simplexml_', 'xmlwriter_', 'ob_', 'ini_', 'func_', 'spl_', 'iterator_', 'proc_', 'hash_', 'mcrypt_', 'exif_', 'finfo_', 'iconv_', 'gmp_', 'bc', 'ctype_', 'grapheme_', 'idn_', 'apache_', 'apcu_', 'opcache_', 'sqlite_', 'oci_', 'sqlsrv_', 'yaml_', 'readline_', 'shmop_', 'sem_', 'shm_', 'msg_', 'snmp_', 'inotify_', 'enchant_', 'pspell_', 'cal_', 'dba_', 'ibase_', 'gz', 'bz', 'php_', 'call_user_', 'debug_', 'base64_', 'json_', 'html_', 'htmlspecial', 'htmlentities', 'image', 'mt_', 'gc_', 'memory_get', 'get_defined', 'get_class', 'get_object', 'get_parent'];
/**
 * Built-ins without a prefix that are not English words. The file-metadata family (filemtime, fileperms...) is left
 * out: it reads only a file's times and modes, and CRS dropped it from its lists for false positives.
 */
const PHP_BUILTINS = new Set(
  ('substr substr_count strlen strpos stripos strrpos strrev strtolower strtoupper strtr strstr stristr strcmp strcasecmp strncmp strncasecmp sprintf ' +
    'printf vsprintf fprintf sscanf intval floatval boolval strval settype gettype unpack crypt checkdate fnmatch strip_tags addslashes stripslashes addcslashes urlencode urldecode rawurlencode rawurldecode nl2br ' +
    'ucfirst lcfirst ucwords ltrim rtrim chunk_split wordwrap md5 md5_file sha1 sha1_file crc32 uniqid random_int random_bytes microtime mktime gmdate ' +
    'strtotime strftime in_array sizeof dirname basename pathinfo realpath tempnam fclose fwrite feof fflush ftruncate fseek ftell readdir opendir ' +
    'closedir scandir is_writable chgrp lchown readlink linkinfo getmyuid getmypid getmygid getlastmod getrusage phpversion phpcredits levenshtein ' +
    'similar_text soundex metaphone quotemeta nl_langinfo number_format localeconv setlocale highlight_string token_get_all usleep var_dump ' +
    'var_export print_r is_array is_string is_numeric is_object is_callable is_null is_int is_file is_dir settype ob_get_clean escapeshellarg').split(' '),
);
/** Generic snake_case prefixes and English-word built-ins: the call needs code-shaped arguments. */
const WEAK_PREFIXES = ['get_', 'set_', 'is_', 'var_', 'error_', 'class_', 'method_', 'date_', 'time_', 'file_', 'xml_', 'session_', 'filter_', 'url_', 'parse_'];
/**
 * Built-ins named by English words, taken as a call only with code-shaped arguments. Arithmetic, list and date
 * helpers (min, max, round, count, range, sort, date...) are left out: `min(1, 2)` is a spreadsheet formula, a
 * calculator expression or Python as often as PHP.
 */
const ENGLISH_BUILTINS = new Set('file copy link mail system exec sleep print die exit chr ord trim explode implode compact extract define constant defined assert eval include require glob touch rename unlink fopen fread fgets pack serialize unserialize crypt'.split(' '));

/**
 * The value is a PHP built-in called (`strrev(x)`, `array_diff (`, `ldap_get_entries()`), at its start or after a
 * `;`. English names (`range`, `date`, `file`) need the parenthesis against the name and code-shaped arguments
 * (nothing, a number, a variable or a string): "Range (km)", "file(s)" are labels. -1 when there is none.
 */
function builtinCall(code: string): number {
  let from = 0;
  for (let k = 0; k < 4 && from < code.length; k++) {
    let i = from;
    while (code.charCodeAt(i) === 32 || code.charCodeAt(i) === 9 || code.charCodeAt(i) === 10 || code.charCodeAt(i) === 13) i++;
    const start = i;
    while (i < code.length && i - start < 64 && isIdentChar(code.charCodeAt(i))) i++;
    const name = code.slice(start, i);
    let j = i;
    while (code.charCodeAt(j) === 32 || code.charCodeAt(j) === 9 || code.charCodeAt(j) === 10 || code.charCodeAt(j) === 13) j++;
    if (name.length >= 3 && code[j] === '(') {
      const strong = PHP_BUILTINS.has(name) || PHP_PREFIXES.some((p) => name.startsWith(p) && name.length > p.length);
      // A bare word argument (`printf(foo)`) is a PHP constant, or prose: only dangerous functions take it.
      if (strong && (DANGEROUS.has(name) || codeArguments(code.slice(j + 1, j + 40)))) return start;
      const weak = ENGLISH_BUILTINS.has(name) || WEAK_PREFIXES.some((p) => name.startsWith(p) && name.length > p.length);
      const blank = code.slice(i, j).includes(' ');
      if (weak && !blank && codeArguments(code.slice(j + 1, j + 40))) return start;
    }
    const semi = code.indexOf(';', from);
    if (semi === -1) return -1;
    from = semi + 1;
  }
  return -1;
}

/** After `(`: nothing (the end of the value or `)`), a number, a variable or a string. */
function codeArguments(a: string): boolean {
  const c = a.trimStart()[0];
  return c === undefined || c === ')' || c === '$' || c === '"' || c === "'" || (c >= '0' && c <= '9');
}

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/** Blanks beside a dot removed: `photo. php` is stored as `photo.php`. */
function squeezeName(s: string): string {
  if (!s.includes(' ')) return s;
  return s.replace(DOT_BLANKS, '.');
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
    // `file\r\n(`, `exec //c\n(`: only evasion puts a line break or a tab between a name and its parenthesis.
    const gap = m[0].slice(name.length, -1);
    const adjacent = gap === '' || gap.includes('\n') || gap.includes('\r') || gap.includes('\t');
    const after = l.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const codeArg = after.startsWith('$') || after.startsWith('"') || after.startsWith("'") || after.startsWith(')') || after.startsWith('chr') || after.startsWith('base64') || after.startsWith('_') || after.startsWith('`');
    if (!WORDS.has(name) || (adjacent && codeArg)) out.emit(R.dangerousCall, excerpt(s, m.index));
    else out.emit(R.call, excerpt(s, m.index));
    return;
  }
}
