// Script changes reach every node through PostgreSQL NOTIFY: triggers (migration 0003) send the
// tenant id of every change to scripts or their endpoints, and each node listens here and tells
// its script directory. A notification sent while the connection is down is lost, so the
// directory hears "not listening" as soon as the connection fails and "listening" (start afresh)
// only once LISTEN is in place again. A periodic ping finds a connection that died silently.
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';

export const SCRIPT_CHANGES_CHANNEL = 'jsruntime_scripts';

export interface ScriptChangeHandlers {
  /** The scripts of this tenant changed ('*': of any tenant). */
  changed(tenantId: string): void;
  /** Whether every change from now on will be heard. */
  listening(up: boolean): void;
}

export interface ScriptChangeChannel {
  close(): Promise<void>;
}

export async function listenForScriptChanges(
  pool: pg.Pool,
  handlers: ScriptChangeHandlers,
  logger: Logger,
  opts: { retryMs?: number; pingMs?: number } = {},
): Promise<ScriptChangeChannel> {
  const retryMs = opts.retryMs ?? 1000;
  const pingMs = opts.pingMs ?? 30_000;
  let client: pg.PoolClient | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const scheduleConnect = (): void => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, retryMs);
    retry.unref();
  };

  /** Drops a failed connection (once: only the live one counts) and starts over. */
  const lost = (c: pg.PoolClient, err: unknown): void => {
    if (client !== c) return;
    client = null;
    handlers.listening(false);
    logger.warn({ err }, 'script change listener lost its connection; reconnecting');
    c.release(true);
    scheduleConnect();
  };

  const connect = async (): Promise<void> => {
    let c: pg.PoolClient;
    try {
      c = await pool.connect();
    } catch (err) {
      logger.warn({ err }, 'script change listener could not connect; retrying');
      scheduleConnect();
      return;
    }
    if (closed) {
      c.release();
      return;
    }
    client = c;
    c.on('notification', (n) => {
      if (n.channel === SCRIPT_CHANGES_CHANNEL && n.payload) handlers.changed(n.payload);
    });
    c.on('error', (err) => lost(c, err));
    try {
      await c.query(`LISTEN ${SCRIPT_CHANGES_CHANNEL}`);
    } catch (err) {
      lost(c, err);
      return;
    }
    if (client === c) handlers.listening(true);
  };

  const ping = setInterval(() => {
    const c = client;
    if (!c) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), pingMs / 2);
    });
    Promise.race([c.query('SELECT 1'), timeout])
      .catch((err: unknown) => lost(c, err))
      .finally(() => clearTimeout(timer));
  }, pingMs);
  ping.unref();

  await connect();
  return {
    async close() {
      closed = true;
      clearInterval(ping);
      if (retry) clearTimeout(retry);
      retry = null;
      const c = client;
      client = null;
      handlers.listening(false);
      if (c) {
        await c.query(`UNLISTEN ${SCRIPT_CHANGES_CHANNEL}`).catch(() => {});
        c.release();
      }
    },
  };
}
