// Cron scheduler against the database: a due tick is claimed exactly once however many nodes
// poll at the same moment; a tick whose previous run is still going is skipped and counted;
// ticks missed while the service was down are not replayed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runDueSchedules } from '../../src/triggers/cron/scheduler.js';
import { testServers } from '../helpers/databases.js';
import { ADMIN_TOKEN, apiClient, startTestService, type TestService } from '../helpers/service.js';

for (const server of testServers()) {
  describe(`cron scheduler on ${server.name} PostgreSQL`, () => {
    let t: TestService;
    let api: ReturnType<typeof apiClient>;
    before(async () => {
      // A web-only node: no scheduler or queue of its own, the test drives ticks itself.
      t = await startTestService(server, { JSRUNTIME_ROLE: 'web' });
      api = apiClient(t.base, ADMIN_TOKEN);
    });
    after(async () => {
      await t.stop();
    });

    const schedule = async (name: string, cron: string, timezone = 'UTC') => {
      const r = await api.post('/api/v1/scripts', {
        name,
        type: 'scheduled',
        status: 'active',
        cronExpression: cron,
        timezone,
        source: 'return 1;',
      });
      assert.equal(r.status, 201, r.text);
      return r.json().id as string;
    };
    const pool = () => t.service.database.pool;
    const cronRuns = async (id: string) =>
      (
        await pool().query(
          "SELECT trigger_data->>'scheduledAt' AS tick FROM script_executions WHERE script_id = $1 AND trigger_type = 'cron'",
          [id],
        )
      ).rows;

    it('claims a due tick exactly once when five nodes poll at the same moment', async () => {
      const id = await schedule('Every five', '*/5 * * * *');
      const due = new Date(Date.UTC(2030, 0, 1, 10, 5, 0));
      await pool().query('UPDATE script_scheduled_jobs SET next_run_at = $2 WHERE script_id = $1', [
        id,
        due,
      ]);
      const now = new Date(due.getTime() + 1000);
      const handled = await Promise.all(
        Array.from({ length: 5 }, () => runDueSchedules(pool(), { now })),
      );
      assert.equal(
        handled.reduce((a, b) => a + b, 0),
        1,
      );
      const runs = await cronRuns(id);
      assert.equal(runs.length, 1);
      assert.equal(new Date(runs[0].tick).toISOString(), due.toISOString());
      const job = (
        await pool().query(
          'SELECT next_run_at, last_run_status FROM script_scheduled_jobs WHERE script_id = $1',
          [id],
        )
      ).rows[0];
      assert.equal(job.next_run_at.toISOString(), '2030-01-01T10:10:00.000Z');
      assert.equal(job.last_run_status, 'queued');
    });

    it('skips a tick while the previous run is still pending or running, and records it', async () => {
      const id = await schedule('Slow schedule', '* * * * *');
      const t0 = new Date(Date.UTC(2030, 0, 2, 8, 0, 0));
      await pool().query('UPDATE script_scheduled_jobs SET next_run_at = $2 WHERE script_id = $1', [
        id,
        t0,
      ]);
      await runDueSchedules(pool(), { now: new Date(t0.getTime() + 500) });
      // The first run is still pending (no worker on this node): the next minute is skipped.
      await pool().query('UPDATE script_scheduled_jobs SET next_run_at = $2 WHERE script_id = $1', [
        id,
        new Date(t0.getTime() + 60_000),
      ]);
      await runDueSchedules(pool(), { now: new Date(t0.getTime() + 60_500) });
      assert.equal((await cronRuns(id)).length, 1);
      const job = (
        await pool().query(
          'SELECT skipped_count, last_run_status, last_skipped_at FROM script_scheduled_jobs WHERE script_id = $1',
          [id],
        )
      ).rows[0];
      assert.equal(job.skipped_count, 1);
      assert.equal(job.last_run_status, 'skipped');
      assert.ok(job.last_skipped_at);
    });

    it('does not replay ticks missed while down: one run, then the next future tick', async () => {
      const id = await schedule('Hourly', '0 * * * *');
      const missedSince = new Date(Date.UTC(2030, 0, 3, 0, 0, 0));
      await pool().query('UPDATE script_scheduled_jobs SET next_run_at = $2 WHERE script_id = $1', [
        id,
        missedSince,
      ]);
      const now = new Date(Date.UTC(2030, 0, 3, 5, 30, 0));
      await runDueSchedules(pool(), { now });
      assert.equal((await cronRuns(id)).length, 1, 'five missed hours give one run, not five');
      const job = (
        await pool().query('SELECT next_run_at FROM script_scheduled_jobs WHERE script_id = $1', [
          id,
        ])
      ).rows[0];
      assert.equal(job.next_run_at.toISOString(), '2030-01-03T06:00:00.000Z');
    });

    it('computes the next run in the script time zone, skipping a DST gap', async () => {
      // 02:30 every day in Berlin: on 2030-03-31 clocks jump from 02:00 to 03:00.
      const id = await schedule('Berlin night', '30 2 * * *', 'Europe/Berlin');
      const due = new Date('2030-03-30T01:30:00.000Z');
      await pool().query('UPDATE script_scheduled_jobs SET next_run_at = $2 WHERE script_id = $1', [
        id,
        due,
      ]);
      await runDueSchedules(pool(), { now: new Date(due.getTime() + 1000) });
      const job = (
        await pool().query('SELECT next_run_at FROM script_scheduled_jobs WHERE script_id = $1', [
          id,
        ])
      ).rows[0];
      assert.equal(
        job.next_run_at.toISOString(),
        '2030-04-01T00:30:00.000Z',
        'March 31 has no 02:30 in Berlin',
      );
      const page = await api.get(`/scripts/${id}`);
      assert.match(
        page.text,
        /2030-04-01 02:30 Europe\/Berlin/,
        'the page shows the local time too',
      );
    });

    it('shows the next run on the script page and stops scheduling when paused', async () => {
      const id = await schedule('Visible schedule', '0 3 * * *');
      const page = await api.get(`/scripts/${id}`);
      assert.match(page.text, /id="next-run"><time datetime="[^"]+T03:00:00\.000Z"/);
      await api.post(`/api/v1/scripts/${id}/status`, { action: 'pause' });
      const job = (
        await pool().query('SELECT next_run_at FROM script_scheduled_jobs WHERE script_id = $1', [
          id,
        ])
      ).rows[0];
      assert.equal(job.next_run_at, null);
    });
  });
}
