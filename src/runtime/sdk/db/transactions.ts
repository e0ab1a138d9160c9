// Open script transactions: each holds a pooled connection, belongs to one execution, and is
// rolled back when the execution's deadline passes even if the script never ends it.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface OpenTransaction {
  readonly id: string;
  readonly executionId: string;
  readonly client: pg.PoolClient;
  /** The statement timeout set at BEGIN, for error messages. */
  readonly statementTimeoutMs: number;
}

interface Entry extends OpenTransaction {
  readonly timer: NodeJS.Timeout;
  readonly onClientError: (err: Error) => void;
}

export interface TransactionRegistry {
  /** Registers a transaction already BEGUN on client; `onExpire` runs at the deadline. */
  add(
    tx: Omit<OpenTransaction, 'id'>,
    deadline: number,
    onExpire: (tx: OpenTransaction) => void,
  ): OpenTransaction;
  /** The transaction if it exists and belongs to executionId, else undefined. */
  get(executionId: string, id: string): OpenTransaction | undefined;
  /** Removes and returns it (same ownership rule); the caller ends it and releases the client. */
  take(executionId: string, id: string): OpenTransaction | undefined;
  /** Removes and returns every transaction of the execution. */
  takeAll(executionId: string): OpenTransaction[];
  countFor(executionId: string): number;
  readonly size: number;
}

export function createTransactionRegistry(): TransactionRegistry {
  const byId = new Map<string, Entry>();

  function remove(entry: Entry): OpenTransaction {
    byId.delete(entry.id);
    clearTimeout(entry.timer);
    entry.client.off('error', entry.onClientError);
    const { id, executionId, client, statementTimeoutMs } = entry;
    return { id, executionId, client, statementTimeoutMs };
  }

  const owned = (executionId: string, id: string): Entry | undefined => {
    const entry = byId.get(id);
    return entry && entry.executionId === executionId ? entry : undefined;
  };

  return {
    add(tx, deadline, onExpire) {
      const id = randomUUID();
      const timer = setTimeout(
        () => {
          const entry = byId.get(id);
          if (entry) onExpire(remove(entry));
        },
        Math.max(0, deadline - Date.now()),
      );
      timer.unref();
      // A checked-out client has no pool listener: a dropped connection while the script is
      // between statements would otherwise be an unhandled 'error' event. The next statement on
      // it fails and ROLLBACK/COMMIT hands the broken client back to the pool for disposal.
      const onClientError = (): void => {};
      tx.client.on('error', onClientError);
      byId.set(id, { ...tx, id, timer, onClientError });
      return { ...tx, id };
    },
    get: (executionId, id) => owned(executionId, id),
    take(executionId, id) {
      const entry = owned(executionId, id);
      return entry ? remove(entry) : undefined;
    },
    takeAll(executionId) {
      return [...byId.values()].filter((e) => e.executionId === executionId).map(remove);
    },
    countFor: (executionId) =>
      [...byId.values()].filter((e) => e.executionId === executionId).length,
    get size() {
      return byId.size;
    },
  };
}
