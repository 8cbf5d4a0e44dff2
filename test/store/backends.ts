import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { Store } from '../../src/store/index.js';
import { tempDir } from '../helpers.js';

/** The PostgreSQL server of the machine (.ci/run makes sure it is up). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  name: string;
  /** A new, empty place for one test's store; `open` may be called again to "restart". */
  fresh(): { open: () => Promise<Store>; cleanup: () => Promise<void> };
}

export const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    fresh() {
      const dir = tempDir('milestone-store-');
      return { open: () => Store.openSqlite(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    fresh() {
      const schema = `test_${randomBytes(6).toString('hex')}`;
      return {
        open: () => Store.openPostgres(PG_URL, { schema }),
        cleanup: async () => {
          const client = new pg.Client({ connectionString: PG_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        },
      };
    },
  },
];
