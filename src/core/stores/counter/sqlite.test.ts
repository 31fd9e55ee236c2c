import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteCounterStore } from './sqlite.js';
import { runCounterStoreContract } from './testing/contract.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-counters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runCounterStoreContract('sqlite', async () => {
  let t = 1_700_000_000_000;
  const store = createSqliteCounterStore({ path: ':memory:', now: () => t });
  return { store, now: () => t, advance: (ms) => void (t += ms), close: () => store.close() };
});

describe('sqlite counter store', () => {
  const quota = { key: 'consumer:acme', algorithm: 'fixed-window' as const, limit: 3, periodMs: 86_400_000, burst: 3, cost: 1, maxDelayMs: 0 };

  it('keeps a daily quota across a restart', async () => {
    const path = join(dir, 'restart.db');
    const t = 1_700_000_000_000;
    const first = createSqliteCounterStore({ path, now: () => t });
    expect(first.consume([quota]).allowed).toBe(true);
    expect(first.consume([quota]).allowed).toBe(true);
    await first.close();
    const second = createSqliteCounterStore({ path, now: () => t + 60_000 });
    expect(second.consume([quota]).results[0]?.remaining).toBe(0);
    expect(second.consume([quota]).allowed).toBe(false);
    await second.close();
  });

  it('stays exact for two stores sharing one file (two processes on one host)', async () => {
    const path = join(dir, 'shared.db');
    const a = createSqliteCounterStore({ path });
    const b = createSqliteCounterStore({ path });
    const c = { ...quota, key: 'shared', limit: 10, burst: 10 };
    let accepted = 0;
    for (let i = 0; i < 30; i++) if ((i % 2 === 0 ? a : b).consume([c]).allowed) accepted++;
    expect(accepted).toBe(10);
    await a.close();
    await b.close();
  });
});
