// Everything a benchmark starts registers its undo here; the runner unwinds the stack at the end,
// on failure and on SIGINT/SIGTERM, so no service, server, database or temp dir outlives the run.

type Undo = { readonly name: string; readonly run: () => Promise<void> };

const stack: Undo[] = [];
let unwinding: Promise<void> | null = null;

/** Registers an undo step; returns a function that runs it now (and removes it from the stack). */
export function onCleanup(name: string, run: () => Promise<void>): () => Promise<void> {
  const undo: Undo = { name, run };
  stack.push(undo);
  return async () => {
    const at = stack.indexOf(undo);
    if (at === -1) return;
    stack.splice(at, 1);
    await run();
  };
}

/** Runs every registered step, newest first; a failing step is reported and the rest still run. */
export function cleanupAll(): Promise<void> {
  unwinding ??= (async () => {
    while (stack.length > 0) {
      const undo = stack.pop()!;
      process.stderr.write(`cleanup: ${undo.name}\n`);
      try {
        await undo.run();
      } catch (err) {
        process.stderr.write(`cleanup "${undo.name}" failed: ${String(err)}\n`);
      }
    }
  })();
  return unwinding;
}

/** Ctrl+C or a kill: clean up, then exit with the conventional code. */
export function cleanupOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up…\n`);
      void cleanupAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
