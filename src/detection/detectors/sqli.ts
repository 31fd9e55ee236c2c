import { maskFences, maskMarkdownCode } from '../lexers/markdown.js';
import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { isEscapeAt } from '../normalize/percent.js';
import { sqlTokens, stringBreakout, type SqlToken } from '../lexers/sql.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/**
 * SQL injection: does the value, placed in a string context ('...' or "...") or a numeric context, change the
 * structure of the statement? The value is tokenised as SQL from where it would break out of its context, and
 * the tokens right after the breakout must form SQL (a boolean operator with an operand, a comment, UNION, a
 * stacked statement, a clause keyword). Context-free evidence (UNION SELECT, SELECT..FROM, time functions,
 * stacked statements) is looked for anywhere.
 */
const R = {
  breakoutComment: rule('sqli', 'sqli.breakout-comment', 1, 5, 'closes the string and comments out the rest of the statement'),
  breakoutBoolean: rule('sqli', 'sqli.breakout-boolean', 1, 5, 'closes the string and adds a boolean condition'),
  breakoutOperator: rule('sqli', 'sqli.breakout-operator', 1, 5, 'closes the string and continues the expression'),
  breakoutClause: rule('sqli', 'sqli.breakout-clause', 1, 5, 'closes the string and adds a clause'),
  numericBoolean: rule('sqli', 'sqli.numeric-boolean', 1, 5, 'numeric value followed by a boolean condition'),
  numericClause: rule('sqli', 'sqli.numeric-clause', 1, 5, 'numeric value followed by SQL clause or comment'),
  union: rule('sqli', 'sqli.union-select', 1, 5, 'UNION SELECT'),
  selectFrom: rule('sqli', 'sqli.select-from', 1, 5, 'SELECT ... FROM statement'),
  selectWeak: rule('sqli', 'sqli.select-weak', 2, 3, 'SELECT-like phrase'),
  stacked: rule('sqli', 'sqli.stacked-query', 1, 5, 'stacked statement after ";"'),
  timeFunction: rule('sqli', 'sqli.time-function', 1, 5, 'time-delay or heavy function call'),
  dangerousFunction: rule('sqli', 'sqli.dangerous-function', 1, 5, 'file, XML-error or OS function of a database'),
  tautology: rule('sqli', 'sqli.tautology', 1, 5, 'boolean tautology'),
  catalog: rule('sqli', 'sqli.catalog', 1, 5, 'reference to the database catalog or system variables'),
  execComment: rule('sqli', 'sqli.executable-comment', 1, 5, 'MySQL executable comment'),
  functionChain: rule('sqli', 'sqli.function-chain', 2, 3, 'SQL function calls with SQL operators'),
  commentObfuscation: rule('sqli', 'sqli.inline-comment', 2, 3, 'inline comment between words'),
  splitKeyword: rule('sqli', 'sqli.split-keyword', 1, 5, 'SQL keyword split by an inline comment (UNI/**/ON): a filter that strips comments joins it'),
  booleanExpression: rule('sqli', 'sqli.boolean-expression', 2, 5, 'boolean operator joining a comparison'),
  bareOperator: rule('sqli', 'sqli.bare-operator', 2, 5, 'the value is only SQL operator syntax'),
  statement: rule('sqli', 'sqli.statement', 1, 5, 'the value is a SQL statement'),
  catalogFunction: rule('sqli', 'sqli.catalog-function', 2, 5, 'database introspection function'),
  fromClause: rule('sqli', 'sqli.from-clause', 1, 5, 'FROM clause with a quoted or qualified table'),
  functionOpen: rule('sqli', 'sqli.function-open', 2, 5, 'the value ends by opening a SQL function call'),
  keyword: rule('sqli', 'sqli.system-procedure', 1, 5, 'database system procedure or package'),
  breakoutKeyword: rule('sqli', 'sqli.breakout-keyword', 2, 5, 'closes the string and starts a SQL statement'),
  pgOperator: rule('sqli', 'sqli.postgres-operator', 2, 5, 'PostgreSQL cast or JSON operator (::type, ->>, #>)'),
  literalComparison: rule('sqli', 'sqli.literal-comparison', 2, 5, 'the value is a true comparison of two literals (a tautology)'),
  stringTautology: rule('sqli', 'sqli.string-tautology', 1, 5, "comparison of a string with itself ('1'='1')"),
  operatorTail: rule('sqli', 'sqli.operator-tail', 2, 5, 'an expression fragment left open by a trailing boolean or comparison operator'),
  inList: rule('sqli', 'sqli.in-list', 2, 5, 'the value starts with an IN (...) list of literals'),
  breakoutList: rule('sqli', 'sqli.breakout-list', 2, 5, 'closes the string and continues a list of values'),
  execProcedure: rule('sqli', 'sqli.exec-procedure', 2, 5, 'the value is EXEC / EXECUTE and a procedure name'),
  quoteProbe: rule('sqli', 'sqli.quote-probe', 2, 5, 'the value is only quotes of different kinds, or one operator between quotes (a probe)'),
  jsonOperator: rule('sqli', 'sqli.json-operator', 2, 5, 'condition on a JSON literal with a JSON operator or path (JSON-based SQL injection)'),
  quoteExpression: rule('sqli', 'sqli.quote-expression', 2, 5, 'an unbalanced leading quote followed only by digits and operators (a string breakout probe)'),
};

const LOGIC = new Set(['or', 'and', 'xor', 'not', '||', '&&', 'div']);
const COMPARE = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '<=>', 'like', 'rlike', 'regexp', 'is', 'in', 'between', 'sounds', 'glob', 'match']);
const ARITH = new Set(['+', '-', '*', '/', '%', '||', '|', '&', '^', '<<', '>>', '::']);
const CLAUSE = new Set(['notnull', 'isnull', 'glob', 'except', 'intersect', 'union', 'having', 'group', 'order', 'limit', 'into', 'procedure', 'where', 'like', 'rlike', 'regexp', 'sounds', 'is', 'in', 'between', 'collate', 'from', 'offset', 'for', 'returning', 'escape', 'div', 'mod']);
const STATEMENT = new Set(['select', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'truncate', 'exec', 'execute', 'declare', 'shutdown', 'waitfor', 'grant', 'revoke', 'load', 'handler', 'call', 'merge', 'set', 'replace', 'rename', 'backup', 'restore', 'kill', 'copy', 'pragma', 'attach', 'begin', 'if', 'use', 'show', 'desc', 'describe', 'do', 'open', 'prepare', 'union', 'with', 'values', 'sleep']);
const TIME_FUNCS = new Set(['sleep', 'benchmark', 'pg_sleep', 'randomblob', 'dbms_lock', 'pg_sleep_for', 'receive_message', 'dbms_pipe', 'sys_eval', 'sys_exec', 'generate_series']);
const DANGEROUS_FUNCS = new Set([
  'load_file', 'extractvalue', 'updatexml', 'xp_cmdshell', 'xp_regread', 'xp_dirtree', 'xp_fileexist', 'sp_executesql', 'sp_oacreate', 'sp_makewebtask',
  'utl_http', 'utl_inaddr', 'httpuritype', 'dbms_java', 'dbms_xmlquery', 'lo_import', 'lo_export', 'pg_read_file', 'pg_ls_dir', 'openrowset', 'opendatasource',
  'xmltype', 'ctxsys', 'exp', 'name_const', 'geometrycollection', 'polygon', 'multipoint', 'linestring', 'json_keys', 'gtid_subset', 'st_latfromgeohash',
  'master..xp_cmdshell', 'char', 'chr', 'nchar', 'concat', 'concat_ws', 'group_concat', 'string_agg', 'make_set', 'elt', 'unhex', 'hex', 'ascii', 'ord', 'substring',
  'substr', 'mid', 'version', 'database', 'schema', 'user', 'current_user', 'system_user', 'session_user', 'ifnull', 'nullif', 'coalesce', 'if', 'iif', 'cast',
  'convert', 'count', 'length', 'len', 'sysdate', 'now', 'md5', 'sha1', 'rand', 'floor', 'instr', 'locate', 'position', 'lpad', 'rpad', 'reverse', 'bin', 'oct',
  'conv', 'sleep', 'benchmark', 'pg_sleep', 'dbms_pipe', 'randomblob', 'is_srvrolemember', 'db_name', 'host_name', 'suser_name', 'ascii_str', 'row_count',
  'found_rows', 'last_insert_id', 'connection_id', 'uuid', 'load_extension', 'sqlite_version', 'tochar', 'to_char', 'to_number', 'decode', 'soundex', 'left', 'right',
]);
const FILE_WORDS = new Set(['outfile', 'dumpfile', 'load_file', 'xp_cmdshell', 'lo_import', 'pg_read_file', 'utl_http', 'extractvalue', 'updatexml', 'openrowset', 'xmltype', 'dbms_java', 'sp_oacreate', 'xp_regread', 'xp_dirtree']);
const CATALOG = new Set(['information_schema', 'sysobjects', 'syscolumns', 'sysdatabases', 'pg_catalog', 'pg_shadow', 'pg_user', 'pg_database', 'all_tables', 'user_tables', 'sqlite_master', 'sqlite_schema', 'msysobjects', 'msysaccessobjects', 'mysql', 'sys', 'dual', 'all_users', 'v$version', 'master', 'syslogins', 'sysusers', 'pg_tables', 'user_objects', 'dba_users']);
/** Statements recognised at the very start of a value (their grammar is checked by stackedStatement). */
const LEADING = new Set(['values', 'drop', 'create', 'alter', 'truncate', 'delete', 'insert', 'update', 'exec', 'execute', 'declare']);
const PG_TYPES = new Set(['double', 'smallint', 'decimal', 'money', 'interval', 'time', 'bit', 'varbit', 'cidr', 'macaddr', 'tsvector', 'regproc', 'regtype', 'regnamespace', 'int2', 'float4', 'float8', 'int', 'integer', 'int4', 'int8', 'bigint', 'text', 'varchar', 'json', 'jsonb', 'regclass', 'oid', 'bytea', 'numeric', 'boolean', 'bool', 'char', 'date', 'timestamp', 'float', 'real', 'xml', 'inet', 'uuid', 'name']);
const FROM_FOLLOW = new Set(['where', 'limit', 'order', 'group', 'join', 'inner', 'left', 'right', 'union', 'having', 'as', 'into', 'procedure', 'offset', 'for', 'natural', 'cross', 'outer', 'straight_join', 'use', 'force', 'ignore']);
const KEYWORDS = new Set(['xp_cmdshell', 'xp_regread', 'xp_regwrite', 'xp_dirtree', 'xp_fileexist', 'xp_servicecontrol', 'xp_availablemedia', 'xp_loginconfig', 'xp_makecab', 'xp_ntsec_enumdomains', 'xp_terminate_process', 'sp_executesql', 'sp_makewebtask', 'sp_oacreate', 'sp_oamethod', 'sp_password', 'sp_addlogin', 'sp_addsrvrolemember', 'sp_configure', 'utl_http', 'utl_inaddr', 'utl_file', 'utl_smtp', 'utl_tcp', 'dbms_pipe', 'dbms_java', 'dbms_xmlquery', 'dbms_lock', 'dbms_sql', 'dbms_xmlgen', 'dbms_ldap', 'httpuritype', 'openrowset', 'opendatasource', 'openquery', 'msdasql', 'sqloledb', 'pg_read_file', 'pg_ls_dir', 'lo_import', 'lo_export', 'load_file', 'pg_sleep']);
/** Aggregate functions a HAVING clause filters on. */
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'group_concat', 'string_agg', 'array_agg', 'stddev', 'variance']);
const SQL_FUNCS = new Set([...DANGEROUS_FUNCS, 'abs', 'cos', 'sin', 'tan', 'pi', 'pow', 'power', 'round', 'rtrim', 'ltrim', 'trim', 'ln', 'log', 'log10', 'exp', 'sqrt', 'floor', 'ceil', 'ceiling', 'format', 'day', 'month', 'year', 'date', 'time', 'compress', 'uncompress', 'local', 'password', 'replace', 'values', 'left', 'right', 'decode', 'encode', 'elt', 'field', 'lower', 'upper', 'lcase', 'ucase', 'greatest', 'least', 'sum', 'avg', 'min', 'max', 'char_length', 'character_length', 'octet_length', 'bit_length', 'crc32', 'sha', 'sha2', 'aes_encrypt', 'aes_decrypt', 'des_encrypt', 'encrypt', 'export_set', 'insert', 'quote', 'repeat', 'space', 'strcmp', 'timestamp', 'utc_time', 'curdate', 'curtime', 'datediff', 'adddate', 'subdate', 'weekday', 'dayname', 'monthname', 'hour', 'minute', 'second', 'week', 'quarter', 'from_unixtime', 'unix_timestamp', 'inet_aton', 'inet_ntoa', 'collation', 'charset', 'coercibility', 'benchmark', 'extractvalue', 'updatexml', 'mod', 'sign', 'truncate', 'radians', 'degrees', 'atan', 'asin', 'acos', 'cot', 'rand', 'soundex', 'position', 'lpad', 'rpad', 'stuff', 'patindex', 'charindex', 'datalength', 'isnull', 'nvl', 'nvl2', 'to_date', 'instr', 'substring_index', 'json_extract', 'make_set', 'exists']);
const SHARED_CATALOGS = new Map<string, ReadonlySet<string>>([
  ['mysql', new Set(['user', 'db', 'host', 'proc', 'func', 'tables_priv', 'columns_priv', 'general_log', 'slow_log', 'innodb_table_stats'])],
  ['sys', new Set(['objects', 'tables', 'columns', 'databases', 'schemas', 'sql_logins', 'server_principals', 'database_principals', 'syslogins', 'sysobjects', 'all_objects', 'user', 'dba_users', 'session_context', 'procedures', 'sql_modules', 'version', 'x$schema_tables'])],
  ['master', new Set(['dbo', 'sys', 'information_schema'])],
]);
const SQL_CONTEXT = new Set(['from', 'join', 'use', 'into', 'database', 'update', 'table']);
const CATALOG_WORDS = new Set(['information_schema', 'sysobjects', 'syscolumns', 'sysdatabases', 'pg_catalog', 'pg_shadow', 'sqlite_master', 'sqlite_schema', 'msysobjects', 'msysaccessobjects', 'msysqueries', 'msysrelationships', 'tempdb', 'msdb', 'northwind', 'all_tab_columns', 'dba_users', 'user_tab_columns', 'sys_context', 'pg_namespace', 'mysql.user', 'schema_name', 'table_schema', 'column_name', 'table_name']);
const INTROSPECTION = new Set(['database', 'db_name', 'schema', 'schema_name', 'current_user', 'user', 'system_user', 'session_user', 'version', 'current_database', 'current_schema', 'user_name', 'suser_sname', 'db_id', 'object_id', 'object_name', 'host_name', 'servername', 'connection_id', 'last_insert_id', 'row_count', 'found_rows', 'sqlite_version', 'pg_backend_pid', 'getdate', 'sysdatetime']);
const BARE = new Set(['order', 'group', 'by', 'having', 'xor', 'rlike', 'regexp', 'div', '<=>', '||', '&&', '<>', '!=', '>>', '<<', '<=', '>=', 'is', 'null', 'not', 'sounds', 'like', 'in', '(', ')', ',', 'between', 'and', 'or', 'glob', 'collate']);
/** Characters that can end a string or number context or build an expression ('-', '/', '@' and '+' alone cannot). */
const SQL_PUNCT = M.QUOTE | M.DQUOTE | M.BACKTICK | M.SEMI | M.PAREN | M.EQ | M.LT | M.GT | M.HASH | M.STAR | M.PIPE | M.AMP;
const SQL_WORDS = re('\\b(?:select|union|insert|update|delete|drop|alter|create|truncate|exec|execute|declare|waitfor|shutdown|procedure|from|information_schema|openrowset|opendatasource|(?:xp|sp|utl|dbms|pg)_\\w{1,40}|msdb|tempdb|northwind|sysobjects|syscolumns|xor|rlike|regexp|null|like|having|order|group|limit|into)\\b');
/** Catalog tables and OLE DB providers that are one word: the SQL_WORDS gate misses them. */
const CATALOG_GATE = re('\\b(?:msys|sqlite_)[a-z]|\\bmysql\\.(?:user|db|host|proc|func|tables_priv|columns_priv)\\b|msdasql|sqloledb');
const SET_VAR = re('\\bset\\s+@');
const SYSVARS = /* @@-variables are SQL-only syntax */ '@@';

export const sqliDetector: ValueDetector = {
  name: 'sqli',
  rules: Object.values(R),
  // Runs on every value: one-word values (INFORMATION_SCHEMA, xp_cmdshell) matter too; the gate below is cheap.
  trigger: 0,
  inspect(view: View, item: Item, out: Emitter): void {
    inspectSql(view, out, item.kind === 'key' && item.location.startsWith('body-key:/'), item.kind === 'key');
    // `order[(SELECT 1 FROM pg_sleep(5))]=asc`: in a form or query name, brackets nest parameters (PHP, Rails, qs);
    // they are not T-SQL identifier quotes. The name is read again with them as blanks.
    if (item.kind === 'key' && (view.mask & M.BRACKET) !== 0 && !item.location.startsWith('body-key:/') && (view.mask & (M.PAREN | M.QUOTE | M.SPACE)) !== 0) {
      const text = view.text.replaceAll('[', ' ').replaceAll(']', ' ');
      inspectSql({ ...view, text, lower: text.toLowerCase(), mask: (view.mask & ~M.BRACKET) | M.SPACE }, out, false, true);
    }
    // `1+UNION+SELECT+password+FROM+users`: form encoding's '+' for a blank, left undecoded where no form parser ran
    // (a JSON string, a header; in a path '+' is itself). Words only: a value with escapes was decoded as form text already.
    if ((view.mask & (M.PLUS | M.SPACE | M.PERCENT)) === M.PLUS && item.kind !== 'key' && item.kind !== 'path' && view.via !== 'base64') {
      const spaced = view.text.replaceAll('+', ' ');
      const lower = spaced.toLowerCase();
      if (SQL_WORDS.test(lower)) inspectSql({ ...view, text: spaced, lower, mask: (view.mask & ~M.PLUS) | M.SPACE }, out);
    }
  },
};

/** The SQL readings of one view: string breakouts, numeric context, whole phrases, fragments, probes. */
function inspectSql(view: View, out: Emitter, jsonKey = false, key = false): void {
  const s = view.text;
  if (s.length < 2) return;
  // Words and spaces only: nothing can break out of a string or a number, so only whole SQL phrases
  // matter; skip the lexer unless one of their keywords is there.
  if ((view.mask & SQL_PUNCT) === 0) {
    const l = view.lower;
    // '--' needs a dash and '@@' an at sign (mask bits); '/*' needs '*', SQL punctuation, so not in this branch.
    const at = (view.mask & M.AT) !== 0;
    if (!SQL_WORDS.test(l) && !(mayNameCatalog(l) && CATALOG_GATE.test(l)) && !((view.mask & M.DASH) !== 0 && l.includes('--')) && !(at && l.includes('@@')) && !spacedFragment(l, view.mask) && !(at && SET_VAR.test(l))) return;
  }
  // A logged prepared statement (`SELECT * FROM addresses WHERE user_id = ? AND ...`, `... = $1`: an ORM's debug
  // line, a trace span) carries placeholders where an injection would carry values: its phrases are a log, not
  // input. Breakouts, unions, stacked statements and time functions still count.
  if ((view.mask & (M.QUESTION | M.DOLLAR)) !== 0 && PLACEHOLDER.test(s)) out = withoutPhrases(out);
  let found = false;
  for (const q of ["'", '"', '`']) {
    if (s.indexOf(q) === -1) continue;
    // Back-ticks that pair as markdown code spans in prose ("titles with `&` showed as `&amp;`") quote code, not
    // an identifier the value closes.
    if (q === '`' && !maskMarkdownCode(s).includes('`')) continue;
    const at = stringBreakout(s, q);
    // Standard SQL (PostgreSQL, SQLite, MSSQL) has no backslash escapes: \' ends the string there.
    const std = (s.includes('\\') ? stringBreakout(s, q, false) : at);
    for (const pos of std !== at && std >= 0 ? [at, std] : [at]) {
      if (pos < 0) continue;
      // A quoted phrase of prose ("Select" del menú) is no breakout: nothing after it is code either.
      if (quotedPhrase(s, pos)) continue;
      const after = sqlTokens(s, pos, 256, view.lower);
      if (breakout(s, pos, after, out)) found = true;
      // What follows the breakout is code, not string content: look for whole SQL phrases there too.
      anywhere(s, after, out);
    }
  }
  // Fenced blocks in prose (a message showing a query) are shown, not run: only a breakout counts there. (Inline
  // spans are not masked here: MySQL quotes identifiers with back-ticks, `ALTER TABLE \`t\` CHANGE ...`.)
  const shown = (view.mask & M.BACKTICK) !== 0 && s.includes('```') ? maskFences(s) : s;
  const all = shown === s ? sqlTokens(s, 0, 256, view.lower) : sqlTokens(shown, 0, 256, shown.toLowerCase());
  if (!found) numeric(s, all, out);
  anywhere(s, all, out);
  // A JSON member named by an operator alone is a rule language's (JSONLogic `{">=": [...]}`), not SQL cut up. (A
  // form body without '=' is all name: that one is read.)
  if (all.length > 0 && all.length <= 8 && !jsonKey) bare(s, all, out, key);
  if (all.length > 0) fragment(s, all, out);
  if ((view.mask & M.PAREN) !== 0) noisyCall(view.lower, out);
  if ((view.mask & M.STAR) !== 0 && view.lower.includes('/*')) splitKeyword(s, view.lower, out);
  const q0 = s.charCodeAt(0);
  if (s.length <= 40 && (q0 === 39 || q0 === 34 || q0 === 96 || q0 === 32)) quoteProbe(s, out);
}

/** A '(' before token `i` is still open: the value groups a condition of its own. */
function openGroup(t: SqlToken[], i: number): boolean {
  let depth = 0;
  for (let k = 0; k < i; k++) {
    const x = t[k];
    if (x?.t === '(') depth++;
    else if (x?.t === ')' && depth > 0) depth--;
  }
  return depth > 0;
}

const PLACEHOLDER = re('[=(,]\\s{0,4}(?:\\?|\\$\\d{1,3})\\s{0,4}(?:[,);]|$|\\s(?:and|or|order|limit|group|returning)\\b)', 'i');

/** An emitter that drops the statement-phrase rules (see inspectSql). */
function withoutPhrases(out: Emitter): Emitter {
  return {
    paranoia: out.paranoia,
    emit(rule, fragment) {
      if (rule !== R.selectFrom && rule !== R.selectWeak && rule !== R.fromClause && rule !== R.statement && rule !== R.booleanExpression && rule !== R.functionChain) out.emit(rule, fragment);
    },
  };
}

/** The tokens after a string breakout. */
function breakout(s: string, at: number, t: SqlToken[], out: Emitter): boolean {
  let i = 0;
  while (t[i]?.t === ')') i++;
  const a = t[i];
  if (a === undefined) return false;
  const frag = excerpt(s, Math.max(0, at - 1), (t[Math.min(t.length - 1, i + 4)]?.start ?? at) + 12);
  if (a.t === 'comment' && a.v !== '/*!') {
    // `admin'--`: the rest of the statement is gone. A comment right at the end of prose is rare.
    out.emit(R.breakoutComment, frag);
    return true;
  }
  if (isLogic(a)) {
    if (operand(t, i + 1) > 0) {
      out.emit(R.breakoutBoolean, frag);
      return true;
    }
    return false;
  }
  // A plain word after the operator must go on as an expression: `'/content/0/type` is a path in a message.
  const next = t[i + 1];
  // `'/'`, `'*'`: an operator quoted on its own (the next quote opens the rest) is text, not arithmetic.
  // (`'&'` alone is the login-bypass probe: `''&''` is 0.) `Unexpected token '<', "<!DOCTYPE"...`: a browser's
  // error message quoting the character it choked on.
  const quotedOp = s.trim().length > 3 && next?.t === 'str' && next.open === true && (a.v === '/' || a.v === '*' || a.v === '%' || a.v === '&' || a.v === '^' || a.v === '|' || ((a.v === '<' || a.v === '>') && s[a.start + 1] === s[at - 1]));
  const wordGoesOn = !quotedOp && (next?.t !== 'word' || t[i + 2] === undefined || t[i + 2]?.t === '(' || t[i + 2]?.t === 'comment' || isComparison(t[i + 2]) || (t[i + 2]?.t === 'op' && t[i + 2]?.v !== '/'));
  // `'%2011`: in a value read before percent-decoding, '%' and two hex digits is an escape, not a modulo.
  const escape = a.v === '%' && isEscapeAt(s, a.start);
  if (a.t === 'op' && (COMPARE.has(a.v) || ARITH.has(a.v)) && a.v !== '-' && !escape && operand(t, i + 1) > 0 && wordGoesOn) {
    out.emit(R.breakoutOperator, frag);
    return true;
  }
  // `'-1 or 1=1`, `' - sleep(5)`: a minus before a number, a group or a call (`"-c, --count` is a CLI option).
  const minusOperand = t[i + 1]?.t === 'num' || t[i + 1]?.t === '(' || t[i + 1]?.t === 'var' || (t[i + 1]?.t === 'word' && t[i + 2]?.t === '(');
  if (a.t === 'op' && a.v === '-' && minusOperand && t[i + 2] !== undefined) {
    out.emit(R.breakoutOperator, frag);
    return true;
  }
  if (a.t === 'word' && CLAUSE.has(a.v) && clauseFollows(t, i)) {
    out.emit(R.breakoutClause, frag);
    return true;
  }
  // `` ` REGEXP ``: the identifier closes and a pattern comparison is left open for the rest of the query.
  if (a.t === 'word' && t[i + 1] === undefined && (a.v === 'like' || a.v === 'rlike' || a.v === 'regexp' || a.v === 'glob') && s.indexOf(s[at - 1] ?? "'", at) === -1) {
    out.emit(R.breakoutOperator, frag);
    return true;
  }
  // `` ` AS `alias` FROM ``: the identifier closes, gets an alias and the select list ends.
  if (a.t === 'word' && a.v === 'as' && (t[i + 1]?.t === 'word' || t[i + 1]?.t === 'ident' || t[i + 1]?.t === 'str') && t[i + 2]?.v === 'from') {
    out.emit(R.breakoutClause, frag);
    return true;
  }
  // A quoted phrase that closes again ('union jack') is prose; an attack leaves the statement open.
  // "metrics' values", "workers' union": after a possessive (a letter before the quote) the statement must read
  // as one; a quote that opens the value or follows a blank (`' union`, `"ALTER`) is a breakout attempt as is.
  const opening = at === 1 || s.charCodeAt(at - 2) <= 32;
  const grammar = a.v === 'union' ? t[i + 1]?.v === 'select' || t[i + 1]?.v === 'all' || t[i + 1]?.t === '(' : a.v === 'select' ? t[i + 1] !== undefined && t[i + 1]?.t !== 'comment' : LEADING.has(a.v) && stackedStatement(t, i);
  const statementFollows = a.t === 'word' && (opening ? a.v === 'union' || LEADING.has(a.v) || a.v === 'select' : grammar);
  if (i === 0 && statementFollows && s.indexOf(s[at - 1] ?? "'", at) === -1) {
    out.emit(R.breakoutKeyword, frag);
    return true;
  }
  // `admin@example.com';`: the string closes and the statement ends there (the rest is cut off).
  if (i === 0 && a.t === ';' && (t[1] === undefined || t[1].t === 'comment') && s.indexOf(s[at - 1] ?? "'", at) === -1) {
    out.emit(R.breakoutComment, frag);
    return true;
  }
  if (a.t === ';' && t[i + 1]?.t === 'word' && STATEMENT.has(t[i + 1]?.v ?? '')) {
    out.emit(R.stacked, frag);
    return true;
  }
  // `', 2, 1`: the string closes at once and more list items follow (an INSERT ... VALUES or IN list grows).
  if (i === 0 && at === 1 && a.t === ',' && literalList(t, 0, true) === t.length) {
    out.emit(R.breakoutList, frag);
    return true;
  }
  // `x' mod id--`, `a'or?--`: the string closes, an expression goes on, and a comment at the very end cuts off the
  // query's own closing quote. (A dash at the end of prose has text after it, or no operator before it; "it's",
  // "Bob's" are contractions and possessives: a letter right after the quote.)
  const last = t[t.length - 1];
  if (last?.t === 'comment' && last.v !== '/*!' && !isLetter(s.charCodeAt(at)) && s.length - last.start <= 4 && t.length <= 8 && s.indexOf(s[at - 1] ?? "'", at) === -1 && expressionTo(t, i, t.length - 1)) {
    out.emit(R.breakoutComment, frag);
    return true;
  }
  return false;
}

/** Tokens i..end-1 are one expression (words, numbers, operators, parentheses) with at least one operator. */
function expressionTo(t: SqlToken[], i: number, end: number): boolean {
  let ops = 0;
  for (let k = i; k < end; k++) {
    const x = t[k];
    if (x === undefined || !(x.t === 'word' || x.t === 'num' || x.t === 'op' || x.t === 'ident' || x.t === '(' || x.t === ')')) return false;
    // `~` and `!` are unary: `'~email` joins nothing to the string (a syntax error, not an expression).
    if ((x.t === 'op' && x.v !== '~' && x.v !== '!') || LOGIC.has(x.v) || x.v === 'mod') ops++;
  }
  return ops > 0;
}

/** A literal (number, closed string, NULL) with an optional sign: its length in tokens, or 0. */
function literal(t: SqlToken[], i: number): number {
  let j = i;
  if (t[j]?.t === 'op' && (t[j]?.v === '-' || t[j]?.v === '+')) j++;
  const a = t[j];
  if (a === undefined) return 0;
  if (a.t === 'num' || (a.t === 'str' && a.open !== true && j === i) || (a.t === 'word' && a.v === 'null' && j === i)) return j - i + 1;
  return 0;
}

/**
 * Index after `[,] lit (, lit)*` starting at i (`leadingComma`: the list continues one already open), or -1 when
 * the tokens there are not such a list.
 */
function literalList(t: SqlToken[], i: number, leadingComma: boolean): number {
  let j = i;
  let items = 0;
  for (;;) {
    if (items > 0 || leadingComma) {
      if (t[j]?.t !== ',') return items > 0 ? j : -1;
      j++;
    }
    const n = literal(t, j);
    if (n === 0) return -1;
    j += n;
    items++;
  }
}

function isLogic(tok: SqlToken | undefined): boolean {
  return tok !== undefined && (tok.t === 'word' || tok.t === 'op') && LOGIC.has(tok.v);
}

/** Length in tokens of an operand starting at i (literal, name, variable, function call, sub-expression), or 0. */
function operand(t: SqlToken[], i: number): number {
  let j = i;
  while (t[j]?.t === 'op' && (t[j]?.v === '!' || t[j]?.v === '-' || t[j]?.v === '~' || t[j]?.v === '+')) j++;
  if (t[j]?.t === 'word' && t[j]?.v === 'not') j++;
  const a = t[j];
  if (a === undefined) return 0;
  if (a.t === 'num' || a.t === 'str' || a.t === 'var' || a.t === 'ident') return j - i + 1;
  if (a.t === '(') return j - i + 1;
  if (a.t === 'word') return j - i + 1;
  return 0;
}

function clauseFollows(t: SqlToken[], i: number): boolean {
  const a = t[i];
  const b = t[i + 1];
  if (a === undefined) return false;
  if (b === undefined) return false;
  switch (a.v) {
    case 'union':
      return b.t === 'word' && (b.v === 'select' || b.v === 'all' || b.v === 'distinct') || b.t === '(';
    case 'group':
    case 'order':
      return b.t === 'word' && b.v === 'by';
    case 'into':
      return b.t === 'word' && (b.v === 'outfile' || b.v === 'dumpfile' || b.v === '@') || b.t === 'var';
    // The grammar after each keyword, so that prose after a quote ("x' is the derivative") is not a clause.
    case 'like':
    case 'rlike':
    case 'regexp':
      return b.t === 'str' || b.t === 'num' || b.t === 'var' || b.t === '(' || (b.t === 'word' && (b.v === 'binary' || b.v === 'concat' || b.v === 'char'));
    case 'in':
      return b.t === '(';
    case 'between':
      return operand(t, i + 1) > 0 && t[i + 1 + operand(t, i + 1)]?.v === 'and';
    case 'is':
      return b.t === 'word' && (b.v === 'null' || b.v === 'not' || b.v === 'true' || b.v === 'false' || b.v === 'unknown');
    case 'limit':
      return b.t === 'num' || b.t === 'var';
    case 'procedure':
      return b.t === 'word' && b.v === 'analyse';
    case 'having':
    case 'where': {
      const n = operand(t, i + 1);
      const c = t[i + 1 + n];
      return n > 0 && (c === undefined || isComparison(c) || c.t === 'comment' || c.t === '(' || b.t === '(' || b.t === 'num' || b.t === 'str');
    }
    case 'from': {
      const c = t[i + 2];
      return fromClause(t, i + 1) || ((b.t === 'word' || b.t === 'ident') && (c === undefined || c.t === 'comment' || c.t === ';'));
    }
    case 'sounds':
      return b.t === 'word' && b.v === 'like';
    // SQLite / PostgreSQL postfix tests: `' notnull --`.
    case 'notnull':
    case 'isnull':
      return b.t === 'comment' || b.t === ';' || b.t === ')';
    case 'glob':
      return b.t === 'str' || b.t === 'num';
    case 'except':
    case 'intersect':
      return b.t === 'word' && (b.v === 'select' || b.v === 'all' || b.v === 'distinct') || b.t === '(';
    case 'collate':
      return b.t === 'word' || b.t === 'ident' || b.t === 'str';
    default:
      return b.t === 'num' || b.t === 'str' || b.t === '(' || b.t === 'var';
  }
}

/** The value as a number in `WHERE id = <value>`: a number followed by SQL structure. */
function numeric(s: string, t: SqlToken[], out: Emitter): void {
  let i = 0;
  while (t[i]?.t === 'op' && t[i]?.v === '-') i++;
  if (t[i]?.t !== 'num' && !(t[i]?.t === 'word' && t[i + 1] !== undefined && t[i + 1]?.t === ')')) return;
  i++;
  while (t[i]?.t === ')') i++;
  const a = t[i];
  if (a === undefined) return;
  const frag = excerpt(s, a.start, a.start + 40);
  if (isLogic(a)) {
    // `1 OR 17-7=10`: the operand may be an arithmetic expression before its comparison.
    let n = operand(t, i + 1);
    for (let k = 0; k < 4 && n > 0; k++) {
      const op = t[i + 1 + n];
      if (op?.t !== 'op' || !ARITH.has(op.v) || op.v === '||') break;
      const m = operand(t, i + 2 + n);
      if (m === 0) break;
      n += 1 + m;
    }
    const after = t[i + 1 + n];
    const first = t[i + 1];
    if (n > 0 && (isComparison(after) || first?.t === '(' || (first?.t === 'word' && t[i + 2]?.t === '('))) out.emit(R.numericBoolean, frag);
    return;
  }
  if (a.t === 'comment' && a.v !== '/*!' && i > 1) {
    out.emit(R.numericClause, frag);
    return;
  }
  if (a.t === 'word' && CLAUSE.has(a.v) && a.v !== 'in' && a.v !== 'for' && clauseFollows(t, i)) out.emit(R.numericClause, frag);
}

function isComparison(tok: SqlToken | undefined): boolean {
  return tok !== undefined && (tok.t === 'op' || tok.t === 'word') && COMPARE.has(tok.v);
}

/** Evidence that needs no context: whole SQL phrases anywhere in the value. */
function anywhere(s: string, t: SqlToken[], out: Emitter): void {
  let funcs = 0;
  let ops = 0;
  for (let i = 0; i < t.length; i++) {
    const a = t[i];
    if (a === undefined) break;
    const next = t[i + 1];
    if (a.t === 'comment' && a.v === '/*!') {
      out.emit(R.execComment, excerpt(s, a.start));
      continue;
    }
    if (a.t === 'var' && a.v.startsWith(SYSVARS) && a.v.length > 2) {
      out.emit(R.catalog, excerpt(s, a.start));
      continue;
    }
    if (a.t === 'op' || a.t === ';') ops++;
    if (a.t === 'op' && a.v === '::' && next?.t === 'word' && PG_TYPES.has(next.v)) out.emit(R.pgOperator, excerpt(s, a.start));
    if (a.t === 'str' && next?.t === 'op' && (next.v === '=' || next.v === '<=>') && t[i + 2]?.t === 'str' && t[i + 2]?.v === a.v && a.open !== true) out.emit(R.stringTautology, excerpt(s, a.start));
    // Northwind is Microsoft's sample database and a company name in résumés: in a sentence only as a database
    // (`northwind.dbo`, `USE northwind`, `FROM northwind..`).
    if ((a.t === 'word' || a.t === 'ident') && CATALOG_WORDS.has(a.v) && (a.v !== 'northwind' || t.length === 1 || next?.t === '.' || (i > 0 && SQL_CONTEXT.has(t[i - 1]?.v ?? '')))) out.emit(R.catalog, excerpt(s, a.start));
    // `'msdasql'`, `'xp_cmdshell'`: a procedure or provider name quoted as a string argument.
    if (a.t === 'str' && a.v.length <= 24 && KEYWORDS.has(a.v.toLowerCase())) out.emit(R.keyword, excerpt(s, a.start));
    if (a.t !== 'word') continue;
    const v = a.v;
    if (next?.t === '(' && INTROSPECTION.has(v) && (t[i + 2] === undefined || t[i + 2]?.t === ')')) out.emit(R.catalogFunction, excerpt(s, a.start));
    if (v === 'when' && (t[i - 1]?.t === ')' || t[i - 1]?.v === 'case') && operand(t, i + 1) > 0 && t.slice(i + 2, i + 6).some((x) => x.v === 'then')) out.emit(R.breakoutClause, excerpt(s, a.start));
    if (v === 'procedure' && next?.v === 'analyse') out.emit(R.dangerousFunction, excerpt(s, a.start));
    // `', 'x') ON DUPLICATE KEY UPDATE role='admin'-- -`: an INSERT's values closed and an upsert clause added.
    if (v === 'on' && next?.v === 'duplicate' && t[i + 2]?.v === 'key' && t[i + 3]?.v === 'update') out.emit(R.breakoutClause, excerpt(s, a.start));
    // `HAVING COUNT(id) > 5`: a HAVING clause filters on an aggregate; prose has no such phrase.
    if (v === 'having' && next?.t === 'word' && AGGREGATES.has(next.v) && t[i + 2]?.t === '(') {
      let j = i + 3;
      while (j < t.length && j < i + 12 && t[j]?.t !== ')') j++;
      const cmp = t[j + 1];
      if (cmp?.t === 'op' && COMPARE.has(cmp.v)) out.emit(R.booleanExpression, excerpt(s, a.start));
    }
    if (v === 'from' && fromClause(t, i + 1)) out.emit(R.fromClause, excerpt(s, a.start));
    if (v === 'as' && (t[i - 1]?.t === ')' || t[i - 1]?.t === 'num' || t[i - 1]?.t === 'ident') && (t[i + 1]?.t === 'word' || t[i + 1]?.t === 'str' || t[i + 1]?.t === 'ident') && t[i + 2]?.v === 'from') {
      out.emit(R.fromClause, excerpt(s, a.start));
    }
    if (next?.t === '(' && SQL_FUNCS.has(v) && t[i + 2] === undefined && t[i - 1]?.t !== 'word') out.emit(R.functionOpen, excerpt(s, a.start));
    if (KEYWORDS.has(v)) out.emit(R.keyword, excerpt(s, a.start));
  }
  jsonCondition(s, t, out);
  for (let i = 0; i < t.length; i++) {
    const a = t[i];
    if (a === undefined) break;
    const v = a.v;
    const next = t[i + 1];
    // `OR 1#`, `and 'a'-- `: a condition on a literal whose statement rest is commented out, at the end of the value.
    if (isLogic(a) && v !== 'not' && (next?.t === 'num' || next?.t === 'str') && next.open !== true && t[i + 2]?.t === 'comment' && t[i + 2]?.v !== '/*!' && i + 3 === t.length && bareCommentEnd(s, t[i + 2]?.start ?? 0)) {
      out.emit(R.booleanExpression, excerpt(s, a.start));
    }
    if ((isLogic(a) && v !== 'not') || (a.t === 'word' && (v === 'having' || v === 'where' || v === 'when'))) {
      // `||(e="`: the comparison may sit inside parentheses.
      let k = i + 1;
      while (t[k]?.t === '(' && k < i + 4) k++;
      const n = operand(t, k);
      const cmp = t[k + n];
      if (n > 0 && cmp !== undefined && ((cmp.t === 'op' && COMPARE.has(cmp.v)) || cmp.v === 'like')) {
        // A complete comparison is a filter expression; an attack fragment leaves it dangling into the
        // surrounding statement: nothing, '(', an open quote, or a closing ')' / comment right after.
        let j = k + n + 1;
        while (t[j]?.t === 'op' && t[j]?.v === '=' && j < k + n + 4) j++;
        const rhs = t[j];
        const after = t[j + Math.max(1, operand(t, j))];
        // "... and the like": an English word compared with nothing is an idiom, not a condition left open.
        const idiom = rhs === undefined && cmp.v === 'like' && t[k]?.t === 'word';
        // (A ')' that closes a group the value opened itself, `(brand = 'a' OR brand = 'b')`, leaves nothing open;
        // a WHERE inside a sub-query, `length((select .. where id=1))`, is a statement of its own.)
        const dangling = (rhs === undefined && !idiom) || rhs?.t === '(' || (rhs?.t === 'str' && rhs.open === true) || (operand(t, j) > 0 && after !== undefined && ((after.t === ')' && !(isLogic(a) && openGroup(t, i))) || after.t === 'comment' || (after.t === 'str' && after.open === true)));
        if (dangling) out.emit(R.booleanExpression, excerpt(s, a.start));
      }
    }
    if (a.t !== 'word') continue;
    if (next?.t === '(') {
      // `time.sleep(1)`, `Thread.sleep(500)`: a method of a named object is another language's call, not SQL's.
      if (TIME_FUNCS.has(v) && timeArgs(t, i + 2, v) && !(t[i - 1]?.t === '.' && t[i - 2]?.t === 'word')) out.emit(R.timeFunction, excerpt(s, a.start));
      else if (FILE_WORDS.has(v)) out.emit(R.dangerousFunction, excerpt(s, a.start));
      if (DANGEROUS_FUNCS.has(v)) funcs++;
    }
    if (v === 'waitfor' && next?.t === 'word' && (next.v === 'delay' || next.v === 'time')) out.emit(R.timeFunction, excerpt(s, a.start));
    if ((v === 'outfile' || v === 'dumpfile') && t[i - 1]?.v === 'into') out.emit(R.dangerousFunction, excerpt(s, t[i - 1]?.start ?? a.start));
    if (v === 'xp_cmdshell' || v === 'sp_executesql' || v === 'xp_regread' || v === 'xp_dirtree') out.emit(R.dangerousFunction, excerpt(s, a.start));
    // `mysql`, `sys` and `master` are also everyday names (`sys.path`, an HLS `master.m3u8`): only with one of their
    // catalog members after the dot.
    const members = SHARED_CATALOGS.get(v);
    if (CATALOG.has(v) && (next?.t === '.' || t[i - 1]?.t === '.' || t[i - 1]?.v === 'from') && (members === undefined || (next?.t === '.' && (t[i + 2]?.t === '.' || members.has(t[i + 2]?.v ?? ''))))) {
      out.emit(R.catalog, excerpt(s, a.start));
    }
    if (v === 'union' || v === 'except' || v === 'intersect') {
      // `UNION--\nSELECT`, `union#x\nselect`: a line comment as the blank between the words (sqlmap's space2dash).
      let j = lineComments(t, i + 1);
      if (t[j]?.v === 'all' || t[j]?.v === 'distinct' || t[j]?.v === 'distinctrow') j = lineComments(t, j + 1);
      while (t[j]?.t === '(') j = lineComments(t, j + 1);
      if (t[j]?.t === 'word' && (t[j]?.v === 'select' || t[j]?.v === 'values')) out.emit(R.union, excerpt(s, a.start));
      // MySQL 8's TABLE statement (`union table users`): a table name, then the end of the statement.
      else if (t[j]?.v === 'table' && (t[j + 1]?.t === 'word' || t[j + 1]?.t === 'ident') && statementEnd(t[j + 2])) out.emit(R.union, excerpt(s, a.start));
    } else if (v === 'select') {
      select(s, t, i, out);
    } else if (isLogic(a) && tautology(t, i + 1)) {
      out.emit(R.tautology, excerpt(s, a.start));
    } else if (LEADING.has(v) && i === 0 && t.length > 1 && wholeStatement(t, i) && (v !== 'exec' && v !== 'execute' || execTarget(t[1]))) {
      out.emit(R.statement, excerpt(s, a.start));
    } else if (STATEMENT.has(v) && t[i - 1]?.t === ';' && stackedStatement(t, i)) {
      out.emit(R.stacked, excerpt(s, t[i - 1]?.start ?? a.start));
    }
  }
  if (funcs >= 2 && ops >= 2) out.emit(R.functionChain, excerpt(s, 0));
  const c = s.indexOf('/*');
  if (c > 0 && isWordChar(s.charCodeAt(c - 1))) {
    const e = s.indexOf('*/', c + 2);
    if (e !== -1 && isWordChar(s.charCodeAt(e + 2))) out.emit(R.commentObfuscation, excerpt(s, c));
  }
}

/** Nothing, a comment, `;`, `)` or a clause that may close a statement. */
function statementEnd(x: SqlToken | undefined): boolean {
  return x === undefined || x.t === 'comment' || x.t === ';' || x.t === ')' || (x.t === 'word' && (x.v === 'order' || x.v === 'limit' || x.v === 'union'));
}

/** The index of the first token at or after `j` that is not a line comment (`--`, `#`: each ends at a line break). */
function lineComments(t: SqlToken[], j: number): number {
  while (t[j]?.t === 'comment' && (t[j]?.v === '--' || t[j]?.v === '#')) j++;
  return j;
}

/** The comment at `from` says nothing (`#`, `-- `, `--+-`): an en-dash aside in prose has words after it. */
function bareCommentEnd(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c !== '-' && c !== '#' && c !== ' ' && c !== '+' && c !== '\t' && c !== '\n' && c !== '\r') return false;
  }
  return true;
}

/** Keywords an evasion splits with an empty or short comment, for a filter that deletes comments to join. */
const SPLIT_WORDS = new Set(['union', 'select', 'insert', 'update', 'delete', 'drop', 'from', 'where', 'exec', 'execute', 'declare', 'sleep', 'benchmark', 'waitfor', 'having', 'information_schema', 'concat', 'table', 'into', 'values', 'load_file', 'outfile', 'version', 'database', 'substring', 'ascii', 'char']);

/** `UNI/**\/ON SEL/**\/ECT`: letters on both sides of a comment that spell a keyword only once it is deleted. */
function splitKeyword(s: string, l: string, out: Emitter): void {
  let n = 0;
  for (let c = l.indexOf('/*'); c > 0 && n++ < 16; c = l.indexOf('/*', c + 2)) {
    const e = l.indexOf('*/', c + 2);
    if (e === -1 || l[c + 2] === '!' || e - c > 64) return;
    let a = c;
    while (a > 0 && isLetterOrUnderscore(l.charCodeAt(a - 1))) a--;
    let b = e + 2;
    while (b < l.length && isLetterOrUnderscore(l.charCodeAt(b))) b++;
    const left = l.slice(a, c);
    const right = l.slice(e + 2, b);
    if (left !== '' && right !== '' && SPLIT_WORDS.has(left + right)) {
      out.emit(R.splitKeyword, excerpt(s, a));
      return;
    }
  }
}

function isLetterOrUnderscore(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 95;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 64 || c === 40;
}

/** FROM followed by a quoted or qualified table name and a clause: a FROM clause, not prose. */
function fromClause(t: SqlToken[], i: number): boolean {
  const a = t[i];
  if (a === undefined) return false;
  let j = i;
  if (a.t === 'ident' || (a.t === 'word' && t[i + 1]?.t === '.')) {
    j++;
    while (t[j]?.t === '.' && (t[j + 1]?.t === 'word' || t[j + 1]?.t === 'ident')) j += 2;
    const b = t[j];
    return b === undefined ? a.t === 'ident' && a.open !== true : b.t === ';' || b.t === 'comment' || (b.t === 'word' && FROM_FOLLOW.has(b.v));
  }
  // FROM table WHERE col = ..., FROM table GROUP BY / ORDER BY: a plain table name needs a clause that parses.
  const b = t[i + 1];
  const c = t[i + 2];
  if (a.t === 'word' && b?.t === 'word') {
    if ((b.v === 'group' || b.v === 'order') && c?.v === 'by') return true;
    if (b.v === 'where' && (c?.t === 'word' || c?.t === 'ident') && t[i + 3]?.t === 'op' && COMPARE.has(t[i + 3]?.v ?? '')) return true;
  }
  return false;
}

function execTarget(b: SqlToken | undefined): boolean {
  return b !== undefined && (b.t === 'var' || b.t === '(' || (b.t === 'word' && (b.v.startsWith('xp_') || b.v.startsWith('sp_') || b.v === 'master' || b.v === 'immediate')));
}

/** A value made only of SQL operators and operator keywords (`XOR`, `<=>`, `IS NULL`, `IN (1,2)`). */
function bare(s: string, t: SqlToken[], out: Emitter, key: boolean): void {
  // `11!=1`, `42<=>42`, `1 is not 2`: nothing but two literals compared.
  const lit = (x: SqlToken | undefined) => x !== undefined && (x.t === 'num' || (x.t === 'str' && x.open !== true));
  // Only a comparison that is true is a tautology (11=1 is just a false condition).
  const same = (x: SqlToken | undefined, y: SqlToken | undefined) => x !== undefined && y !== undefined && (x.t === 'num' && y.t === 'num' ? Number(x.v) === Number(y.v) : x.v === y.v);
  if (t.length === 3 && lit(t[0]) && lit(t[2]) && t[1]?.t === 'op') {
    const op = t[1].v;
    const eq = same(t[0], t[2]);
    if (((op === '=' || op === '<=>') && eq) || ((op === '!=' || op === '<>') && !eq)) out.emit(R.literalComparison, excerpt(s, 0));
  }
  if (t.length === 4 && lit(t[0]) && lit(t[3]) && t[1]?.v === 'is' && t[2]?.v === 'not' && !same(t[0], t[3])) out.emit(R.literalComparison, excerpt(s, 0));
  let keyword = false;
  for (const x of t) {
    if (x.t === 'num' && t.some((y) => y.v === 'in' || y.v === 'between')) continue;
    if (!BARE.has(x.v) || x.t === 'str') return;
    if (x.t === 'word' || x.v.length > 1) keyword = true;
  }
  // One English word alone ("like", "group", "order", "null") is a button, a sort key or a JSON null written as
  // text; XOR, RLIKE and REGEXP are SQL's own.
  const word = t.length === 1 && t[0]?.t === 'word' ? t[0].v : undefined;
  // One operator alone as a value (`"op": ">="`) is a filter API's: it changes no statement it is put in. (As a
  // name, `>>` is no API's vocabulary: a probe for an error.)
  if (!key && t.length === 1 && t[0]?.t === 'op') return;
  if (keyword && (word === undefined || word === 'xor' || word === 'rlike' || word === 'regexp')) out.emit(R.bareOperator, excerpt(s, 0));
}

/**
 * The arguments of a delay function as SQL writes them: BENCHMARK(count, expr); SLEEP(n) / PG_SLEEP(n) with the
 * number alone or in an expression; a sub-query or a nested call. "Sleep (8 hours)" and "benchmark (requires
 * node 6)" are prose.
 */
function timeArgs(t: SqlToken[], i: number, fn: string): boolean {
  const a = t[i];
  const b = t[i + 1];
  if (a === undefined) return false;
  if (fn === 'benchmark') return (a.t === 'num' || a.t === 'var' || a.t === '(') && t.slice(i + 1, i + 5).some((x) => x.t === ',');
  // (`10.to_i`: a method on the number.)
  if (a.t === 'num' || a.t === 'var' || a.t === 'str') return b === undefined || b.t === ')' || b.t === ',' || b.t === 'op' || b.t === 'comment' || a.v.endsWith('.');
  // `sleep()` delays nothing (and is an error in SQL): prose names the function that way.
  if (a.t === '(') return true;
  return a.t === 'word' && (b?.t === '(' || b?.t === ')' || b?.t === 'op');
}

function tautology(t: SqlToken[], i: number): boolean {
  const a = t[i];
  const op = t[i + 1];
  const b = t[i + 2];
  if (a === undefined) return false;
  if (a.t === 'word' && (a.v === 'true' || a.v === 'false') && (op === undefined || op.t === 'comment' || op.t === ')' || op.t === ';')) return true;
  if (op === undefined || b === undefined) return false;
  if (!isComparison(op)) return false;
  const lit = (x: SqlToken) => x.t === 'num' || x.t === 'str';
  if (lit(a) && lit(b)) return true;
  // `or x=x`: the same name on both sides.
  return a.t === 'word' && b.t === 'word' && a.v === b.v;
}

const DDL_OBJECTS = new Set(['table', 'database', 'user', 'schema', 'procedure', 'function', 'view', 'index', 'login', 'trigger']);
/** What may follow the object name of a DDL statement (`DROP TABLE users;`, `CREATE TABLE t (`, `ALTER TABLE t ADD`). */
const DDL_FOLLOW = new Set(['as', 'cascade', 'restrict', 'add', 'drop', 'modify', 'rename', 'alter', 'change', 'on', 'to', 'set', 'engine', 'like', 'select', 'with', 'owner', 'purge', 'column', 'identified', 'partition', 'from']);

/** `TABLE [IF [NOT] EXISTS] name`: the object name is followed by the end, punctuation or a DDL word, not prose. */
function ddlObject(t: SqlToken[], i: number): boolean {
  if (t[i]?.t !== 'word' || !DDL_OBJECTS.has(t[i]?.v ?? '')) return false;
  let j = i + 1;
  if (t[j]?.v === 'if') j += t[j + 1]?.v === 'not' ? 3 : 2;
  const name = t[j];
  if (name === undefined || (name.t !== 'word' && name.t !== 'ident' && name.t !== 'str' && name.t !== 'var')) return false;
  j++;
  while (t[j]?.t === '.' && t[j + 1] !== undefined) j += 2;
  const b = t[j];
  return b === undefined || b.t === ';' || b.t === 'comment' || b.t === '(' || b.t === ',' || b.t === ')' || (b.t === 'word' && DDL_FOLLOW.has(b.v));
}

/** Words that start a noun phrase in English and are never table names. */
const DETERMINERS = new Set(['the', 'a', 'an', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'this', 'that', 'these', 'those', 'some', 'any', 'each', 'every', 'no']);

/**
 * The statement at i as a whole value (nothing before it): the clause after the table must be there too
 * (`DELETE FROM t WHERE`, `INSERT INTO t (`, `UPDATE t SET c =`, `CREATE TABLE t (`), so that an imperative
 * sentence ("Delete from cart", "Insert into the slot", "Create user account") is not a statement.
 */
function wholeStatement(t: SqlToken[], i: number): boolean {
  const a = t[i]?.v;
  const table = t[i + 2];
  const tableOk = table !== undefined && (table.t === 'ident' || (table.t === 'word' && !DETERMINERS.has(table.v)));
  let j = i + 3;
  while (t[j]?.t === '.' && t[j + 1] !== undefined) j += 2;
  const c = t[j];
  switch (a) {
    case 'delete':
      return t[i + 1]?.v === 'from' && tableOk && c !== undefined && (c.t === ';' || c.t === 'comment' || (c.t === 'word' && (c.v === 'where' || c.v === 'limit' || c.v === 'returning')));
    case 'insert':
      return t[i + 1]?.v === 'into' && tableOk && c !== undefined && (c.t === '(' || (c.t === 'word' && (c.v === 'values' || c.v === 'select' || c.v === 'set' || c.v === 'default')));
    case 'update':
      return stackedStatement(t, i) && (t[i + 3]?.t === 'word' || t[i + 3]?.t === 'ident') && (t[i + 4]?.v === '=' || t[i + 4]?.t === '.');
    case 'create':
    case 'alter':
      return stackedStatement(t, i) && ddlTail(t, i + 1);
    default:
      return stackedStatement(t, i);
  }
}

/** After `TABLE [IF [NOT] EXISTS] name`: something (a column list, a DDL word, a terminator), not the end. */
function ddlTail(t: SqlToken[], i: number): boolean {
  let j = i + 1;
  if (t[j]?.v === 'if') j += t[j + 1]?.v === 'not' ? 3 : 2;
  j++;
  while (t[j]?.t === '.' && t[j + 1] !== undefined) j += 2;
  return t[j] !== undefined;
}

function stackedStatement(t: SqlToken[], i: number): boolean {
  const a = t[i]?.v;
  const b = t[i + 1];
  if (a === undefined) return false;
  switch (a) {
    case 'drop':
      if (b?.t === 'word' && (t[i + 2]?.t === ';' || t[i + 2]?.t === 'comment')) return true;
      return ddlObject(t, i + 1);
    case 'create':
    case 'alter':
    case 'truncate':
      return ddlObject(t, i + 1);
    case 'delete':
      return b?.t === 'word' && b.v === 'from';
    case 'insert':
      return b?.t === 'word' && b.v === 'into';
    case 'update':
      return (b?.t === 'word' || b?.t === 'ident') && t[i + 2]?.v === 'set';
    case 'exec':
    case 'execute':
      return b !== undefined && (b.t === 'word' || b.t === '(' || b.t === 'var' || b.t === 'ident');
    case 'declare':
      return b?.t === 'var';
    case 'values':
      return b?.t === '(' && (t[i + 2]?.t === 'str' || t[i + 2]?.t === 'num') && t[i + 3]?.t === ',';
    case 'shutdown':
      return true;
    case 'select':
    case 'waitfor':
    case 'sleep':
    case 'set':
      return b !== undefined && b.t !== 'comment';
    case 'if':
      // `;IF(1=1)`, `;if @@version`, `;if 1=1`, `;IF EXISTS (`: a condition SQL writes; "; if BG < 70 mg/dL hold
      // the dose" is a sentence.
      return b !== undefined && (b.t === '(' || b.t === 'var' || b.t === 'num' || b.t === 'str' || (b.t === 'word' && (b.v === 'exists' || b.v === 'not')));
    default:
      return false;
  }
}

/** SELECT select-list [FROM table]: strong when the list or the table is clearly SQL. */
function select(s: string, t: SqlToken[], i: number, out: Emitter): void {
  // jq's `select(.status == "active")`: a path starting with '.' is no SQL select list.
  if (t[i + 1]?.t === '(' && t[i + 2]?.t === '.') return;
  const prev = t[i - 1];
  // (`Re: SELECT * in production?`: a colon is punctuation of prose, not an operator before a sub-query.)
  const inSub = prev !== undefined && (prev.t === '(' || prev.t === ';' || (prev.t === 'op' && prev.v !== '=' && prev.v !== '+' && prev.v !== '&' && prev.v !== ':'));
  let j = i + 1;
  if (t[j]?.v === 'distinct' || t[j]?.v === 'all' || t[j]?.v === 'top') j++;
  let strong = false;
  // `SELECT *` needs a FROM to be SQL at all: without one it is strong only with other evidence.
  let star = false;
  let items = 0;
  let words = 0;
  const limit = Math.min(t.length, j + 32);
  for (; j < limit; j++) {
    const a = t[j];
    if (a === undefined) break;
    if (a.t === 'word' && a.v === 'from') break;
    const first = j === i + 1 || t[j - 1]?.t === ',';
    if (a.t === 'op' && a.v === '*' && first) star = true;
    else if (a.t === 'var' || (a.t === '(' && t[j - 1]?.t === 'word')) strong = true;
    else if ((a.t === 'num' || a.t === 'str') && first && (t[j + 1] === undefined || t[j + 1]?.t === ',' || t[j + 1]?.v === 'from')) strong = true;
    else if (a.t === ',') items++;
    else if (a.t === 'word') words++;
    else if (a.t === 'comment' || a.t === ';') break;
  }
  const from = t[j];
  const table = t[j + 1];
  if (from?.v === 'from' && table !== undefined && (table.t === 'word' || table.t === 'ident' || table.t === '(')) {
    const qualified = t[j + 2]?.t === '.' || CATALOG.has(table.v);
    // "Select one from the list": a determiner is never a table name.
    const prose = table.t === 'word' && DETERMINERS.has(table.v) && !qualified;
    if (!prose && (strong || star || items > 0 || qualified || inSub || words <= 1)) out.emit(R.selectFrom, excerpt(s, t[i]?.start ?? 0));
    else out.emit(R.selectWeak, excerpt(s, t[i]?.start ?? 0));
    return;
  }
  if (inSub && prev?.t === '(') out.emit(R.selectFrom, excerpt(s, t[i]?.start ?? 0));
  else if (strong && (inSub || i === 0)) out.emit(R.selectFrom, excerpt(s, t[i]?.start ?? 0));
  else if (strong || star) out.emit(R.selectWeak, excerpt(s, t[i]?.start ?? 0));
}

/** Verbs that start a statement and are not also everyday words in a value that begins with `;`. */
const STRONG_VERBS = new Set(['select', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'truncate', 'exec', 'execute', 'declare', 'shutdown', 'waitfor', 'grant', 'revoke', 'merge', 'rename']);

/**
 * The value read as a piece cut out of the middle of a statement: it starts with an IN list, starts with a
 * statement separator or operator and then a statement, or ends with an operator that leaves the expression open
 * for the rest of the query. Prose starts with a word and ends with a word or a full stop.
 */
function fragment(s: string, t: SqlToken[], out: Emitter): void {
  const n = t.length;
  // `in (1, 2, 3)`, `NOT IN ('a', 'b')`: a set-membership test with nothing before it.
  const k = t[0]?.t === 'word' && t[0].v === 'not' ? 1 : 0;
  if (t[k]?.t === 'word' && t[k]?.v === 'in' && t[k + 1]?.t === '(') {
    const e = literalList(t, k + 2, false);
    if (e > 0 && t[e]?.t === ')') out.emit(R.inList, excerpt(s, 0));
  }
  // `k=;drop`: a value that is itself a `name=value` pair (a parameter encoded twice) is read from after the `=`.
  const base = t[0]?.t === 'word' && t[1]?.t === 'op' && t[1].v[0] === '=' && t[1].start === (t[0]?.start ?? 0) + t[0].v.length ? (t[1].v === '=' ? 2 : 1) : 0;
  // Leading `;`, `)` or operator characters: the value continues a statement it was cut from.
  let p = base;
  while (p < n && p < base + 3 && (t[p]?.t === ';' || t[p]?.t === ')' || (t[p]?.t === 'op' && t[p]?.v !== '-' && t[p]?.v !== '+'))) p++;
  const lead = t[p];
  if (p > base && lead?.t === 'word') {
    // `; AS alias FROM`: an alias and FROM, the middle of a select list.
    if (lead.v === 'as' && (t[p + 1]?.t === 'word' || t[p + 1]?.t === 'ident' || t[p + 1]?.t === 'str') && t[p + 2]?.v === 'from') out.emit(R.fromClause, excerpt(s, 0));
    if (STRONG_VERBS.has(lead.v) && t.slice(0, p).some((x) => x.t === ';')) out.emit(R.stacked, excerpt(s, 0));
    else if (LEADING.has(lead.v) && stackedStatement(t, p) && (lead.v !== 'exec' && lead.v !== 'execute' || execTarget(t[p + 1]))) out.emit(R.statement, excerpt(s, 0));
  }
  // `SET @v`, `SET @v = ...`: a MySQL user-variable assignment.
  const v = t[p];
  if (v?.t === 'word' && v.v === 'set' && t[p + 1]?.t === 'var' && !(t[p + 1]?.v.startsWith('@@') ?? false)) {
    const after = t[p + 2];
    if (after === undefined || after.t === ';' || after.t === ',' || after.t === 'comment' || (after.t === 'op' && (after.v === '=' || after.v === ':='))) out.emit(R.statement, excerpt(s, 0));
  }
  // `EXEC name`: a whole MSSQL statement running a stored procedure.
  if (n === 2 && t[0]?.t === 'word' && (t[0].v === 'exec' || t[0].v === 'execute') && (t[1]?.t === 'word' || t[1]?.t === 'ident')) out.emit(R.execProcedure, excerpt(s, 0));
  // A trailing boolean operator (optionally opening a parenthesis) after an operand, in a value that itself
  // starts mid-expression: `/3 or `, `)x AND (`. Search-as-you-type prose ("salt and") starts with a word.
  let e = n - 1;
  while (e > 0 && t[e]?.t === '(') e--;
  const last = t[e];
  if (p > base && e > p && e <= p + 3 && isLogic(last) && last?.v !== 'not' && last?.v !== 'div' && codeOperand(t[e - 1])) out.emit(R.operatorTail, excerpt(s, 0));
  // `x LIKE '`, `name = '`: a comparison whose string the query's own closing quote will complete.
  const tail = t[n - 1];
  if (n >= 3 && tail?.t === 'str' && tail.open === true && tail.v.trim() === '' && isComparison(t[n - 2]) && operandEnd(t[n - 3])) out.emit(R.operatorTail, excerpt(s, t[n - 3]?.start ?? 0));
}

/** An operand that is not a prose word: a literal, a variable, `)` or a column-like name (digits, `_`). */
function codeOperand(a: SqlToken | undefined): boolean {
  if (a === undefined) return false;
  if (a.t !== 'word') return operandEnd(a);
  for (let i = 0; i < a.v.length; i++) {
    const c = a.v.charCodeAt(i);
    if (c === 95 || (c >= 48 && c <= 57)) return true;
  }
  return false;
}

function operandEnd(a: SqlToken | undefined): boolean {
  return a !== undefined && (a.t === 'num' || a.t === 'ident' || a.t === 'var' || a.t === ')' || a.t === 'word' || (a.t === 'str' && a.open !== true));
}

const NOISY_CALLS = new Set([...SQL_FUNCS, 'in', 'default', 'if']);

/**
 * `length||(`, `year]=(`, `md5\(`: a SQL function name, then only punctuation, then an opening parenthesis that
 * ends the value (the query supplies the arguments). Scanned by hand on the lower-cased text: linear.
 */
function noisyCall(lower: string, out: Emitter): void {
  let e = lower.length;
  while (e > 0 && lower.charCodeAt(e - 1) <= 32) e--;
  if (e < 3 || lower.charCodeAt(e - 1) !== 40) return;
  let i = 0;
  while (i < e && lower.charCodeAt(i) <= 32) i++;
  const w = i;
  while (i < e && isIdentChar(lower.charCodeAt(i))) i++;
  if (i === w || e - 1 - i > 8 || !NOISY_CALLS.has(lower.slice(w, i))) return;
  for (let j = i; j < e - 1; j++) if (isIdentChar(lower.charCodeAt(j))) return;
  out.emit(R.functionOpen, excerpt(lower, w));
}

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * `'"`, `"'`` `: a value made only of quotes of different kinds provokes a syntax error whatever the context.
 * `'1'='2`, `"9*9`, `', 3`: a value that opens with a quote it never closes, then only digits and operator
 * characters, can only be read as ending a string literal and appending an expression (text has letters after
 * a quote; a quoted number closes its quote).
 */
function quoteProbe(s: string, out: Emitter): void {
  const q = s.charCodeAt(0);
  if ((q === 39 || q === 34 || q === 96) && s.length >= 3 && s.charCodeAt(s.length - 1) !== q) {
    let punct = false;
    let i = 1;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (((c | 0x20) >= 97 && (c | 0x20) <= 122) || c >= 128) break;
      if (!(c >= 48 && c <= 57) && c > 32) punct = true;
    }
    if (i === s.length && punct) {
      out.emit(R.quoteExpression, excerpt(s, 0));
      return;
    }
  }
  if (s.length > 8) return;
  const v = s.trim();
  if (v.length < 2) return;
  // `'-'`, `' '`, `"&"`: one operator or blank between quotes; in a string context `''-''` is arithmetic on two
  // empty strings (the login-bypass fuzz entries).
  if (v.length === 3 && (v[0] === "'" || v[0] === '"') && v[2] === v[0] && !isIdentChar((v[1] ?? 'a').toLowerCase().charCodeAt(0)) && v[1] !== v[0]) {
    out.emit(R.quoteProbe, v);
    return;
  }
  let kinds = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 39) kinds |= 1;
    else if (c === 34) kinds |= 2;
    else if (c === 96) kinds |= 4;
    else return;
  }
  if (kinds !== 1 && kinds !== 2 && kinds !== 4) out.emit(R.quoteProbe, v);
}

/** The lower-cased value ends with OR / AND / XOR (then blanks or an opening parenthesis): cheap gate for fragment(). */
function endsWithLogic(l: string): boolean {
  let e = l.length;
  while (e > 0 && (l.charCodeAt(e - 1) <= 32 || l.charCodeAt(e - 1) === 40)) e--;
  const c1 = l.charCodeAt(e - 1);
  const c2 = l.charCodeAt(e - 2);
  let w = 0;
  if (c1 === 114 && c2 === 111) w = l.charCodeAt(e - 3) === 120 ? 3 : 2; // or, xor
  else if (c1 === 100 && c2 === 110 && l.charCodeAt(e - 3) === 97) w = 3; // and
  return w > 0 && e >= w && (e === w || !isIdentChar(l.charCodeAt(e - w - 1)));
}

/**
 * `the "in" crowd`, `'Like' button`, `he said 'or else'.`: the quote at pos - 1 opens a quoted phrase of prose
 * (after the start or a blank, right before a letter, closed by the same quote before any SQL punctuation and
 * followed by a blank, the end or a sentence mark). Breakout payloads leave a blank, a digit or a quote after
 * their closing quote (`' or 'a'='a`, `'or'1'='1`).
 */
function quotedPhrase(s: string, pos: number): boolean {
  const q = s.charCodeAt(pos - 1);
  // `href="/docs"`, `class='note'>`: an attribute value that closes before '>', '/' or a blank is markup.
  if (s.charCodeAt(pos - 2) === 61) {
    const close = s.indexOf(s[pos - 1] ?? '', pos);
    const after = s.charCodeAt(close + 1);
    if (close !== -1 && close - pos <= 2048 && (close + 1 === s.length || after === 62 || after === 47 || after === 32 || after === 9 || after === 10)) return !s.slice(pos, close).includes('<');
  }
  if (pos >= 2 && !isBlankOrOpen(s.charCodeAt(pos - 2))) return false;
  // `'--help'`, `'-v'`: a quoted command-line option in prose.
  let from = pos;
  while (from < pos + 2 && s.charCodeAt(from) === 45) from++;
  if (!isLetter(s.charCodeAt(from))) return false;
  const end = s.indexOf(s[pos - 1] ?? '', pos);
  if (end === -1 || end - pos > 64) return false;
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!isLetter(c) && c !== 32 && c !== 45 && !(c >= 48 && c <= 57) && c !== q) return false;
  }
  // An option is one word: `'-- drop table x'` is a comment, not an option.
  if (from > pos && s.slice(from, end).includes(' ')) return false;
  const after = s.charCodeAt(end + 1);
  return end + 1 === s.length || after === 32 || after === 10 || after === 46 || after === 44 || after === 33 || after === 63 || after === 58 || after === 41;
}

function isLetter(c: number): boolean {
  return ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c >= 0xc0;
}

function isBlankOrOpen(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 40 || c === 91;
}

/**
 * `OR '{"a":"b"}' ? 'a'`, `AND '[1,2]' @> '1'`, `'{"a":2}' > '$.a'`: a JSON literal in a condition, compared
 * with a JSON operator (?, ?|, ?&, @>, <@, ->, ->>, #>) or a JSON path: syntax only JSON-aware SQL reads.
 */
function jsonCondition(s: string, t: SqlToken[], out: Emitter): void {
  if (!s.includes('{') && !s.includes('[')) return;
  for (let i = 0; i < t.length && i < 64; i++) {
    const a = t[i];
    if (a?.t !== 'str' || !(a.v.startsWith('{') || a.v.startsWith('[')) || a.v.length < 2) continue;
    const prev = t[i - 1];
    const next = t[i + 1];
    if (next === undefined) continue;
    const jsonOp = (next.t === 'op' && (next.v === '?' || next.v === '->' || next.v === '<' || next.v === '>' || next.v === '=')) || next.t === 'var' || next.t === 'comment';
    const path = t[i + 2]?.t === 'str' && (t[i + 2]?.v.startsWith('$.') || t[i + 2]?.v.startsWith('$['));
    if ((isLogic(prev) && jsonOp && (next.v !== '=' && next.v !== '<' && next.v !== '>' || path)) || (i === 0 && path)) {
      out.emit(R.jsonOperator, excerpt(s, (prev ?? a).start));
      return;
    }
  }
}

/** Substrings every CATALOG_GATE match contains (a memchr-speed pre-check). */
function mayNameCatalog(l: string): boolean {
  return l.includes('sql') || l.includes('msys');
}

/** `x OR `, `1 or true`: the fragment shapes a word-only value can take need a blank. */
function spacedFragment(l: string, mask: number): boolean {
  if ((mask & M.SPACE) === 0) return false;
  if (endsWithLogic(l)) return true;
  return numericLogic(l);
}

/** `1 or true`, `-5 and 5`: a number, blanks, then OR / AND / XOR and a blank, at the start (scanned by hand). */
function numericLogic(l: string): boolean {
  let i = 0;
  while (i < 8 && l.charCodeAt(i) === 32) i++;
  if (l.charCodeAt(i) === 45) i++;
  const d = i;
  while (i < l.length && l.charCodeAt(i) >= 48 && l.charCodeAt(i) <= 57) i++;
  if (i === d || l.charCodeAt(i) !== 32) return false;
  while (l.charCodeAt(i) === 32) i++;
  const w = l.startsWith('or ', i) ? 3 : l.startsWith('and ', i) || l.startsWith('xor ', i) ? 4 : 0;
  return w > 0;
}
