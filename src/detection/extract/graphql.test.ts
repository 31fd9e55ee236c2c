import { describe, expect, it } from 'vitest';
import { createInspector, type InspectRequest } from '../index.js';
import { graphqlStrings } from './graphql.js';

describe('graphqlStrings', () => {
  it('gives the decoded string literals of operations and fragments', () => {
    expect(graphqlStrings('{ user(id: "7") { name } }')).toEqual(['7']);
    expect(graphqlStrings('query Q($n: Int = 5) {\n  products(where: {name: {_ilike: "%table%"}}, limit: $n) { id, name }\n}')).toEqual(['%table%']);
    expect(graphqlStrings('mutation { post(text: "say \\"hi\\" \\u0041", tags: ["a", "b"]) { id } } # done')).toEqual(['say "hi" A', 'a', 'b']);
    expect(graphqlStrings('query { doc(body: """a "quoted" block""") { id } }\nfragment F on User { id ...G }')).toEqual(['a "quoted" block']);
    expect(graphqlStrings('{ a(x: -1.5e3, y: true, z: null, e: ENUM) @include(if: $v) { b } }')).toEqual([]);
  });

  it('is undefined past 200 strings, so that no string is left unread', () => {
    const many = `{ a(${Array.from({ length: 201 }, (_, i) => `x${i}: "v"`).join(' ')}) { b } }`;
    expect(graphqlStrings(many)).toBeUndefined();
  });

  it('is undefined for text that is not a GraphQL operation', () => {
    for (const v of ['drop table users', "{ user(id: \"1\") { name } } ' or 1=1", 'query{a} OR 1=1', '{ a(x: 1a) { b } }', '{ a { b }', '{ a } }', 'select * from t where a = "x"', '{ a(x: "unterminated) { b } }', '<script>{}</script>']) {
      expect(graphqlStrings(v), v).toBeUndefined();
    }
  });
});

describe('GraphQL requests through the inspector', () => {
  const inspector = createInspector({ paranoia: 2 });
  const post = (query: string): InspectRequest => ({ method: 'POST', path: '/graphql', query: '', headers: { host: 'h', 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: {} }) });

  it('reads an injection inside a string argument, with the member as its location', () => {
    const r = inspector.inspect(post('{ user(name: "x\' OR 1=1 -- ") { id } }'));
    expect(r.blocked).toBe(true);
    expect(r.findings.every((f) => f.location === 'body:/query')).toBe(true);
    const get = inspector.inspect({ method: 'GET', path: '/graphql', query: `query=${encodeURIComponent('{ search(q: "<img src=x onerror=alert(1)>") { id } }')}`, headers: { host: 'h' } });
    expect(get.blocked).toBe(true);
  });

  it('passes GraphQL syntax that looks like SQL or shell to a text reader', () => {
    expect(inspector.inspect(post('query {\n  products(where: {price: {_lt: 50}, name: {_ilike: "%table%"}}, order_by: {created_at: desc}, limit: 10) {\n    id name price\n  }\n}')).blocked).toBe(false);
  });

  it('reads a query member that is not GraphQL as text', () => {
    expect(inspector.inspect(post("1' UNION SELECT password FROM users--")).blocked).toBe(true);
  });
});
