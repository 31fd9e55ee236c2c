import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDemoCredentials } from '../../gateway/stages/authentication/demo-credentials.js';
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
    // The demo's API keys live in a throw-away store, removed when the demo stops.
    const keysDir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
    const cleanup = async () => {
      await api.close();
      rmSync(keysDir, { recursive: true, force: true });
    };
    const loaded = loadConfigFile(file, { RAMPART_KEYS_DB: join(keysDir, 'keys.db'), ...process.env, DEMO_API_URL: api.url });
    if (!loaded.ok) {
      await cleanup();
      process.stderr.write(`rampart demo: invalid config ${file}\n${formatIssues(loaded.issues, file)}\n`);
      return EXIT.failure;
    }
    const config = structuredClone(loaded.config);
    if (values.port !== undefined) config.listen.port = Number(values.port);
    const gateway = await startGateway(config, file, false, cleanup);
    if (gateway === undefined) {
      await cleanup();
      return EXIT.failure;
    }
    const creds = await createDemoCredentials(config, dirname(file), { subject: '1', consumer: 'demo-app' });
    const adminCreds = await createDemoCredentials(config, dirname(file), { subject: '3', consumer: 'demo-app', roles: ['admin'] });
    const g = gateway.url;
    process.stderr.write(`
Rampart demo
  demo API (naive, loopback only)  ${api.url}
  Rampart in front of it           ${g}
  metrics                          ${gateway.adminUrl ?? '(admin listener off)'}/metrics

Credentials for this run (paste these into your shell):
  export KEY='${creds.apiKey}'          # API key of consumer demo-app
  export ALICE='${creds.token ?? ''}'   # JWT of alice (user 1)
  export ADMIN='${adminCreds.token ?? ''}'   # JWT of admin (user 3)
Or log in through the gateway: curl -s -X POST ${g}/login -H 'content-type: application/json' -d '{"username":"bob","password":"bob-password"}'

Try:
  curl -s ${g}/users/1                                   # 401: no credentials
  curl -s ${g}/users/1 -H "x-api-key: $KEY"              # 200, without the password_hash
  curl -s ${api.url}/users/1                                   # the API directly leaks it
  curl -s -X PUT ${g}/users/2 -H "authorization: Bearer $ALICE" -H 'content-type: application/json' -d '{"name":"x"}'      # 403: not alice's
  curl -s -X PUT ${g}/users/1 -H "authorization: Bearer $ALICE" -H 'content-type: application/json' -d '{"role":"admin"}'  # 400: read-only
  curl -s -X DELETE ${g}/users/2 -H "authorization: Bearer $ALICE"                                                         # 403: admin only
  curl -s "${g}/users?limit=1%27%20or%201=1--" -H "x-api-key: $KEY"                                       # 400: validation sees it first (limit is a number)
  curl -s -X PUT ${g}/users/1 -H "authorization: Bearer $ALICE" -H 'content-type: application/json' -d '{"name":"<script>alert(1)</script>"}'  # 403: attack detection
  curl -s '${g}/users/..%2fadmin'                        # 400: encoded slash
  for i in $(seq 25); do curl -s -o /dev/null -w '%{http_code} ' ${g}/users/1 -H "x-api-key: $KEY"; done; echo   # then 429s
  curl -s ${gateway.adminUrl ?? ''}/metrics | grep rampart_requests_total

Ctrl-C stops everything.
`);
    return EXIT.running;
  },
};
