// Shared set-up for the sdk.db suites: a freshly migrated database with two tenants and a db
// capability over it, on one test server.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestServer } from '../helpers/databases.js';
import { migrate } from '../../src/store/migrate.js';
import {
  createDbCapability,
  type DbCapabilityOptions,
  type DbCapability,
} from '../../src/runtime/sdk/db/db-capability.js';
import { SdkError } from '../../src/runtime/sdk/sdk-error.js';
import type { SdkCallContext } from '../../src/runtime/sdk/types.js';

export interface SqlFixture {
  /** Pool of the service's (owner) user: set-up and checks from outside the sandbox. */
  readonly pool: pg.Pool;
  readonly db: DbCapability;
  readonly tenantA: string;
  readonly tenantB: string;
  /** A new execution context of the tenant (fresh executionId each call). */
  ctx(tenantId: string, overrides?: Partial<SdkCallContext>): SdkCallContext;
  /** Another capability over the same pool (other options, other gate). */
  capability(options?: Omit<DbCapabilityOptions, 'pool'>): DbCapability;
  close(): Promise<void>;
}

export async function createSqlFixture(
  server: TestServer,
  options: Omit<DbCapabilityOptions, 'pool'> = {},
): Promise<SqlFixture> {
  const database = await createTestDatabase(server);
  const pool = new pg.Pool({ connectionString: database.url, max: 6 });
  // pool.end() resolves before its connections have closed, and drop() terminates stragglers
  // (DROP DATABASE … WITH (FORCE)): that error on an idle client is expected at teardown.
  pool.on('error', () => {});
  try {
    await migrate(pool);
    const insert = 'INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id';
    const a = await pool.query<{ id: string }>(insert, ['tenant-a', 'Tenant A']);
    const b = await pool.query<{ id: string }>(insert, ['tenant-b', 'Tenant B']);
    const tenantA = a.rows[0]?.id;
    const tenantB = b.rows[0]?.id;
    assert.ok(tenantA && tenantB);
    return {
      pool,
      db: createDbCapability({ pool, ...options }),
      tenantA,
      tenantB,
      ctx: (tenantId, overrides = {}) => ({
        tenantId,
        scriptId: randomUUID(),
        executionId: randomUUID(),
        userId: null,
        organizationId: null,
        deadline: Date.now() + 60_000,
        chainDepth: 0,
        ...overrides,
      }),
      capability: (more = {}) => createDbCapability({ pool, ...more }),
      async close() {
        await pool.end();
        await database.drop();
      },
    };
  } catch (err) {
    await pool.end();
    await database.drop();
    throw err;
  }
}

/** Asserts the promise rejects with an SdkError of that code (and message pattern). */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  message?: RegExp,
): Promise<SdkError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof SdkError, `expected SdkError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `code for: ${caught.message}`);
  if (message) assert.match(caught.message, message);
  return caught;
}
