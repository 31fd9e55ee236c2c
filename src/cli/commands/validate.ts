import { parseArgs } from 'node:util';
import { loadConfigFile, formatIssues } from '../../core/config/load.js';
import { EXIT, type Command } from './registry.js';

const usage = `Usage: rampart validate --config FILE

Checks a config file (YAML, with \${VAR} substitution) and lists every problem as "file:line: path: message".
Exit 0 when valid, 1 when not, 2 on a usage error.
`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file and list every problem',
  usage,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help === true) {
      process.stdout.write(usage);
      return EXIT.ok;
    }
    if (values.config === undefined) {
      process.stderr.write(`rampart validate: --config FILE is required\n\n${usage}`);
      return EXIT.usage;
    }
    const result = loadConfigFile(values.config);
    if (!result.ok) {
      process.stderr.write(`${values.config}: ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}\n${formatIssues(result.issues, values.config)}\n`);
      return EXIT.failure;
    }
    process.stdout.write(`${values.config}: valid (${result.config.routes.length} route${result.config.routes.length === 1 ? '' : 's'}, ${Object.keys(result.config.upstreams).length} upstream${Object.keys(result.config.upstreams).length === 1 ? '' : 's'})\n`);
    return EXIT.ok;
  },
};
