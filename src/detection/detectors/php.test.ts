import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { queryRequest, ruleIds } from '../testing/requests.js';

const inspector = createInspector({ paranoia: 2 });
const query = (v: string): InspectRequest => queryRequest(v);
const rules = (v: string) => ruleIds(inspector, query(v));

describe('php: calls through expressions and comments', () => {
  it.each([
    ['php.indirect-call', '[ exec ] [ 0 ] ( "id" )'],
    ['php.indirect-call', '("pass"."thru")(whoami)'],
    ['php.indirect-call', "{[shell_exec][0]} ('ls')"],
    ['php.indirect-call', "const('k','sys'.'tem');(k)/* x */('id')"],
    ['php.variable-function', "$fn['a'] /* c */ ('ls')"],
    ['php.variable-function', '${@var_dump(1)}'],
    ['php.open-tag', '<?=7*7?>'],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
  });

  it.each([
    "Our system is 'down' (again)",
    'The system (beta) is "great" (really)',
    'Exec summary (Q3) [draft] (v2)',
    '[1] (see notes) evaluation',
    'Total: ${price(2)} incl. tax',
    '<?xml version="1.0"?><a/>',
  ])('passes: %s', (v) => {
    const r = inspector.inspect(query(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});

const fileHeader = (v: string): InspectRequest => ({ method: 'PUT', path: '/api/files', query: '', headers: { host: 'api.example.com', 'x-filename': v } });

describe('php: tags, variable variables, built-in calls, ini lines, file names', () => {
  it.each([
    ['php.open-tag', "<? echo 'hi'"],
    ['php.open-tag', '{php}echo 1;{/php}'],
    ['php.open-tag', '[php]print "x";[/php]'],
    ['php.open-tag', '<?xml :echo 1;'],
    ['php.variable-variable', "${'sys'.'tem'}"],
    ['php.variable-variable', '$ {$a}'],
    ['php.variable-variable', '${ $x }'],
    ['php.function-name', 'phpinfo'],
    ['php.function-name', 'FOOfsockopen'],
    ['php.function-name', 'gzinflate'],
    ['php.function-name', 'x base64_decode y'],
    ['php.builtin-call', 'strrev($x)'],
    ['php.builtin-call', 'array_diff ('],
    ['php.builtin-call', 'date_add()'],
    ['php.builtin-call', 'ldap_get_entries()'],
    ['php.builtin-call', 'x;substr("abc",1)'],
    ['php.dangerous-call', 'exec //c\n("id")'],
    ['php.dangerous-call', 'file\r\n()'],
    ['php.variable-function', '$__[$_[1]](7)'],
    ['php.variable-function', '$a #c\n()'],
    ['php.config-directive', 'opcache.jit=1235'],
    ['php.config-directive', 'memory_limit = 512M'],
    ['php.config-directive', 'x\nsession.save_path=/tmp'],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
  });

  it.each([
    ['php.session-file', 'sess_abcdef0123456789abcd'],
    ['php.session-file', '/tmp/sess_d8ew88tqmabdcokhumchy8'],
    ['php.script-upload', 'photo. php'],
    ['php.script-upload', 'shell.php.jpg'],
    ['php.script-upload', 'x.phar .png'],
  ])('file name %s: %s', (id, v) => {
    expect(ruleIds(inspector, fileHeader(v))).toContain(id);
  });

  it.each([
    'Range (km)',
    'Date (UTC)',
    'file(s) attached',
    'Copy (2)',
    'is_active (boolean)',
    'date_created (UTC)',
    'count(*) per day',
    'time(s) of day',
    'Use ${name} in the template',
    'Total: $ 5 or $ 6',
    '<?xml version="1.0" encoding="UTF-8"?>',
    'memory limit = 512M',
    'session timeout = 30 min',
    'See the [php] tag on the forum',
    'http://example.com/a//b\n(see above)',
    'issue #12 and\n(see above)',
    'min(1, 2)',
    'max(3,4)',
    'round(2.5)',
    'count(1)',
    'date("Y-m-d")',
    'SUM(A1:A3)',
  ])('passes: %s', (v) => {
    const r = inspector.inspect(query(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });

  it('file metadata calls are not built-in call evidence', () => {
    expect(rules('filemtime($f)')).not.toContain('php.builtin-call');
  });

  it.each(['report final. pdf', 'session_2024.csv', 'sess_notes.txt', 'holiday photo.jpg'])('file name passes: %s', (v) => {
    const r = inspector.inspect(fileHeader(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});
