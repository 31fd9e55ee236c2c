/**
 * The OpenAPI 3.0 document of the fixture API. The flawed and hardened twins share it, except where the flaw is in
 * the document itself (an API key in the query string).
 */

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } };
const errors = { default: { description: 'Problem', content: { 'application/problem+json': { schema: problem } } } };
const json = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

const user = {
  type: 'object',
  properties: { id: { type: 'integer' }, username: { type: 'string' }, displayName: { type: 'string' }, role: { type: 'string', readOnly: true } },
};
const note = { type: 'object', properties: { id: { type: 'integer' }, owner: { type: 'integer' }, title: { type: 'string' }, body: { type: 'string' } } };
const noteInput = { type: 'object', required: ['title'], properties: { title: { type: 'string' }, body: { type: 'string' } } };

export function fixtureSpec(hardened: boolean): Record<string, unknown> {
  const exportKey = hardened
    ? { name: 'X-Export-Key', in: 'header', required: false, schema: { type: 'string' } }
    : { name: 'api_key', in: 'query', required: false, schema: { type: 'string' } };
  return {
    openapi: '3.0.3',
    info: { title: 'Rampart scanner fixture', version: '2.0.0' },
    servers: [{ url: '/api/v2' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: {
      '/login': {
        post: {
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } } } } },
          responses: { '200': json({ type: 'object', properties: { token: { type: 'string' } } }), ...errors },
        },
      },
      '/health': { get: { security: [], responses: { '200': json({ type: 'object', required: ['status'], properties: { status: { type: 'string' } } }), ...errors } } },
      '/me': { get: { responses: { '200': json(user), ...errors } } },
      '/users/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: { responses: { '200': json(user), ...errors } },
        patch: {
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { displayName: { type: 'string' } } } } } },
          responses: { '200': json(user), ...errors },
        },
      },
      '/notes': {
        get: {
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'q', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': json({ type: 'array', items: note }), ...errors },
        },
        post: { requestBody: { required: true, content: { 'application/json': { schema: noteInput } } }, responses: { '201': json(note, 'Created'), ...errors } },
      },
      '/notes/{noteId}': {
        parameters: [{ name: 'noteId', in: 'path', required: true, schema: { type: 'string' } }],
        get: { responses: { '200': json(note), ...errors } },
        delete: { responses: { '204': { description: 'Deleted' }, ...errors } },
      },
      '/invites': {
        post: {
          summary: 'Invite a friend by e-mail',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } } } } },
          responses: { '201': json({ type: 'object', properties: { sent: { type: 'boolean' } } }, 'Sent'), ...errors },
        },
      },
      '/activity': {
        get: {
          parameters: [{ name: 'userId', in: 'query', required: true, schema: { type: 'integer' } }],
          responses: { '200': json({ type: 'array', items: { type: 'object', properties: { at: { type: 'string' }, what: { type: 'string' } } } }), ...errors },
        },
      },
      '/reports': { get: { responses: { '200': json({ type: 'object', properties: { total: { type: 'integer' } } }), ...errors } } },
      '/export': { get: { parameters: [exportKey], responses: { '200': json({ type: 'object', properties: { ok: { type: 'boolean' } } }), ...errors } } },
      '/admin/stats': { get: { tags: ['admin'], responses: { '200': json({ type: 'object', properties: { users: { type: 'integer' }, notes: { type: 'integer' } } }), ...errors } } },
      '/files': {
        get: { security: [], parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string', example: 'readme.txt' } }], responses: { '200': { description: 'File', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors } },
      },
      '/search': {
        get: { security: [], parameters: [{ name: 'term', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'Results page', content: { 'text/html': { schema: { type: 'string' } } } }, ...errors } },
      },
      '/preview': {
        get: { security: [], parameters: [{ name: 'url', in: 'query', required: true, schema: { type: 'string', format: 'uri', example: 'https://example.com/' } }], responses: { '200': json({ type: 'object', properties: { fetched: { type: 'boolean' } } }), ...errors } },
      },
      '/tools/ping': {
        get: { security: [], parameters: [{ name: 'host', in: 'query', required: true, schema: { type: 'string', example: 'localhost' } }], responses: { '200': json({ type: 'object', properties: { output: { type: 'string' } } }), ...errors } },
      },
      '/validate': {
        get: { security: [], parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string', example: 'Ada Lovelace' } }], responses: { '200': json({ type: 'object', properties: { valid: { type: 'boolean' } } }), ...errors } },
      },
    },
  };
}
