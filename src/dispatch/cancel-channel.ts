// Cancels reach the node that runs the execution through PostgreSQL NOTIFY: every node listens
// and stops the execution if it is running there.
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';

const CHANNEL = 'jsruntime_cancel';

export async function broadcastCancel(pool: pg.Pool, executionId: string): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, executionId]);
}

export async function listenForCancels(
  pool: pg.Pool,
  onCancel: (executionId: string) => void,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  let client: pg.PoolClient | null = null;
  let closed = false;
  const connect = async (): Promise<void> => {
    try {
      const c = await pool.connect();
      client = c;
      c.on('notification', (n) => {
        if (n.channel === CHANNEL && n.payload) onCancel(n.payload);
      });
      c.on('error', () => {
        // Only the live listener is replaced; one closed on purpose is already released.
        if (client !== c) return;
        client = null;
        c.release(true);
        if (!closed) setTimeout(() => void connect(), 1000).unref();
      });
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      logger.warn({ err }, 'cancel listener could not connect; retrying');
      if (!closed) setTimeout(() => void connect(), 1000).unref();
    }
  };
  await connect();
  return {
    async close() {
      closed = true;
      const c = client;
      client = null;
      if (c) {
        await c.query(`UNLISTEN ${CHANNEL}`).catch(() => {});
        c.release();
      }
    },
  };
}
