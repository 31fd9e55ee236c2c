import type { Redis } from 'ioredis';

/** With the offline queue off, commands fail until the client is ready: wait for it (bounded). */
export function waitReady(client: Redis, timeoutMs = 3000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(t);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/** A key prefix no other test run shares. */
export const runPrefix = (label: string) => `rampart-test:${label}:${process.pid}:${Date.now().toString(36)}:`;

/** Delete every key under a prefix (SCAN, bounded: test prefixes hold few keys). */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
