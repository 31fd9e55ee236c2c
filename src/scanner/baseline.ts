import { readFile } from 'node:fs/promises';
import type { ScanResult } from './types.js';

export class BaselineError extends Error {
  readonly code = 'ERR_RAMPART_SCAN_BASELINE';
}

/** The finding fingerprints of an earlier JSON report. */
export function parseBaseline(text: string, source: string): Set<string> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`${source}: not JSON (${(err as Error).message})`);
  }
  const findings = typeof v === 'object' && v !== null && 'findings' in v ? v.findings : undefined;
  if (!Array.isArray(findings)) throw new BaselineError(`${source}: not a rampart scan JSON report (no "findings" array)`);
  const out = new Set<string>();
  for (const f of findings) {
    if (typeof f === 'object' && f !== null && 'fingerprint' in f && typeof f.fingerprint === 'string') out.add(f.fingerprint);
  }
  return out;
}

export async function loadBaseline(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BaselineError(`cannot read baseline ${path}: ${(err as Error).message}`);
  }
  return parseBaseline(text, path);
}

/** Only what is new since the baseline; the count of hidden findings is kept in the result. */
export function applyBaseline(r: ScanResult, known: ReadonlySet<string>): ScanResult {
  const fresh = r.findings.filter((f) => !known.has(f.fingerprint));
  return { ...r, findings: fresh, baselineSuppressed: r.findings.length - fresh.length };
}
