import { describe, expect, it } from 'vitest';
import { groupIp } from './ip-group.js';

describe('groupIp', () => {
  it('keeps a whole IPv4 address by default and masks shorter prefixes', () => {
    expect(groupIp('203.0.113.7', 32, 64)).toBe('203.0.113.7');
    expect(groupIp('203.0.113.7', 24, 64)).toBe('203.0.113.0/24');
    expect(groupIp('203.0.113.7', 1, 64)).toBe('128.0.0.0/1');
  });

  it('groups every address of one IPv6 /64 into one key', () => {
    const a = groupIp('2001:db8:1:2:aaaa:bbbb:cccc:dddd', 32, 64);
    expect(a).toBe('2001:db8:1:2/64');
    expect(groupIp('2001:db8:1:2::1', 32, 64)).toBe(a);
    expect(groupIp('2001:0DB8:0001:0002:ffff:0:0:1', 32, 64)).toBe(a);
    expect(groupIp('2001:db8:1:3::1', 32, 64)).not.toBe(a);
  });

  it('masks inside a group and handles ::, zones and embedded IPv4', () => {
    expect(groupIp('2001:db8:abcd:12ff::1', 32, 56)).toBe('2001:db8:abcd:1200/56');
    expect(groupIp('::1', 32, 64)).toBe('0:0:0:0/64');
    expect(groupIp('fe80::1%eth0', 32, 64)).toBe('fe80:0:0:0/64');
    expect(groupIp('64:ff9b::192.0.2.33', 32, 128)).toBe('64:ff9b:0:0:0:0:c000:221/128');
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(groupIp('::ffff:198.51.100.9', 32, 64)).toBe('198.51.100.9');
  });

  it('returns anything unparseable unchanged', () => {
    expect(groupIp('unknown', 32, 64)).toBe('unknown');
  });
});
