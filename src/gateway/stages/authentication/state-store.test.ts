import { describe } from 'vitest';
import { serviceAvailable } from '../../../testing/services.js';
import { createRedisStateStore } from './redis-state-store.js';
import { runStateStoreContract } from './testing/state-store.contract.js';
import { createMemoryStateStore } from './state-store.js';

runStateStoreContract('memory', () => createMemoryStateStore());

const redis = await serviceAvailable('redis', 6379);
describe.skipIf(!redis)('redis', () => {
  runStateStoreContract('redis', () => createRedisStateStore('redis://127.0.0.1:6379', `rampart-test:${process.pid}:${Date.now()}:`));
});
