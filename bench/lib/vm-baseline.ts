// The in-process node:vm baseline: the same trivial script (`return 1`, wrapped in the async
// function the compile step produces) with a new context per run, timed in the same process and
// run as the runtime it is compared with. node:vm is not a sandbox; it is the floor: what "a
// fresh V8 context and a call" costs without isolates, processes, IPC or records.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const wrap = (body: string): string => `(async function () {\n${body}\n})`;

type ScriptFn = () => Promise<unknown>;

/** A warm runner: compiled once, a new context for every run. */
export function vmWarmRunner(body = 'return 1'): () => Promise<unknown> {
  const script = new vm.Script(wrap(body));
  return async () => {
    const context = vm.createContext({});
    const fn = script.runInContext(context) as ScriptFn;
    return fn();
  };
}

let coldCounter = 0;

/** A cold run: never-seen source text (so no compilation cache hit) in a new context. */
export async function vmColdRun(body = 'return 1'): Promise<unknown> {
  const script = new vm.Script(wrap(`${body} // cold ${++coldCounter} ${Date.now()}`));
  const context = vm.createContext({});
  return (script.runInContext(context) as ScriptFn)();
}

/**
 * Bytes per idle context (compiled function kept alive in it) measured in a fresh child
 * process with --expose-gc, so the figure is not blurred by the runtime living in this one.
 */
export function vmContextBytes(
  count: number,
): Promise<{ rssPerContext: number; heapPerContext: number }> {
  const child = fileURLToPath(new URL('./vm-memory-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', child, String(count)],
      { timeout: 60_000 },
      (err, stdout) => {
        if (err) return reject(err);
        try {
          resolve(JSON.parse(stdout) as { rssPerContext: number; heapPerContext: number });
        } catch (parseErr) {
          reject(parseErr instanceof Error ? parseErr : new Error(String(parseErr)));
        }
      },
    );
  });
}
