/**
 * One gateway process for the multi-instance test: `node --import tsx instance.ts` with the config YAML in
 * RAMPART_TEST_CONFIG and the top-level rateLimit section (JSON) in RAMPART_TEST_RATE_LIMIT. Prints
 * `{"url": ...}` once listening; exits on SIGTERM.
 */
import { pino } from 'pino';
import { formatIssues, parseConfigText } from '../../../../core/config/load.js';
import { createGateway } from '../../../server.js';
import { rateLimitModule } from '../rate-limit.js';

const parsed = parseConfigText(process.env.RAMPART_TEST_CONFIG ?? '', {});
if (!parsed.ok) {
  process.stderr.write(formatIssues(parsed.issues) + '\n');
  process.exit(1);
}
const config = structuredClone(parsed.config);
config.listen.port = 0;
config.admin.enabled = false;
// The top-level section, added as the root schema will carry it once it spreads globalStagesSchema.
const rateLimit: unknown = JSON.parse(process.env.RAMPART_TEST_RATE_LIMIT ?? '{}');
const gateway = await createGateway({ config: Object.assign(config, { rateLimit }), logger: pino({ level: 'warn' }, process.stderr), modules: [rateLimitModule] });
await gateway.start();
process.stdout.write(JSON.stringify({ url: gateway.url }) + '\n');
process.on('SIGTERM', () => {
  void gateway.shutdown().then(() => process.exit(0));
});
