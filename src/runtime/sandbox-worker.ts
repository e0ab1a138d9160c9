// Entry of a sandbox worker process (forked by the supervisor in sandbox.ts): runs executions in
// isolated-vm isolates and forwards SDK calls over IPC. Holds no credentials and no network.
import { createIsolatePool, type IsolatePool } from './isolate-pool.js';
import { startExecution, type Execution } from './execution.js';
import type { Batch, FromWorker, ToWorker, WorkerHealth } from './protocol.js';
import { MAX_SDK_CALLS_PER_RUN } from './guest/protocol.js';

const HEARTBEAT_MS = 500;

const executions = new Map<number, Execution>();
let pool: IsolatePool | null = null;

let outbox: FromWorker[] = [];

function flush(): void {
  const messages = outbox;
  outbox = [];
  if (!process.connected || messages.length === 0) return;
  process.send?.(messages.length === 1 ? messages[0] : { t: 'batch', messages });
}

/** Messages of one event-loop turn go out as one IPC write (see Batch). */
function send(message: FromWorker): void {
  if (outbox.push(message) === 1) setImmediate(flush);
}

/** Sent with heartbeats only: reading RSS costs ~35 µs, too much for every execution. */
function health(): WorkerHealth {
  return { rss: process.memoryUsage.rss(), isolates: pool?.size() ?? 0 };
}

function onMessage(message: ToWorker): void {
  switch (message.t) {
    case 'init': {
      pool = createIsolatePool({
        guestSource: message.init.guestSource,
        maxIsolates: message.init.maxIsolates,
        idleHeapBudgetBytes: message.init.idleHeapBudgetBytes,
      });
      setInterval(() => send({ t: 'heartbeat', health: health() }), HEARTBEAT_MS).unref();
      send({ t: 'ready' });
      return;
    }
    case 'run': {
      if (!pool) return;
      const { id } = message;
      const execution = startExecution(message.run, {
        pool,
        maxSdkCalls: MAX_SDK_CALLS_PER_RUN,
        sendSdk: (callId, capability, method, argsJson) =>
          send({ t: 'sdk', id, callId, capability, method, argsJson }),
      });
      executions.set(id, execution);
      void execution.done.then((outcome) => {
        executions.delete(id);
        send({ t: 'done', id, outcome });
      });
      return;
    }
    case 'sdk-result':
      executions.get(message.id)?.settleSdk(message.callId, message.result);
      return;
    case 'cancel':
      executions.get(message.id)?.stop('cancelled');
      return;
  }
}

process.on('message', (raw) => {
  const message = raw as ToWorker | Batch<ToWorker>;
  if (message.t === 'batch') for (const one of message.messages) onMessage(one);
  else onMessage(message);
});
// The supervisor is gone: nobody can use our results, and an orphan must not linger.
// SIGKILL ourselves rather than dispose and exit: disposing an isolate that is still running a
// loop can block this thread, and then the orphan spins forever (seen after a kill -9 of the
// parent). Nothing here needs cleaning up: the isolates die with the process.
process.on('disconnect', () => {
  process.kill(process.pid, 'SIGKILL');
});
send({ t: 'hello' });
