import { parseArgs } from 'node:util';
import { checkOpenApiDocument, formatOpenApiReport } from '../../gateway/stages/validation/check.js';
import { EXIT, type Command } from './registry.js';

const usage = `Usage: rampart openapi check FILE

Loads and compiles an OpenAPI document (3.0, 3.1 or Swagger 2.0) exactly as the validation stage will, and
lists its operations and what will not be checked (unknown formats, unsupported keywords).
Exit 0 when the document is usable, 1 when it is not, 2 on a usage error.
`;

export const openapiCommand: Command = {
  name: 'openapi',
  summary: 'check an OpenAPI document the way the validation stage reads it',
  usage,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (values.help === true) {
      process.stdout.write(usage);
      return EXIT.ok;
    }
    const [verb, file, ...rest] = positionals;
    if (verb !== 'check' || file === undefined || rest.length > 0) {
      process.stderr.write(`rampart openapi: expected "check FILE"\n\n${usage}`);
      return EXIT.usage;
    }
    const report = await checkOpenApiDocument(file);
    (report.ok ? process.stdout : process.stderr).write(formatOpenApiReport(report));
    return report.ok ? EXIT.ok : EXIT.failure;
  },
};
