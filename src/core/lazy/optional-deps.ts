import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type * as Pg from 'pg';

/**
 * Drivers loaded on first use. ioredis and pg add about 27 MB of resident memory to every gateway process;
 * most deployments use neither (memory counters, SQLite keys), so they are only loaded when a config asks.
 */
const require = createRequire(import.meta.url);

let ioredis: typeof IORedis | undefined;
let pg: typeof Pg | undefined;

export function loadIoredis(): typeof IORedis {
  return (ioredis ??= require('ioredis') as typeof IORedis);
}

export function loadPg(): typeof Pg {
  return (pg ??= require('pg') as typeof Pg);
}
