import { readFileSync } from 'node:fs';
import { COMMANDS, EXIT } from './commands/registry.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const USAGE = `rampart ${pkg.version}: API security gateway, scanner and dashboard

Usage: rampart <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Options:
  -h, --help     show help (also: rampart <command> --help)
  -v, --version  print the version

Exit codes:
  0  success
  1  failure: invalid config, a start-up error; (scan) findings at or above --fail-on;
     (inspect) the request would be blocked; (keys) the key was not found
  2  usage error: unknown command or option, missing argument
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(`rampart: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rampart ${name}: ${err.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    throw err;
  }
}

export { EXIT };
