/**
 * Score the detection engine in-process over wafbench JSONL corpora: TPR (attacks blocked) and TNR (legit
 * requests passed), overall and per category.
 *
 *   npx tsx scripts/score-corpus.ts [--paranoia N] [--threshold N] [--misses CAT] [--fps CAT] [--json] FILE...
 *
 * --misses / --fps list the attack lines passed / legit lines blocked of a category ('all' for every one).
 */
import { readFileSync } from 'node:fs';
import { createInspector, type InspectRequest, type Paranoia } from '../src/detection/index.js';

interface Line {
  id: string;
  set: 'attack' | 'legit';
  category: string;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string | string[]>;
  body: string | null;
  body_b64?: string;
  encoder?: string;
  version?: string;
}

interface Tally {
  attack: number;
  blocked: number;
  legit: number;
  passed: number;
}

function parseArgs(argv: string[]) {
  const files: string[] = [];
  let paranoia: Paranoia = 2;
  let threshold = 5;
  let misses: string | undefined;
  let fps: string | undefined;
  let json = false;
  let groupBy = 'category';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--paranoia') {
      const p = Number(argv[++i]);
      if (p !== 1 && p !== 2 && p !== 3 && p !== 4) throw new Error('--paranoia must be 1-4');
      paranoia = p;
    } else if (a === '--threshold') threshold = Number(argv[++i]);
    else if (a === '--misses') misses = argv[++i];
    else if (a === '--fps') fps = argv[++i];
    else if (a === '--group-by') groupBy = argv[++i] ?? 'category';
    else if (a === '--json') json = true;
    else if (a !== undefined) files.push(a);
  }
  return { files, paranoia, threshold, misses, fps, json, groupBy };
}

function toRequest(l: Line): InspectRequest {
  const body = l.body_b64 !== undefined ? Buffer.from(l.body_b64, 'base64') : l.body ?? undefined;
  return { method: l.method, path: l.path, query: l.query ?? '', headers: l.headers, body, httpVersion: l.version };
}

const pct = (a: number, b: number) => (b === 0 ? '   -  ' : ((100 * a) / b).toFixed(1).padStart(6));

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const inspector = createInspector({ paranoia: opts.paranoia, threshold: opts.threshold });
  const report: Record<string, unknown> = {};
  for (const file of opts.files) {
    const lines = readFileSync(file, 'utf8').split('\n').filter((x) => x.trim() !== '');
    const total: Tally = { attack: 0, blocked: 0, legit: 0, passed: 0 };
    const groups = new Map<string, Tally>();
    let elapsed = 0;
    for (const raw of lines) {
      const l = JSON.parse(raw) as Line;
      const t0 = process.hrtime.bigint();
      const r = inspector.inspect(toRequest(l));
      elapsed += Number(process.hrtime.bigint() - t0);
      const key = String((l as unknown as Record<string, unknown>)[opts.groupBy] ?? '-');
      const g = groups.get(key) ?? { attack: 0, blocked: 0, legit: 0, passed: 0 };
      groups.set(key, g);
      for (const t of [total, g]) {
        if (l.set === 'attack') {
          t.attack++;
          if (r.blocked) t.blocked++;
        } else {
          t.legit++;
          if (!r.blocked) t.passed++;
        }
      }
      const show = (sel: string | undefined) => sel !== undefined && (sel === 'all' || l.category.includes(sel));
      if (l.set === 'attack' && !r.blocked && show(opts.misses)) {
        console.log(`MISS ${l.id} score=${r.score} ${l.method} ${l.path.slice(0, 100)} ?${(l.query ?? '').slice(0, 160)} | ${JSON.stringify(l.headers).slice(0, 200)} | ${(l.body ?? '').slice(0, 200).replace(/\n/g, '\\n')}`);
        for (const f of r.findings) console.log(`   ${f.ruleId} ${f.score} ${f.location} ${JSON.stringify(f.fragment)}`);
      }
      if (l.set === 'legit' && r.blocked && show(opts.fps)) {
        console.log(`FP ${l.id} score=${r.score} ${l.method} ${l.path.slice(0, 100)} ?${(l.query ?? '').slice(0, 160)} | ${(l.body ?? '').slice(0, 200).replace(/\n/g, '\\n')}`);
        for (const f of r.findings) console.log(`   ${f.ruleId} ${f.score} ${f.location} ${JSON.stringify(f.fragment)}`);
      }
    }
    report[file] = { paranoia: opts.paranoia, total, groups: Object.fromEntries(groups), usPerRequest: elapsed / 1000 / lines.length };
    if (opts.json) continue;
    console.log(`\n${file}  (paranoia ${opts.paranoia}, threshold ${opts.threshold}, ${(elapsed / 1000 / lines.length).toFixed(1)} µs/request)`);
    console.log(`${'group'.padEnd(36)} attack  TPR%   legit  TNR%`);
    for (const [k, t] of [...groups.entries()].sort()) console.log(`${k.padEnd(36)} ${String(t.attack).padStart(6)} ${pct(t.blocked, t.attack)} ${String(t.legit).padStart(6)} ${pct(t.passed, t.legit)}`);
    console.log(`${'TOTAL'.padEnd(36)} ${String(total.attack).padStart(6)} ${pct(total.blocked, total.attack)} ${String(total.legit).padStart(6)} ${pct(total.passed, total.legit)}`);
  }
  if (opts.json) console.log(JSON.stringify(report, null, 2));
}

main();
