import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most max entries, dropping the oldest; setting again makes a key the youngest', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3);
    m.set('c', 4);
    expect(m.size).toBe(2);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(3);
    expect(m.get('c')).toBe(4);
  });
  it('holds nothing when max is 0', () => {
    const m = new BoundedMap<string, number>(0);
    m.set('a', 1);
    expect(m.size).toBe(0);
  });
});
