import { describe, expect, it } from 'vitest';
import { createInspector } from './index.js';
import { corpusRequest as toRequest, loadCorpus as load } from './testing/corpus.js';

const inspector = createInspector();

describe('own corpora at the default paranoia', () => {
  it('passes realistic API traffic (benign-api.jsonl): at least 95% overall, 100% outside code snippets', () => {
    const lines = load('benign-api.jsonl');
    expect(lines.length).toBeGreaterThan(300);
    const blocked = lines.filter((l) => inspector.inspect(toRequest(l)).blocked);
    expect(1 - blocked.length / lines.length).toBeGreaterThanOrEqual(0.95);
    // SQL and shell snippets posted to a code field are what per-parameter exclusions are for. (Prose naming a
    // system file, "...cat /etc/hosts? No - I'm kidding", scores below the threshold since session 5.)
    const unexpected = blocked.filter((l) => l.category !== 'code-snippet');
    expect(unexpected.map((l) => l.id)).toEqual([]);
  });

  it('blocks the attack corpus (attacks.jsonl): every category, at least 95% overall', () => {
    const lines = load('attacks.jsonl');
    const missed = lines.filter((l) => !inspector.inspect(toRequest(l)).blocked);
    expect(1 - missed.length / lines.length).toBeGreaterThanOrEqual(0.95);
    const cats = new Set(lines.map((l) => l.category));
    for (const c of cats) expect(missed.filter((l) => l.category === c).length, c).toBeLessThan(lines.filter((l) => l.category === c).length);
  });

  it('code snippets pass once the code field is excluded', () => {
    const excluded = createInspector({ exclusions: [{ location: 'body:/code' }] });
    for (const l of load('benign-api.jsonl').filter((x) => x.category === 'code-snippet')) expect(excluded.inspect(toRequest(l)).blocked, l.id).toBe(false);
  });
});

/** The share of a corpus's attack lines the engine misses must stay at or below `maxMissed` (a fraction). */
function expectBlocked(file: string, minLines: number, maxMissed: number): void {
  const lines = load(file);
  expect(lines.length).toBeGreaterThan(minLines);
  const missed = lines.filter((l) => !inspector.inspect(toRequest(l)).blocked);
  expect(missed.length / lines.length, missed.map((l) => l.id).join(' ')).toBeLessThanOrEqual(maxMissed);
}

/** The share of a corpus's legit lines the engine passes must stay at or above `minPassed` (a fraction). */
function expectPassed(file: string, minPassed: number): void {
  const lines = load(file);
  const blocked = lines.filter((l) => inspector.inspect(toRequest(l)).blocked);
  expect(1 - blocked.length / lines.length, blocked.map((l) => l.id).join(' ')).toBeGreaterThanOrEqual(minPassed);
}

describe('probe corpora (two rounds written apart from the engine in session 5, then used to mend it)', () => {
  it('blocks probe-attacks.jsonl: every category, at least 99% overall', () => expectBlocked('probe-attacks.jsonl', 850, 0.01));

  it('passes probe-benign.jsonl: at least 96% (SQL and shell in developer prose, MongoDB Data API filters and InfluxQL are the known rest)', () => expectPassed('probe-benign.jsonl', 0.96));
});

describe('probe corpora, rounds three to five (written apart from the engine in session 6, then used to mend it)', () => {
  it('blocks probe3-attacks.jsonl: at least 99.5% (the miss left: an https URL to a paste site in `file=`, blocked from paranoia 3)', () => expectBlocked('probe3-attacks.jsonl', 400, 0.005));

  it('passes probe3-benign.jsonl: at least 92.5% (the rest: SQL sent to query APIs, shell scripts in CI and cloud-init payloads, full HTML documents: fields per-route exclusions are for)', () => expectPassed('probe3-benign.jsonl', 0.925));

  it('blocks probe4-attacks.jsonl (WAF-bypass techniques): at least 99.5% (the miss left: a UNC path to a named host in `file=`)', () => expectBlocked('probe4-attacks.jsonl', 300, 0.005));

  it('passes probe4-benign.jsonl (business APIs): at least 95% (the rest: code and SQL submitted as exercise answers, embed HTML with scripts, SQL in résumés)', () => expectPassed('probe4-benign.jsonl', 0.95));

  it("blocks probe5-attacks.jsonl (SOAP, GraphQL, CSV, part headers, cookies): at least 98.5% (left: Host and Forwarded host poisoning, which needs the route's own host names, and an SSRF in Referer)", () => expectBlocked('probe5-attacks.jsonl', 300, 0.015));

  it('passes probe5-benign.jsonl (webhooks, B2B XML, telemetry, developer tools): at least 95% (the rest: SQL sent to query APIs, LDAP filters in an LDAP settings form, an external DTD in cXML, embedded code)', () => expectPassed('probe5-benign.jsonl', 0.95));
});
