// Test databases: a fresh database per test file on the embedded server (always) and on the
// machine's PostgreSQL when DATABASE_URL is set, so storage tests run against both backends.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestServer {
  readonly name: 'embedded' | 'external';
  readonly adminUrl: string;
}

export interface TestDatabase {
  readonly server: TestServer['name'];
  readonly url: string;
  drop(): Promise<void>;
}

/** The PostgreSQL servers this test run can use. */
export function testServers(): TestServer[] {
  const servers: TestServer[] = [];
  const embedded = process.env.JSRUNTIME_TEST_EMBEDDED_URL;
  if (embedded) servers.push({ name: 'embedded', adminUrl: embedded });
  const external = process.env.DATABASE_URL;
  if (external) servers.push({ name: 'external', adminUrl: external });
  if (servers.length === 0) {
    throw new Error('No test database: run tests through `npm test` (scripts/test.mjs)');
  }
  return servers;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates an empty database on the server; drop() removes it again. */
export async function createTestDatabase(server: TestServer): Promise<TestDatabase> {
  const name = `jsr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    server: server.name,
    url: withDatabase(server.adminUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: server.adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
