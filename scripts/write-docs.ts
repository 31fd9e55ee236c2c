// Regenerates the config reference embedded in README.md and the published JSON Schema (npm run docs).
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference } from '../src/core/config/reference.js';
import { publishedSchema } from '../src/core/config/json-schema.js';

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const start = '<!-- config-reference:start -->\n';
const end = '<!-- config-reference:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < 0) throw new Error('README.md lacks the config-reference markers');
writeFileSync(readme, text.slice(0, a + start.length) + configReference() + text.slice(b));
writeFileSync(new URL('../schema/rampart.schema.json', import.meta.url), publishedSchema());
console.log('README.md config reference and schema/rampart.schema.json updated');
