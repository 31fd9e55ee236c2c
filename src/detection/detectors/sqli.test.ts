import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { jsonRequest, ruleIds } from '../testing/requests.js';

/** SQL fragment rules: a value read as a piece cut out of a statement, against the prose it must pass. */
const pl2 = createInspector({ paranoia: 2 });
const pl1 = createInspector({ paranoia: 1 });
const body = (v: string): InspectRequest => jsonRequest('text', v);
const rules = (v: string, inspector = pl2) => ruleIds(inspector, body(v));

describe('sqli fragments (paranoia 2)', () => {
  it.each([
    ['sqli.in-list', 'in (7, 8, -9)'],
    ['sqli.in-list', "NOT IN ('a','b')"],
    ['sqli.in-list', 'IN (41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52)'],
    ['sqli.stacked-query', ';delete from orders'],
    ['sqli.boolean-expression', ' HAVING COUNT(CustomerID) > 5'],
    ['sqli.boolean-expression', 'OR 1# '],
    ['sqli.boolean-expression', "and 'a'-- -"],
    ['sqli.stacked-query', ');truncate'],
    ['sqli.statement', '*ALTER TABLE accounts ADD admin int'],
    ['sqli.statement', 'set @counter = 5'],
    ['sqli.statement', ')SET @tmp'],
    ['sqli.exec-procedure', 'exec sp_who2'],
    ['sqli.exec-procedure', 'EXECUTE cleanup_job'],
    ['sqli.operator-tail', '*9 AND ('],
    ['sqli.operator-tail', ')id_2 or '],
    ['sqli.operator-tail', "title LIKE '"],
    ['sqli.operator-tail', "pwd = '"],
    ['sqli.function-open', 'substring;('],
    ['sqli.function-open', 'ascii | ('],
    ['sqli.function-open', 'concat\\('],
    ['sqli.breakout-list', "', 7, 'x'"],
    ['sqli.stacked-query', 'q=;drop'],
    ['sqli.operator-tail', 'f=/7 and('],
    ['sqli.statement', 'k=>set @x'],
    ['sqli.from-clause', '; AS total FROM'],
    ['sqli.breakout-clause', '` AS `n` FROM'],
    ['sqli.quote-probe', `'"`],
    ['sqli.breakout-clause', "' is not null--"],
    ['sqli.breakout-clause', "x' like 0x41--"],
    ['sqli.breakout-clause', "' limit 1 --"],
    ['sqli.statement', 'delete from users where id > 0'],
    ['sqli.statement', 'INSERT INTO admins (name) VALUES (1)'],
    ['sqli.statement', 'update accounts set balance = 0'],
    ['sqli.statement', 'create table t (a int)'],
    ['sqli.numeric-boolean', '-1 OR 17-7=10'],
    ['sqli.json-operator', `1 OR '{"r":"x"}' ? 'r'`],
    ['sqli.json-operator', `x AND '[7]' @> '7'`],
    ['sqli.breakout-clause', "' isnull --"],
    ['sqli.union-select', '1 intersect select 2'],
    ['sqli.breakout-comment', "bob@example.com';"],
    ['sqli.breakout-operator', '` REGEXP '],
    ['sqli.breakout-operator', "'&'"],
    ['sqli.breakout-keyword', "'union a"],
    ['sqli.time-function', 'sleep(10.to_i)'],
    ['sqli.system-procedure', "'xp_cmdshell'"],
    ['sqli.time-function', 'BENCHMARK(2999/**/999,MD5(1))'],
    ['sqli.postgres-operator', 'now()::double precision'],
    ['sqli.select-from', '%S%E%L%E%C%T name %F%R%O%M users'],
    ['sqli.tautology', '7 or true'],
    ['sqli.quote-expression', "'7'='8"],
    ['sqli.quote-expression', '"41-1'],
    ['sqli.quote-expression', "'3'>'2"],
    ['sqli.quote-probe', "`'"],
    ['sqli.quote-probe', "'-'"],
    ['sqli.quote-probe', '" "'],
    ['sqli.catalog', 'MSysObjects'],
    ['sqli.catalog', 'mysql.user'],
    ['sqli.system-procedure', "openrowset('SQLOLEDB'"],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
    expect(pl2.inspect(body(v)).blocked).toBe(true);
  });

  it('the new fragment rules are paranoia 2', () => {
    for (const v of ['in (7, 8, -9)', 'EXECUTE cleanup_job', '*9 AND (', "', 7, 'x'", `'"`]) expect(pl1.inspect(body(v)).score, v).toBe(0);
  });

  it.each([
    // prose and search-as-you-type text
    'salt and',
    'take 2 or 1 -- whichever is cheaper',
    'having count(x) issues',
    'iphone 15 or',
    '50% off, 20% more, 10% less',
    "Use '{}' or '[]' for empty values",
    '{"a": 1, "b": [2, 3]}',
    "He said 'bye';",
    "I 'like'",
    "Invalid option '--halp' - perhaps you meant '--help'?",
    'borrowed, and at times stolen from [Russ',
    // developer prose (a README sweep)
    "path: '/',",
    "error: '/content/0/type should be one of the allowed values",
    'added support for strings in maps and the like',
    'To run benchmark (requires node.js 6+):',
    'Sleep (8 hours) matters',
    '"-c, --count Int',
    "Invoked when the registry collects its metrics' values.",
    "The workers' union met on Monday",
    'El "Select" del menú',
    "C'est la vie; l'union fait la force",
    "Rock 'n' like",
    '1 or 2+2 people',
    '2 or 3 bedrooms',
    '5 and more',
    'black or white',
    'C++ or Rust?',
    'We will meet in (roughly) an hour',
    'in 2 days',
    'Execute order 66',
    'Please execute the payment plan today.',
    'set @alice as the reviewer',
    'Create table of contents',
    'Drop table tennis balls off at the gym',
    '- create table for the report',
    'I like the new design',
    "I like 'em",
    "O'Brien, 3rd floor",
    "'80s, 90s and today",
    "'Twas the night",
    'status=open or',
    'x=1 and',
    '> Tom and',
    // quoted words in prose are not string breakouts
    "The 'Like' button is broken",
    '"Where" is the store?',
    "'From' field is empty",
    'The "in" crowd',
    "He said 'or else'.",
    '"Limit" 5 items per order',
    'A "such as" from the list',
    "x' is the derivative of x",
    "Jones' like button",
    "The 90s' from-scratch sound",
    "Rock 'n' roll in the 80s",
    // imperative sentences that begin like statements
    'Select one from the list below',
    'Select * from the menu is not valid here',
    'Update user set to active',
    'Delete from cart',
    'Insert into the slot and turn',
    'Create user account',
    // values that only look like calls
    'Date (UTC)',
    'length (cm)',
    'Pick a year (',
    '(see above)',
    'mysql.com',
    'pip install mysql.connector',
    // quotes used as text
    '""',
    "''",
    '"',
    '`code`',
    '5\' 11"',
    "'12'",
    '"1,000"',
    "'80s music",
    "'a'",
    '"1"',
  ])('passes: %s', (v) => {
    const r = pl2.inspect(body(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});

describe('bare operators: one English word is not SQL', () => {
  it.each(['like', 'group', 'order', 'null', 'Not', 'between'])('passes the single word %s', (v) => {
    expect(rules(v)).not.toContain('sqli.bare-operator');
  });

  it.each(['XOR', 'rlike', 'regexp', 'is null', '<=> null', '|| not'])('still reads %s as operator syntax', (v) => {
    expect(rules(v)).toContain('sqli.bare-operator');
  });

  it.each(['<=>', '>=', '!=', '<>'])('passes the operator %s alone as a value (a filter API op field)', (v) => {
    expect(rules(v)).not.toContain('sqli.bare-operator');
  });
});

describe('time functions: SQL calls, not other languages', () => {
  it('passes a method of a named object and an empty call in prose', () => {
    for (const v of ['In Python, `while True: do_work(); time.sleep(1)` drifts by seconds per hour.', 'Why does my sleep() in a loop drift?', 'Thread.sleep(500) blocks the caller']) {
      expect(rules(v), v).not.toContain('sqli.time-function');
    }
  });

  it('still reads the delay in SQL and in PHP concatenation', () => {
    for (const v of ["1' and sleep(5)-- -", "'.sleep(5).'", '1;select pg_sleep(10)']) expect(rules(v), v).toContain('sqli.time-function');
  });
});
