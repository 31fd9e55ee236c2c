import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { applyBaseline, parseBaseline, BaselineError } from '../baseline.js';
import { compareScans } from '../compare.js';
import { suggestConfig } from '../suggest/config.js';
import { sampleResult } from '../testing/sample-result.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { pathLines, renderSarif } from './sarif.js';
import { renderTerminal } from './terminal.js';

describe('reports', () => {
  const r = sampleResult();

  it('terminal: a table, coverage, skipped checks, request count and duration', () => {
    const t = renderTerminal(r);
    expect(t).toMatch(/HIGH\s+API1:2023\s+bola-read\s+GET \/users\/\{id\}/);
    expect(t).toContain('API6:2023');
    expect(t).toContain('not-covered');
    expect(t).toContain('bola-write             skipped: changes data: run with --destructive');
    expect(t).toContain('20 requests in 1.2 s.');
    expect(t).not.toContain('\x1b[');
    expect(renderTerminal(r, { colour: true })).toContain('\x1b[31m');
  });

  it('JSON: the result itself, readable as a baseline', () => {
    const j = JSON.parse(renderJson(r)) as { findings: unknown[] };
    expect(j.findings).toHaveLength(4);
    expect(parseBaseline(renderJson(r), 'x').size).toBe(4);
  });

  it('SARIF 2.1.0: rules with CWE/OWASP tags, results pointing at the document, fingerprints', () => {
    const s = JSON.parse(renderSarif(r)) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri: string; properties: { tags: string[] } }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>; partialFingerprints: Record<string, string> }> }> };
    expect(s.version).toBe('2.1.0');
    const run = s.runs[0]!;
    const rules = run.tool.driver.rules;
    expect(rules.map((x) => x.id)).toEqual(expect.arrayContaining(['bola-read', 'data-exposure', 'cors', 'user-enumeration']));
    const bola = rules.find((x) => x.id === 'bola-read')!;
    expect(bola.properties.tags).toEqual(expect.arrayContaining(['OWASP-API1:2023', 'CWE-639']));
    expect(bola.helpUri).toBe('https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/');
    for (const res of run.results) {
      expect(rules[res.ruleIndex]!.id).toBe(res.ruleId);
      expect(res.locations[0]!.physicalLocation.artifactLocation.uri).toBe('openapi.yaml');
      expect(res.partialFingerprints.rampartFinding).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(run.results.find((x) => x.ruleId === 'cors')!.level).toBe('note');
  });

  it('SARIF: repository-relative document path and the line of each operation', () => {
    const doc = 'openapi: 3.0.3\npaths:\n  /users:\n    get: {}\n  /users/{id}:\n    get: {}\n';
    expect(pathLines(doc)).toEqual({ '/users': 3, '/users/{id}': 5 });
    expect(pathLines('{\n  "paths": {\n    "/a/{b}": {\n')).toEqual({ '/a/{b}': 3 });
    const s = JSON.parse(renderSarif({ ...r, spec: '/repo/api/openapi.yaml' }, { root: '/repo', lines: pathLines(doc) })) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
    const bola = s.runs[0]!.results.find((x) => x.ruleId === 'bola-read')!;
    expect(bola.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'api/openapi.yaml' }, region: { startLine: 5 } });
    expect(s.runs[0]!.results.find((x) => x.ruleId === 'cors')!.locations[0]!.physicalLocation.region.startLine).toBe(1);
  });

  it('JUnit: a suite per check, failures for findings, info passes, skipped checks skipped; escaped', () => {
    const x = renderJunit(r);
    expect(x).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="rampart-scan" tests="5" failures="3"/);
    expect(x).toContain('<skipped message="changes data: run with --destructive"/>');
    expect(x).not.toContain('<script>');
    expect(x).toContain('alice&apos;s object');
    expect(x).not.toMatch(/[\x01]/);
    expect((x.match(/<testcase /g) ?? []).length).toBe(5);
  });

  it('HTML: one file, no external resources, everything escaped, a chart and the evidence', () => {
    const h = renderHtml(r);
    expect(h.startsWith('<!doctype html>')).toBe(true);
    expect(h).not.toContain('<script>');
    expect(h).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(h).not.toMatch(/<(script|link|img)\b[^>]*(src|href)=/);
    expect(h).toContain('<svg role="img"');
    expect(h).toContain('How to fix it.');
    expect(h).toContain('$AUTH_BOB');
  });
});

describe('baseline and comparison', () => {
  it('keeps only findings new since the baseline', () => {
    const r = sampleResult();
    const old = parseBaseline(JSON.stringify({ findings: [r.findings[0]] }), 'old.json');
    const after = applyBaseline(r, old);
    expect(after.findings.map((f) => f.checkId)).toEqual(['data-exposure', 'cors', 'user-enumeration']);
    expect(after.baselineSuppressed).toBe(1);
    expect(renderTerminal(after)).toContain('1 already in the baseline');
  });

  it('refuses what is not a JSON report', () => {
    expect(() => parseBaseline('nope', 'x')).toThrow(BaselineError);
    expect(() => parseBaseline('{"a":1}', 'x')).toThrow(/no "findings" array/);
  });

  it('compares a direct scan with one through the gateway', () => {
    const direct = sampleResult();
    const gated = { ...direct, findings: [direct.findings[3]!] };
    const c = compareScans(direct, gated);
    expect(c.blocked.map((f) => f.checkId)).toEqual(['bola-read', 'data-exposure', 'cors']);
    expect(c.remaining.map((f) => f.checkId)).toEqual(['user-enumeration']);
    expect(c.introduced).toEqual([]);
  });
});

describe('suggested gateway config', () => {
  it('writes one route per operation with the blocking sections and a comment per finding', () => {
    const yaml = suggestConfig(sampleResult(), { upstream: 'users-api' });
    const doc = parseYaml(yaml) as { routes: Array<Record<string, unknown>> };
    const route = doc.routes.find((x) => x.id === 'get-users-id')!;
    expect(route).toMatchObject({
      match: { path: '/users/{id}', methods: ['GET'] },
      upstream: 'users-api',
      authorization: { owner: { param: 'id', principal: 'subject' } },
      responseProtection: { sensitiveFields: ['passwordHash'] },
    });
    expect(yaml).toContain('# [high] bola-read (API1:2023, CWE-639)');
    expect(yaml).toContain('# [high] data-exposure (API3:2023, CWE-200)');
    // A key the gateway does not have yet is only a comment; findings it cannot block are listed.
    expect(yaml).toMatch(/#\s+cors:/);
    expect(doc.routes.some((x) => 'cors' in x)).toBe(false);
    expect(yaml).toContain('not blockable at the gateway: Same answer for all failures.');
  });
});
