import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { deferredChild } from './deferred-counter.js';

describe('deferredChild', () => {
  it('hands its count to the counter at each scrape, exactly once', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 't_total', help: 'h', labelNames: ['route', 'outcome'] as const, registers: [registry] });
    const pass = deferredChild(c, { route: 'r', outcome: 'pass' });
    const again = deferredChild(c, { route: 'r', outcome: 'pass' });
    const block = deferredChild(c, { route: 'r', outcome: 'block' });
    for (let i = 0; i < 5; i++) pass.inc();
    again.inc();
    block.inc();
    c.inc({ route: 'r', outcome: 'block' });
    expect(await registry.metrics()).toContain('t_total{route="r",outcome="pass"} 6');
    expect(await registry.metrics()).toContain('t_total{route="r",outcome="pass"} 6');
    pass.inc();
    const values = (await c.get()).values;
    expect(values.find((v) => v.labels.outcome === 'pass')?.value).toBe(7);
    expect(values.find((v) => v.labels.outcome === 'block')?.value).toBe(2);
  });

  it('keeps a collect hook the counter already had', async () => {
    let called = 0;
    const c = new Counter({
      name: 'u_total',
      help: 'h',
      labelNames: ['k'] as const,
      registers: [],
      collect() {
        called++;
      },
    });
    deferredChild(c, { k: 'a' }).inc();
    expect((await c.get()).values[0]?.value).toBe(1);
    expect(called).toBe(1);
  });
});
