import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, formatIssues } from '../../core/config/load.js';
import { startDemoApi, DEFAULT_DEMO_PORT } from '../../demo/users-api.js';
import { startGateway } from './serve.js';
import { EXIT, type Command } from './registry.js';

const usage = `Usage: rampart demo [--config FILE] [--api-port N] [--port N]

Starts the deliberately naive demo users API on 127.0.0.1:3000 (SQLite, in memory) and Rampart in front of
it on 127.0.0.1:8080 with examples/demo.yaml, then prints a few requests to try. Ctrl-C stops both.
Both listen on loopback only: the demo API is vulnerable on purpose.
`;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the demo users API with Rampart in front of it',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, 'api-port': { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help === true) {
      process.stdout.write(usage);
      return EXIT.ok;
    }
    const apiPort = values['api-port'] === undefined ? DEFAULT_DEMO_PORT : Number(values['api-port']);
    const file = values.config ?? fileURLToPath(new URL('../../../examples/demo.yaml', import.meta.url));
    const api = await startDemoApi({ port: apiPort });
    const loaded = loadConfigFile(file, { ...process.env, DEMO_API_URL: api.url });
    if (!loaded.ok) {
      await api.close();
      process.stderr.write(`rampart demo: invalid config ${file}\n${formatIssues(loaded.issues, file)}\n`);
      return EXIT.failure;
    }
    const config = structuredClone(loaded.config);
    if (values.port !== undefined) config.listen.port = Number(values.port);
    const gateway = await startGateway(config, file, false, () => api.close());
    if (gateway === undefined) {
      await api.close();
      return EXIT.failure;
    }
    const g = gateway.url;
    process.stderr.write(`
Rampart demo
  demo API (naive, loopback only)  ${api.url}
  Rampart in front of it           ${g}
  metrics                          ${gateway.adminUrl ?? '(admin listener off)'}/metrics

Try:
  curl -s ${g}/users?limit=2 | head -c 600; echo
  curl -s ${g}/users/1
  curl -s '${g}/users/..%2fadmin'            # refused: encoded slash (problem+json)
  curl -s ${g}/nothing-here                  # 404 problem
  curl -s ${api.url}/users/1                 # the API directly: note the password_hash it leaks

Ctrl-C stops everything.
`);
    return EXIT.running;
  },
};
