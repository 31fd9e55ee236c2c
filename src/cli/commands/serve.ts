import { parseArgs } from 'node:util';
import { loadConfigFile, formatIssues } from '../../core/config/load.js';
import { createLogger } from '../../core/logging/logger.js';
import { createGateway, type Gateway } from '../../gateway/server.js';
import { EXIT, type Command } from './registry.js';

const usage = `Usage: rampart serve --config FILE [--port N] [--host ADDR]

Starts the gateway. Reloads the config on SIGHUP and when the file changes (an invalid new config is refused
and the running one keeps serving). SIGTERM/SIGINT: stop accepting, finish in-flight requests, exit 0.

Options:
  -c, --config FILE   the YAML config (required)
      --port N        override listen.port
      --host ADDR     override listen.host
      --no-watch      do not reload when the file changes (SIGHUP still reloads)
`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gateway with a config file',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string' },
        host: { type: 'string' },
        'no-watch': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help === true) {
      process.stdout.write(usage);
      return EXIT.ok;
    }
    if (values.config === undefined) {
      process.stderr.write(`rampart serve: --config FILE is required\n\n${usage}`);
      return EXIT.usage;
    }
    if (values.port !== undefined && !(/^\d{1,5}$/.test(values.port) && Number(values.port) <= 65535)) {
      process.stderr.write(`rampart serve: --port must be a number from 0 to 65535\n`);
      return EXIT.usage;
    }
    const loaded = loadConfigFile(values.config);
    if (!loaded.ok) {
      process.stderr.write(`rampart serve: invalid config ${values.config}\n${formatIssues(loaded.issues, values.config)}\n`);
      return EXIT.failure;
    }
    const config = structuredClone(loaded.config);
    if (values.port !== undefined) config.listen.port = Number(values.port);
    if (values.host !== undefined) config.listen.host = values.host;
    const gateway = await startGateway(config, values.config, values['no-watch'] !== true);
    return gateway === undefined ? EXIT.failure : EXIT.running;
  },
};

/** Start a gateway with signal handling; used by `serve` and `demo`. */
export async function startGateway(config: Parameters<typeof createGateway>[0]['config'], configFile: string | undefined, watchFile: boolean, onStop?: () => Promise<void>): Promise<Gateway | undefined> {
  const { logger, flush } = createLogger(config.log);
  let gateway: Gateway;
  try {
    gateway = await createGateway({ config, logger, configFile });
    await gateway.start();
  } catch (err) {
    logger.fatal({ err }, 'gateway failed to start');
    flush();
    process.stderr.write(`rampart: failed to start: ${(err as Error).message}\n`);
    return undefined;
  }
  if (watchFile) gateway.watchConfig();
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading config');
    void gateway.reload();
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    void (async () => {
      await gateway.shutdown();
      await onStop?.();
      flush();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    flush();
    process.exit(1);
  });
  return gateway;
}
