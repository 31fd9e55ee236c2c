import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';

const inspector = createInspector({ paranoia: 2 });
const query = (v: string): InspectRequest => ({ method: 'GET', path: '/api/items', query: 'x=' + encodeURIComponent(v), headers: { host: 'api.example.com' } });
const rules = (v: string) => inspector.inspect(query(v)).findings.map((f) => f.ruleId);

describe('cmdi: cmd.exe FOR and IF forms', () => {
  it.each([
    ['cmdi.batch-for', 'for %file in (*.log) do del %file'],
    ['cmdi.batch-if', 'if/i %x%==y del c:\\a'],
    ['cmdi.batch-if', 'if "a b" == "a b" type c:\\boot.ini'],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
  });

  it.each(['for 5% in (most) cases', 'Verify if the total == 5', 'if you want, == means equal'])('passes: %s', (v) => {
    const r = inspector.inspect(query(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});
