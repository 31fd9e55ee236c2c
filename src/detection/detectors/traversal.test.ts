import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { queryRequest } from '../testing/requests.js';

const inspector = createInspector({ paranoia: 2 });
const query = (v: string): InspectRequest => queryRequest(v, 'f', '/api/files');

describe('traversal: a .. segment needs a slash beside it', () => {
  it.each(['../config', 'a/..', '..\\..\\boot.ini', '..;/admin', 'x/../../y'])('counts: %s', (v) => {
    expect(inspector.inspect(query(v)).findings.some((f) => f.ruleId.startsWith('traversal.dot-dot'))).toBe(true);
  });

  it.each(['SELECT ... FROM', 'and so on ... etc', 'a .. b', 'Wait... what?', '... Some content ...'])('an ellipsis is prose: %s', (v) => {
    expect(inspector.inspect(query(v)).findings.some((f) => f.ruleId.startsWith('traversal.'))).toBe(false);
  });
});

describe('traversal: dotfiles are whole names', () => {
  it('~/.history is sensitive; jquery.history.min.js is a script', () => {
    expect(inspector.inspect(query('/home/app/.history')).findings.map((f) => f.ruleId)).toContain('traversal.sensitive-file');
    expect(inspector.inspect({ method: 'GET', path: '/js/jquery.history.min.js', query: '', headers: { host: 'h' } }).blocked).toBe(false);
  });
});

describe('traversal: shell bracket classes in a path', () => {
  it.each(['cat /[?]tc/pa[?]swd', 'x;more /etc/[!abc]asswd', 'less /etc/[m-z]hadow'])('%s', (v) => {
    expect(inspector.inspect(query(v)).findings.map((f) => f.ruleId)).toContain('traversal.sensitive-file');
  });

  it('bracketed path parts that name nothing sensitive pass', () => {
    expect(inspector.inspect(query('see [1] /docs/[v2]/readme')).blocked).toBe(false);
  });
});
