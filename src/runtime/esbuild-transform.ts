// esbuild transforms with a deadline. A transform that runs past it (pathological input) keeps
// esbuild's one service process busy, and a crashed process fails every later call, so either way
// the process is replaced; calls in flight in a replaced process are told and retried.
import * as esbuild from 'esbuild';
import type { Message, TransformOptions, TransformResult } from 'esbuild';

export type TransformOutcome =
  | { kind: 'ok'; result: TransformResult }
  | { kind: 'syntax'; errors: Message[] }
  | { kind: 'timeout' }
  | { kind: 'crashed' }
  | { kind: 'restarted' };

/** Callbacks of calls in flight in the current esbuild process, told when it is replaced. */
const inFlight = new Set<() => void>();
/** Counts esbuild processes, so concurrent failures in one process restart it only once. */
let generation = 0;

async function restartEsbuild(): Promise<void> {
  generation++;
  const waiting = [...inFlight];
  inFlight.clear();
  // stop() kills the process without settling its pending calls, so their waiters are told here.
  await esbuild.stop();
  for (const notify of waiting) notify();
}

function classify(err: unknown): TransformOutcome {
  const errors = (err as { errors?: unknown }).errors;
  const died = /The service (was stopped|is no longer running)/.test(String(err));
  if (!died && Array.isArray(errors) && errors.length > 0) {
    return { kind: 'syntax', errors: errors as Message[] };
  }
  if (died) return { kind: 'crashed' };
  throw err;
}

function transformOnce(
  input: string,
  options: TransformOptions,
  deadline: number,
): Promise<TransformOutcome> {
  return new Promise((resolve, reject) => {
    const done = (outcome: TransformOutcome): void => {
      clearTimeout(timer);
      inFlight.delete(onRestart);
      resolve(outcome);
    };
    const onRestart = (): void => done({ kind: 'restarted' });
    const timer = setTimeout(() => done({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
    inFlight.add(onRestart);
    esbuild.transform(input, { ...options, logLevel: 'silent' }).then(
      (result) => done({ kind: 'ok', result }),
      (err: unknown) => {
        try {
          done(classify(err));
        } catch (bug) {
          clearTimeout(timer);
          inFlight.delete(onRestart);
          reject(bug as Error);
        }
      },
    );
  });
}

export async function transform(
  input: string,
  options: TransformOptions,
  deadline: number,
): Promise<TransformOutcome> {
  let crashes = 0;
  for (;;) {
    const startedIn = generation;
    const outcome = await transformOnce(input, options, deadline);
    if (outcome.kind === 'restarted' && Date.now() < deadline) continue; // another call's timeout
    // A timed-out call keeps its process busy, and a dead process fails every later call: replace
    // it, unless another call already did.
    const replace = startedIn === generation;
    if (outcome.kind === 'timeout' && replace) await restartEsbuild();
    if (outcome.kind === 'crashed') {
      if (replace) await restartEsbuild();
      if (++crashes < 2 && Date.now() < deadline) continue; // the crash may have been another input's
    }
    return outcome.kind === 'restarted' ? { kind: 'timeout' } : outcome;
  }
}
