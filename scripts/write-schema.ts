// Writes schema/rampart.schema.json from the schema that validates configs (npm run schema).
import { writeFileSync } from 'node:fs';
import { publishedSchema } from '../src/core/config/json-schema.js';

const file = new URL('../schema/rampart.schema.json', import.meta.url);
writeFileSync(file, publishedSchema());
console.log(`wrote ${file.pathname}`);
