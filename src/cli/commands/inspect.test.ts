import { describe, expect, it } from 'vitest';
import { inspectCommand, parseInspectArgs, parseRawRequest, type InspectIo } from './inspect.js';

function io(stdin = ''): InspectIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stdin: async () => stdin };
}

describe('rampart inspect', () => {
  it('parses curl-like arguments, keeping the raw (encoded) target', () => {
    const r = parseInspectArgs(['-X', 'PUT', '-H', 'X-A: 1', '-H', 'x-a: 2', '-d', 'a=1', 'https://api.example.com/p%2e%2e/x?q=%27', '--paranoia', '3']);
    if (!r.ok) throw new Error(r.error);
    expect(r.options.paranoia).toBe(3);
    expect(r.options.request).toMatchObject({ method: 'PUT', path: '/p%2e%2e/x', query: 'q=%27', body: 'a=1' });
    expect(r.options.request?.headers).toMatchObject({ Host: 'api.example.com', 'Content-Type': 'application/x-www-form-urlencoded' });
  });

  it('reports usage errors', () => {
    expect(parseInspectArgs(['--paranoia', '7', 'http://x/'])).toMatchObject({ ok: false });
    expect(parseInspectArgs(['-H', 'nocolon', 'http://x/'])).toMatchObject({ ok: false });
    expect(parseInspectArgs(['--frobnicate'])).toMatchObject({ ok: false });
  });

  it('parses a raw HTTP request, chunked body included', () => {
    const r = parseRawRequest('POST /a?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    if (typeof r === 'string') throw new Error(r);
    expect(r).toMatchObject({ method: 'POST', path: '/a', query: 'x=1', body: 'hello' });
    expect(parseRawRequest('garbage')).toBeTypeOf('string');
  });

  it('explains a blocked request detector by detector and exits 1', async () => {
    const t = io();
    const code = await inspectCommand(["http://api.example.com/items?id=1'%20OR%20'1'='1"], t);
    expect(code).toBe(1);
    const text = t.out.join('\n');
    expect(text).toMatch(/^verdict: BLOCK/);
    expect(text).toMatch(/sqli\s+\+\d+/);
    expect(text).toMatch(/xss\s+clean/);
    expect(text).toContain('query:id');
  });

  it('reads a raw request on stdin; a benign one exits 0; --json prints the result', async () => {
    const t = io("GET /users?name=O%27Brien HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: curl/8\r\n\r\n");
    expect(await inspectCommand(['--json'], t)).toBe(0);
    expect(JSON.parse(t.out.join(''))).toMatchObject({ blocked: false, score: 0, findings: [] });
  });

  it('exits 2 without a request', async () => {
    const t = io('');
    expect(await inspectCommand([], t)).toBe(2);
    expect(t.err.join('')).toContain('usage');
  });
});
