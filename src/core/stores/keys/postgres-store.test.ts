import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { serviceAvailable } from '../../../testing/services.js';
import { runKeyStoreContract } from './testing/key-store.contract.js';
import { openPostgresKeyStore } from './postgres-store.js';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const up = await serviceAvailable('postgresql', 5432);
// A schema per test run, so parallel runs never share a table.
const schema = `rampart_keys_${process.pid}_${Date.now().toString(36)}`;
let n = 0;
let table = '';

describe.skipIf(!up)('postgres key store', () => {
  runKeyStoreContract(
    'postgres',
    async () => openPostgresKeyStore({ url, schema, table: (table = `keys_${n++}`) }),
    async () => openPostgresKeyStore({ url, schema, table }),
  );
  afterAll(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });
});
