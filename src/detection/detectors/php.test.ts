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
