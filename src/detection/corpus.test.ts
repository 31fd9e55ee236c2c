import { describe, expect, it } from 'vitest';
import { createInspector } from './index.js';
import { corpusRequest as toRequest, loadCorpus as load, type CorpusLine as Line } from './testing/corpus.js';

const inspector = createInspector();

describe('own corpora at the default paranoia', () => {
  it('passes realistic API traffic (benign-api.jsonl): at least 95% overall, 100% outside code snippets', () => {
    const lines = load('benign-api.jsonl');
    expect(lines.length).toBeGreaterThan(300);
    const blocked = lines.filter((l) => inspector.inspect(toRequest(l)).blocked);
    expect(1 - blocked.length / lines.length).toBeGreaterThanOrEqual(0.95);
    // SQL and shell snippets posted to a code field are what per-parameter exclusions are for.
    // "...cat /etc/hosts? No - I'm kidding": prose naming a system file is blocked on purpose (sensitive-file rule).
    const text = (l: Line) => decodeURIComponent((l.body ?? l.query ?? '').replaceAll('+', ' '));
    const unexpected = blocked.filter((l) => l.category !== 'code-snippet' && !text(l).includes('/etc/hosts'));
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
