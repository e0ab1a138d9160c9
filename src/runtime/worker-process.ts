// Supervisor side: forks one sandbox worker process with the flags it needs and runs the
// hello → init → ready handshake (runs are only sent after "ready": earlier IPC could be lost).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Batch, FromWorker, ToWorker, WorkerInit } from './protocol.js';

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const WORKER_FILE = fileURLToPath(new URL(`./sandbox-worker${extension}`, import.meta.url));

/** Flags that make the parent able to load TypeScript (tsx in tests/dev) are needed in the child too. */
const LOADER_FLAG = /^(--import|--loader|--experimental-loader|--require|-r)(=.*)?$/;

export function workerExecArgv(parentExecArgv: readonly string[] = process.execArgv): string[] {
  const loaders: string[] = [];
  for (let i = 0; i < parentExecArgv.length; i++) {
    const arg = parentExecArgv[i]!;
    const match = LOADER_FLAG.exec(arg);
    if (!match) continue;
    if (match[2] !== undefined) {
      loaders.push(arg);
    } else if (i + 1 < parentExecArgv.length) {
      loaders.push(arg, parentExecArgv[i + 1]!);
      i++;
    }
  }
  if (extension === '.ts' && loaders.length === 0) loaders.push('--import', 'tsx');
  return [
    // isolated-vm needs Node's own startup snapshot off on Node 20+.
    '--no-node-snapshot',
    // Defence in depth for the worker's own context (isolates are tamed by the guest bootstrap).
    '--disallow-code-generation-from-strings',
    ...loaders,
  ];
}

export interface WorkerProcess {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  /** SIGKILL: a worker is never asked nicely, its isolates may be spinning. */
  kill(): void;
}

export interface WorkerProcessHandlers {
  onReady(): void;
  onMessage(message: FromWorker): void;
  onExit(): void;
}

export function spawnWorkerProcess(
  init: WorkerInit,
  handlers: WorkerProcessHandlers,
): WorkerProcess {
  const child: ChildProcess = fork(WORKER_FILE, [], {
    execArgv: workerExecArgv(),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // No credentials or configuration reach a sandbox process; UTC keeps script dates predictable.
    env: { TZ: 'UTC' },
  });
  let exited = false;
  let outbox: ToWorker[] = [];
  const flush = (): void => {
    const messages = outbox;
    outbox = [];
    if (exited || !child.connected || messages.length === 0) return;
    const batch: ToWorker | Batch<ToWorker> =
      messages.length === 1 ? messages[0]! : { t: 'batch', messages };
    child.send(batch, (err) => {
      // A failed send means the child is going away; its exit handler fails the runs.
      if (err) child.kill('SIGKILL');
    });
  };
  const send = (message: ToWorker): void => {
    if (exited) return;
    if (outbox.push(message) === 1) setImmediate(flush);
  };
  const receive = (message: FromWorker): void => {
    if (message.t === 'hello') send({ t: 'init', init });
    else if (message.t === 'ready') handlers.onReady();
    else handlers.onMessage(message);
  };
  child.on('message', (raw) => {
    const message = raw as FromWorker | Batch<FromWorker>;
    if (message.t === 'batch') for (const one of message.messages) receive(one);
    else receive(message);
  });
  const onGone = (): void => {
    if (exited) return;
    exited = true;
    handlers.onExit();
  };
  // 'error' without a pid means the process never started, and then no 'exit' follows.
  child.on('error', () => (child.pid === undefined ? onGone() : child.kill('SIGKILL')));
  child.on('exit', onGone);
  return {
    pid: child.pid,
    send,
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
