// Runs one gated script statement through a cursor (extended protocol: one statement, parameters
// bound by the server) and reads at most maxRows + 1 rows, so an oversized result is refused
// without being materialised in this process. Bytes arriving on the connection are counted too:
// a few huge values (repeat(), string_agg()) must not exhaust the service's memory, so past
// maxResultBytes the connection is cut and the client is disposed of by the caller.
import Cursor from 'pg-cursor';
import type pg from 'pg';
import type { Duplex } from 'node:stream';
import { SdkError } from '../sdk-error.js';
import { scriptRowTypes } from './row-types.js';
import type { PgValue } from './params.js';

export interface StatementResult {
  readonly rows: Record<string, unknown>[];
  /** Affected (or returned) rows as PostgreSQL reports them. */
  readonly rowCount: number;
}

export interface StatementLimits {
  readonly maxRows: number;
  readonly maxResultBytes: number;
}

/** The socket under a pooled client (pg.Client exposes it; the pool's typings do not). */
function socketOf(client: pg.ClientBase): Duplex | undefined {
  return (client as Partial<Pick<pg.Client, 'connection'>>).connection?.stream;
}

/** True when the client's connection is gone and it must be released with an error. */
export function connectionLost(client: pg.ClientBase): boolean {
  return socketOf(client)?.destroyed === true;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

export async function runStatement(
  client: pg.ClientBase,
  sql: string,
  values: PgValue[],
  { maxRows, maxResultBytes }: StatementLimits,
): Promise<StatementResult> {
  const socket = socketOf(client);
  let received = 0;
  let tooLarge = false;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > maxResultBytes && !tooLarge) {
      tooLarge = true;
      socket?.destroy(new Error('script result over the byte limit'));
    }
  };
  socket?.on('data', onData);
  try {
    const cursor = client.query(
      new Cursor<Record<string, unknown>>(sql, values, { types: scriptRowTypes }),
    );
    const { rows, rowCount } = await new Promise<{
      rows: Record<string, unknown>[];
      rowCount: number | null;
    }>((resolve, reject) => {
      cursor.read(maxRows + 1, (err, rows, result) => {
        if (err) reject(err);
        else resolve({ rows, rowCount: result.rowCount });
      });
    });
    // Only reached on success (after an error the cursor has synced by itself): close the portal,
    // which may be suspended with rows left unread.
    await cursor.close();
    if (rows.length > maxRows) {
      throw new SdkError(
        'ROW_LIMIT',
        `Row limit exceeded - query returned more than ${maxRows} rows`,
      );
    }
    return { rows, rowCount: rowCount ?? rows.length };
  } catch (err) {
    if (tooLarge) {
      throw new SdkError(
        'ROW_LIMIT',
        `Row limit exceeded - result larger than ${formatBytes(maxResultBytes)}`,
      );
    }
    throw err;
  } finally {
    socket?.off('data', onData);
  }
}
