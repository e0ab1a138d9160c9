// The library entry point: a host application embeds jsruntime in-process with createRuntime(),
// invokes an embedded script and publishes an event, with no HTTP in between.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRuntime, type Runtime } from '../../src/index.js';
import { createTestDatabase, testServers, type TestDatabase } from '../helpers/databases.js';
import { waitFor } from '../helpers/wait.js';

const server = testServers()[0]!;

describe('library entry point (createRuntime)', () => {
  let db: TestDatabase;
  let runtime: Runtime;
  /** Scripts are set up through the service as an admin of the default tenant would. */
  const admin = () =>
    ({
      kind: 'token',
      tenantId: runtime.service.bootstrap.tenantId,
      tenantSlug: 'default',
      role: 'admin',
      userId: null,
      tokenId: null,
      organizationId: null,
      label: 'test',
      csrfToken: null,
    }) as const;
  before(async () => {
    db = await createTestDatabase(server);
    runtime = await createRuntime({ databaseUrl: db.url, env: { SANDBOX_PROCESSES: '1' } });
  });
  after(async () => {
    await runtime?.close();
    await db?.drop();
  });

  it('invokes an active embedded script by name and gets its output', async () => {
    const pool = runtime.service.database.pool;
    await runtime.service.engine.scripts.create(admin(), {
      name: 'Price calculator',
      type: 'embedded',
      status: 'active',
      source:
        'const { qty, price } = context.input;\nreturn { total: qty * price, trigger: context.trigger.type };',
    });
    const r = await runtime.invoke('default', 'Price calculator', { qty: 3, price: 2.5 });
    assert.equal(r.status, 'completed');
    assert.deepEqual(r.output, { total: 7.5, trigger: 'api' });
    const row = await pool.query(
      'SELECT status, trigger_type FROM script_executions WHERE id = $1',
      [r.id],
    );
    assert.deepEqual(row.rows[0], { status: 'completed', trigger_type: 'api' });
    await assert.rejects(runtime.invoke('default', 'Missing script', {}), /Script not found/);
    await assert.rejects(
      runtime.invoke('no-such-tenant', 'Price calculator', {}),
      /Tenant "no-such-tenant" not found/,
    );
  });

  it('publishes a host event that subscribed scripts receive', async () => {
    const s = await runtime.service.engine.scripts.create(admin(), {
      name: 'On signup',
      type: 'event',
      status: 'active',
      eventTypes: ['crm.client.created'],
      source: 'return context.trigger.eventPayload.email;',
    });
    const { eventId } = await runtime.publish('default', 'crm.client.created', { email: 'a@b.c' });
    assert.ok(eventId);
    const out = await waitFor('the subscriber ran', async () => {
      const r = await runtime.service.database.pool.query(
        "SELECT output FROM script_executions WHERE script_id = $1 AND status = 'completed'",
        [s.id],
      );
      return r.rows[0] ?? null;
    });
    assert.equal(out.output, 'a@b.c');
  });
});
