import { describe, expect, it } from 'vitest';
import { createRouter, type RouteDefinition } from './router.js';
import { parsePathTemplate } from './template.js';

const defs: RouteDefinition<string>[] = [
  { id: 'users', path: '/users', methods: ['GET', 'POST'], value: 'users' },
  { id: 'user', path: '/users/{id}', methods: ['GET', 'PUT', 'DELETE'], value: 'user' },
  { id: 'me', path: '/users/me', methods: ['GET'], value: 'me' },
  { id: 'orders', path: '/users/{id}/orders/{orderId}', value: 'orders' },
  { id: 'admin', path: '/admin/**', value: 'admin' },
  { id: 'api-host', path: '/status', hosts: ['api.example.com'], value: 'api-status' },
  { id: 'wild-host', path: '/status', hosts: ['*.example.org'], value: 'wild-status' },
  { id: 'catch', path: '/**', methods: ['GET'], value: 'catch' },
];
const router = createRouter(defs, { caseSensitive: false });
const find = (method: string, path: string, host = 'localhost') => router.find(method, host, path);

describe('router', () => {
  it('matches templates and extracts parameters', () => {
    expect(find('GET', '/users/42')).toMatchObject({ kind: 'match', match: { id: 'user', params: { id: '42' } } });
    expect(find('GET', '/users/7/orders/9')).toMatchObject({ kind: 'match', match: { id: 'orders', params: { id: '7', orderId: '9' } } });
  });
  it('prefers static segments over parameters over rest', () => {
    expect(find('GET', '/users/me')).toMatchObject({ match: { id: 'me' } });
    expect(find('GET', '/admin/users/1')).toMatchObject({ match: { id: 'admin', params: { '**': 'users/1' } } });
    expect(find('GET', '/admin')).toMatchObject({ match: { id: 'admin' } });
  });
  it('falls back to a less specific route when the method does not fit, else 405 with every allowed method', () => {
    expect(find('PUT', '/users/me')).toMatchObject({ match: { id: 'user', params: { id: 'me' } } });
    const r = find('PATCH', '/users/42');
    expect(r).toEqual({ kind: 'method-not-allowed', allow: ['DELETE', 'GET', 'HEAD', 'PUT'] });
    expect(find('DELETE', '/nothing/here')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] });
  });
  it('HEAD follows GET', () => {
    expect(find('HEAD', '/users')).toMatchObject({ match: { id: 'users' } });
  });
  it('matches hosts exactly or by one-label wildcard', () => {
    expect(find('GET', '/status', 'api.example.com')).toMatchObject({ match: { id: 'api-host' } });
    expect(find('GET', '/status', 'eu.example.org')).toMatchObject({ match: { id: 'wild-host' } });
    expect(find('GET', '/status', 'a.b.example.org')).toMatchObject({ match: { id: 'catch' } });
    expect(find('GET', '/status', 'example.org')).toMatchObject({ match: { id: 'catch' } });
  });
  it('matches static segments case-insensitively by default, so /ADMIN cannot dodge the /admin route', () => {
    expect(find('POST', '/ADMIN/x')).toMatchObject({ match: { id: 'admin' } });
    expect(find('GET', '/Users/5')).toMatchObject({ match: { id: 'user', params: { id: '5' } } });
    const strict = createRouter(defs, { caseSensitive: true });
    expect(strict.find('POST', 'h', '/ADMIN/x').kind).toBe('method-not-allowed');
  });
  it('ignores a trailing slash', () => {
    expect(find('GET', '/users/42/')).toMatchObject({ match: { id: 'user' } });
  });
  it('not found when nothing matches', () => {
    const r = createRouter([{ id: 'a', path: '/a', value: 1 }], { caseSensitive: false });
    expect(r.find('GET', 'h', '/b')).toEqual({ kind: 'not-found' });
    expect(r.find('GET', 'h', '/a/b')).toEqual({ kind: 'not-found' });
  });
});

describe('path templates', () => {
  it.each([
    ['users', 'must start'],
    ['/a/{id}/{id}', 'twice'],
    ['/a/x{id}', 'whole segment'],
    ['/a/**/b', 'only end'],
    ['/a//b', 'empty segment'],
    ['/a/../b', 'dot segments'],
    ['/a/{1x}', 'invalid parameter'],
  ])('rejects %s', (t, why) => {
    const r = parsePathTemplate(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });
});
