import { describe, expect, it } from 'vitest';
import { STAGE_ORDER } from '../pipeline/types.js';
import { STAGE_MODULES } from './index.js';

describe('stage registry', () => {
  it('lists the pluggable stages in pipeline order, once each', () => {
    const names = STAGE_MODULES.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    const positions = names.map((n) => STAGE_ORDER.indexOf(n));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(names).not.toContain('hardening');
    expect(names).not.toContain('routing');
  });
});
