import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../../../core/config/schema.js';
import type { Principal } from '../../pipeline/types.js';
import { fakeContext, run, testConfig, testEnv, type FakeRequest } from '../authentication/testing/context.js';
import { authorizationModule, METHOD_OVERRIDE_HEADERS } from './authorization.js';

const alice: Principal = { subject: 'alice', consumer: 'web', groups: ['users'], scopes: ['orders:read'], roles: ['user'], method: 'jwt', claims: { tenant: 'acme', amr: ['pwd', 'otp'] } };
const admin: Principal = { ...alice, subject: 'root', groups: ['staff'], roles: ['admin'] };
const anon: Principal = { subject: 'anonymous', groups: [], scopes: [], roles: [], method: 'anonymous' };

function stageOf(route: Partial<RouteConfig>) {
  const config = testConfig([route]);
  const build = authorizationModule.build(config, testEnv());
  if ('then' in build) throw new Error('expected a synchronous build');
  return build.forRoute(config.routes[0]!);
}

const stageFor = (authorization: NonNullable<RouteConfig['authorization']>, path = '/users/{id}') =>
  stageOf({ match: { path }, authentication: { methods: ['jwt'], anonymous: true }, authorization });

function req(p: Principal, r: FakeRequest & { id?: string } = {}) {
  return fakeContext({ path: `/users/${r.id ?? 'alice'}`, ...r, facts: { principal: p, route: { id: 'r0', template: '/users/{id}', params: { id: r.id ?? 'alice' }, value: undefined }, ...r.facts } });
}

describe('authorization rules', () => {
  it('allows by group, denies by group (deny wins), naming only the missing group', async () => {
    const s = stageFor({ allowGroups: ['users', 'staff'], denyGroups: ['banned'], methodOverride: 'strip' });
    expect((await run(s, req(alice))).kind).toBe('continue');
    expect(await run(s, req({ ...alice, groups: ['users', 'banned'] }))).toMatchObject({ kind: 'reject', problem: { code: 'forbidden', detail: 'access denied' } });
    expect(await run(s, req({ ...alice, groups: ['guests'] }))).toMatchObject({ kind: 'reject', problem: { code: 'forbidden', detail: 'requires membership of group users or staff' } });
  });

  it('requires every scope, answering 403 with RFC 6750 insufficient_scope for bearer tokens', async () => {
    const s = stageFor({ scopes: ['orders:read', 'orders:write'], methodOverride: 'strip' });
    const d = await run(s, req(alice));
    expect(d).toMatchObject({ kind: 'reject', problem: { code: 'forbidden', detail: 'missing scope orders:write', headers: { 'www-authenticate': 'Bearer realm="rampart", error="insufficient_scope", scope="orders:write"' } } });
    expect((await run(s, req({ ...alice, scopes: ['orders:read', 'orders:write'] }))).kind).toBe('continue');
  });

  it('checks claim conditions without revealing them', async () => {
    const s = stageFor({ claims: [{ claim: 'tenant', equals: 'acme' }, { claim: 'amr', contains: 'otp' }], methodOverride: 'strip' });
    expect((await run(s, req(alice))).kind).toBe('continue');
    const d = await run(s, req({ ...alice, claims: { tenant: 'other', amr: ['otp'] } }));
    expect(d).toMatchObject({ kind: 'reject', problem: { detail: 'access denied', reason: expect.stringMatching(/tenant/) } });
    expect((await run(s, req({ ...alice, claims: undefined }))).kind).toBe('reject');
  });

  it('makes an operation admin-only per method (function-level authorization)', async () => {
    const s = stageFor({ methods: { DELETE: { adminOnly: true } }, methodOverride: 'strip' });
    expect((await run(s, req(alice, { method: 'GET' }))).kind).toBe('continue');
    expect(await run(s, req(alice, { method: 'DELETE' }))).toMatchObject({ problem: { code: 'forbidden', detail: 'this operation requires an administrator' } });
    expect((await run(s, req(admin, { method: 'DELETE' }))).kind).toBe('continue');
  });

  it('holds HEAD to the rules of GET', async () => {
    const s = stageFor({ methods: { GET: { scopes: ['orders:admin'] } }, methodOverride: 'strip' });
    expect(await run(s, req(alice, { method: 'HEAD' }))).toMatchObject({ problem: { code: 'forbidden', detail: 'missing scope orders:admin' } });
  });

  it('refuses when no principal was established', async () => {
    const s = stageFor({ methodOverride: 'strip' });
    expect(await run(s, fakeContext())).toMatchObject({ problem: { code: 'unauthorized' } });
  });
});

describe('object ownership (BOLA)', () => {
  it('lets a caller reach only its own {id}, unless admin; compares decoded values', async () => {
    const s = stageFor({ owner: { param: 'id', principal: 'subject' }, methodOverride: 'strip' });
    expect((await run(s, req(alice, { id: 'alice' }))).kind).toBe('continue');
    expect((await run(s, req(alice, { id: '%61lice' }))).kind).toBe('continue');
    expect(await run(s, req(alice, { id: 'bob' }))).toMatchObject({ problem: { code: 'forbidden', detail: 'you may only access your own resources' } });
    expect((await run(s, req(alice, { id: '%E0%A4%A' }))).kind).toBe('reject');
    expect((await run(s, req(admin, { id: 'bob' }))).kind).toBe('continue');
    expect((await run(s, req(anon, { id: 'anonymous' }))).kind).toBe('reject');
  });

  it('applies only to the configured methods', async () => {
    const s = stageFor({ owner: { param: 'id', principal: 'subject', methods: ['PUT', 'PATCH', 'DELETE'] }, methodOverride: 'strip' });
    expect((await run(s, req(alice, { id: 'bob', method: 'GET' }))).kind).toBe('continue');
    expect((await run(s, req(alice, { id: 'bob', method: 'PATCH' }))).kind).toBe('reject');
  });

  it('checks a query parameter (every occurrence) and a JSON body field (every array element, no duplicate keys)', async () => {
    const q = stageFor({ owner: { query: 'owner', principal: 'subject' }, methodOverride: 'strip' }, '/orders');
    expect((await run(q, req(alice, { query: 'owner=alice' }))).kind).toBe('continue');
    expect((await run(q, req(alice, { query: 'owner=alice&owner=bob' }))).kind).toBe('reject');
    expect((await run(q, req(alice, { query: '' }))).kind).toBe('reject');

    const b = stageFor({ owner: { body: '/ownerId', principal: 'subject' }, methodOverride: 'strip' }, '/orders');
    expect(b?.needsBody).toBe(true);
    expect((await run(b, req(alice, { method: 'POST', body: '{"ownerId":"alice","item":1}' }))).kind).toBe('continue');
    expect((await run(b, req(alice, { method: 'POST', body: '{"ownerId":"bob"}' }))).kind).toBe('reject');
    expect((await run(b, req(alice, { method: 'POST', body: '[{"ownerId":"alice"},{"ownerId":"bob"}]' }))).kind).toBe('reject');
    expect(await run(b, req(alice, { method: 'POST', body: '{"ownerId":"bob","ownerId":"alice"}' }))).toMatchObject({ problem: { code: 'bad-request' } });
    expect(await run(b, req(alice, { method: 'POST', body: '{"ownerId":"bob","owner\\u0049d":"alice"}' }))).toMatchObject({ kind: 'reject' });
  });

  it('refuses an owner.param the route template does not have, at build', () => {
    expect(() => stageFor({ owner: { param: 'userId', principal: 'subject' }, methodOverride: 'strip' })).toThrow(/has no \{userId\}/);
  });
});

describe('method override', () => {
  const s = () => stageFor({ methods: { DELETE: { adminOnly: true } }, methodOverride: 'strip' });

  it('strips override headers by default (also on routes without an authorization section)', async () => {
    const d = await run(s(), req(alice, { method: 'POST', headers: { 'x-http-method-override': 'DELETE' }, facts: { dropHeaders: ['x-rampart-subject'] } }));
    expect(d).toMatchObject({ kind: 'continue', facts: { dropHeaders: ['x-rampart-subject', ...METHOD_OVERRIDE_HEADERS] } });
    expect(await run(stageOf({}), fakeContext({ headers: { 'x-http-method': 'DELETE' } }))).toMatchObject({ facts: { dropHeaders: METHOD_OVERRIDE_HEADERS } });
  });

  it('authorizes the overridden method when configured, and always for the _method query parameter', async () => {
    const a = stageFor({ methods: { DELETE: { adminOnly: true } }, methodOverride: 'authorize' });
    expect(await run(a, req(alice, { method: 'POST', headers: { 'x-http-method-override': 'delete' } }))).toMatchObject({ problem: { code: 'forbidden', reason: expect.stringMatching(/overridden method DELETE/) } });
    expect((await run(a, req(admin, { method: 'POST', headers: { 'x-http-method-override': 'DELETE' } }))).kind).toBe('continue');
    expect((await run(s(), req(alice, { method: 'POST', query: '_method=DELETE' }))).kind).toBe('reject');
  });
});
