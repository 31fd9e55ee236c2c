export { ALGORITHMS, CounterStoreError, type Algorithm, type CheckResult, type ConsumeMode, type CounterStore, type LimitCheck, type Verdict } from './types.js';
export { createMemoryCounterStore, type MemoryCounterStore, type MemoryCounterStoreOptions } from './memory.js';
export { createSqliteCounterStore, type SqliteCounterStore, type SqliteCounterStoreOptions } from './sqlite.js';
export { createRedisClient, createRedisCounterStore, whenReady, type RedisCounterStoreOptions } from './redis.js';
export { createResilientCounterStore, type FailureMode, type ResilientCounterStoreOptions, type ResilientEvents } from './resilient.js';
export { STEPS } from './algorithms/index.js';
