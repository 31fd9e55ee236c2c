import { configSchema } from './schema.js';

/**
 * The config's JSON Schema as published in schema/rampart.schema.json, for editors (YAML language server:
 * `# yaml-language-server: $schema=.../rampart.schema.json`). Generated from the very object ajv validates
 * with; a test fails when the published file is stale.
 */
export function publishedSchema(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...JSON.parse(JSON.stringify(configSchema)) };
  return JSON.stringify(schema, null, 2) + '\n';
}
