import { readFileSync } from 'node:fs';
import type { InspectRequest } from '../types.js';

/** One line of a wafbench JSONL corpus, as the detection tests read it (see ../shared/corpus/README.md). */
export interface CorpusLine {
  id: string;
  set: 'attack' | 'legit';
  category: string;
  /** Public-collection corpora only: how the payload was encoded and where it was placed. */
  encoder?: string;
  placement?: string;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string>;
  body: string | null;
  /** A body that is not UTF-8 text (UTF-16, a serialized object), base64-encoded. */
  body_b64?: string;
}

/** The lines of a corpus file in src/detection/corpus/. */
export function loadCorpus(name: string): CorpusLine[] {
  const text = readFileSync(new URL(`../corpus/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as CorpusLine);
}

/** The request a corpus line describes. */
export function corpusRequest(l: CorpusLine): InspectRequest {
  const body = l.body_b64 !== undefined ? Buffer.from(l.body_b64, 'base64') : (l.body ?? undefined);
  return { method: l.method, path: l.path, query: l.query ?? '', headers: l.headers, body };
}
