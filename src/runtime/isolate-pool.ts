// Sandbox worker side: isolates keyed by script id + memory limit, reused least-recently-used
// first, each with its compiled script versions (V8 code cache shared across isolates) and its
// next context: the one the last run left reusable, or a fresh hardened one prepared while the
// isolate is idle.
import ivm from 'isolated-vm';
import { LRUCache } from 'lru-cache';
import { GUEST_FILENAME, SCRIPT_FILENAME } from './guest/protocol.js';

const MiB = 1024 * 1024;

/** isolated-vm sets these on compiled scripts; its typings leave them out. */
type CachingScript = ivm.Script & {
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
  cachedDataRejected?: boolean;
};

/** Receives the guest's host calls for the execution currently using a slot. */
export interface SlotListener {
  call(callId: unknown, capability: unknown, method: unknown, argsJson: unknown): void;
  log(level: unknown, message: unknown, metadataJson: unknown): void;
  dropped(count: unknown): void;
}

export interface PreparedContext {
  readonly context: ivm.Context;
  /** The guest's `entry(op, …)` function (see guest/index.ts). */
  readonly entry: ivm.Reference<unknown>;
  /** The script function of the version compiled last, already evaluated in this context. */
  readonly fn: { readonly version: number; readonly ref: ivm.Reference<unknown> } | null;
  /** Runs this context has served (0: fresh). */
  readonly runs: number;
}

export interface IsolateSlot {
  readonly key: string;
  readonly memoryMiB: number;
  readonly isolate: ivm.Isolate;
  listener: SlotListener | null;
  /**
   * Token of the run the listener belongs to. Host calls made for any other run (an earlier
   * execution's leftovers, in this or an older context) are dropped, never routed to this one.
   */
  activeToken: number;
}

interface SlotState extends IsolateSlot {
  /** '' while the isolate is the pool's spare, not yet given to a script. */
  key: string;
  /** Heap after its last run (counted in idleHeap while idle). */
  heapBytes: number;
  readonly boot: ivm.Script;
  readonly scripts: Map<number, ivm.Script>;
  latest: { readonly version: number; readonly script: ivm.Script } | null;
  readonly callbacks: readonly ivm.Callback[];
  spare: Promise<PreparedContext> | null;
  disposed: boolean;
}

interface KeyState {
  readonly idle: SlotState[];
  count: number;
  readonly waiters: Array<(slot: SlotState | null) => void>;
}

export interface IsolatePoolOptions {
  readonly guestSource: string;
  /** Isolates kept in this process; idle ones beyond it are disposed least-recently-used first. */
  readonly maxIsolates: number;
  /** Concurrent isolates for one key before further runs of that script wait for a free one. */
  readonly maxIsolatesPerKey?: number;
  /** Compiled versions kept per isolate. */
  readonly versionsPerIsolate?: number;
  /**
   * Heap that idle isolates may hold together (as measured after their last run); beyond it the
   * least recently used are disposed, so isolates that each stay within their own limit cannot
   * together push the process over its memory cap.
   */
  readonly idleHeapBudgetBytes?: number;
}

export interface IsolatePool {
  /** Resolves null when `abandoned()` became true while waiting for a free isolate. */
  acquire(
    scriptId: string,
    memoryMiB: number,
    abandoned: () => boolean,
  ): Promise<IsolateSlot | null>;
  /** The compiled script for this version (compiled on first use; rejects with the SyntaxError). */
  script(slot: IsolateSlot, scriptId: string, version: number, code: string): Promise<ivm.Script>;
  /** The slot's next context: the one kept by the last run, or a fresh hardened one. */
  takeContext(slot: IsolateSlot): Promise<PreparedContext>;
  /** A new hardened context, for when the kept one turned out to be changed. */
  freshContext(slot: IsolateSlot): Promise<PreparedContext>;
  /**
   * Back to the pool after a clean run, with the context the run left reusable (it serves the
   * next run), or null: then a fresh one is prepared in the background. `heapBytes`: the
   * isolate's heap after the run; over a quarter of its memory limit the isolate is disposed
   * instead, so every run starts with at least three quarters of its limit free — whatever an
   * earlier run left in the context or the isolate (globals, private fields on intrinsics,
   * registered symbols).
   */
  release(slot: IsolateSlot, reusable: PreparedContext | null, heapBytes?: number): void;
  /** Dispose (timeout, memory failure, cancel); callers waiting for this key get a new isolate. */
  discard(slot: IsolateSlot): void;
  /** Isolates given to scripts (the spare is not counted). */
  size(): number;
  /**
   * Scripts compiled, how many of those compiles used V8 code cache data, contexts created, and
   * cold starts that took the spare isolate.
   */
  counters(): { compiles: number; codeCacheHits: number; contexts: number; spareTaken: number };
  disposeAll(): void;
}

/** Wraps the function expression so the script's completion value is the function. */
function wrap(code: string): string {
  return `(${code}\n)`;
}

export function createIsolatePool(options: IsolatePoolOptions): IsolatePool {
  const maxPerKey = options.maxIsolatesPerKey ?? 8;
  const versionsPerIsolate = options.versionsPerIsolate ?? 3;
  const keys = new Map<string, KeyState>();
  /** Idle slots, least recently used first (Map keeps insertion order). */
  const idle = new Map<SlotState, true>();
  const idleHeapBudget = options.idleHeapBudgetBytes ?? Number.POSITIVE_INFINITY;
  /** Sum of heapBytes over idle slots. */
  let idleHeap = 0;
  const addIdle = (slot: SlotState): void => {
    idle.set(slot, true);
    idleHeap += slot.heapBytes;
  };
  const removeIdle = (slot: SlotState): void => {
    if (idle.delete(slot)) idleHeap -= slot.heapBytes;
  };
  const codeCache = new LRUCache<string, ivm.ExternalCopy<ArrayBuffer>>({ max: 1000 });
  let guestCache: ivm.ExternalCopy<ArrayBuffer> | undefined;
  let total = 0;
  let compiles = 0;
  let contexts = 0;
  let codeCacheHits = 0;

  const keyState = (key: string): KeyState => {
    let state = keys.get(key);
    if (!state) {
      state = { idle: [], count: 0, waiters: [] };
      keys.set(key, state);
    }
    return state;
  };

  /** A booted isolate that belongs to no script yet (see createSlot and the spare). */
  const createIsolate = (memoryMiB: number): SlotState => {
    const isolate = new ivm.Isolate({
      memoryLimit: memoryMiB,
      // isolated-vm's advice: the process state is unrecoverable; the supervisor starts a new one.
      onCatastrophicError: () => process.kill(process.pid, 'SIGKILL'),
    });
    const boot: CachingScript = isolate.compileScriptSync(options.guestSource, {
      filename: GUEST_FILENAME,
      ...(guestCache ? { cachedData: guestCache } : { produceCachedData: true }),
    });
    if (!guestCache && boot.cachedData) guestCache = boot.cachedData;
    const slot: SlotState = {
      key: '',
      heapBytes: 0,
      memoryMiB,
      isolate,
      listener: null,
      activeToken: 0,
      boot,
      scripts: new Map(),
      latest: null,
      callbacks: [],
      spare: null,
      disposed: false,
    };
    // "ignored" callbacks: the guest never waits on the host (a sync callback from an isolate
    // running on the thread pool costs ~60 µs; these ~3 µs) and nothing can reject across.
    const current = (token: unknown): SlotListener | null =>
      token === slot.activeToken ? slot.listener : null;
    (slot.callbacks as ivm.Callback[]).push(
      new ivm.Callback(
        (token: unknown, a: unknown, b: unknown, c: unknown, d: unknown) =>
          current(token)?.call(a, b, c, d),
        { ignored: true },
      ),
      new ivm.Callback(
        (token: unknown, a: unknown, b: unknown, c: unknown) => current(token)?.log(a, b, c),
        { ignored: true },
      ),
      new ivm.Callback((token: unknown, a: unknown) => current(token)?.dropped(a), {
        ignored: true,
      }),
    );
    return slot;
  };

  const createSlot = (key: string, memoryMiB: number): SlotState => {
    const slot = createIsolate(memoryMiB);
    slot.key = key;
    keyState(key).count++;
    total++;
    return slot;
  };

  /**
   * One booted isolate with a hardened context, kept for the next script this process has never
   * run (for the memory limit the last such script asked for): a cold start then skips isolate
   * creation and context hardening (~6 ms), which happen in the background after it instead.
   */
  let spare: { readonly memoryMiB: number; slot: SlotState | null } | null = null;
  let spareTaken = 0;
  let closed = false;

  const replenish = (memoryMiB: number): void => {
    if (closed || spare) return;
    const pending: { memoryMiB: number; slot: SlotState | null } = { memoryMiB, slot: null };
    spare = pending;
    setImmediate(() => {
      if (spare !== pending || closed) return;
      try {
        const slot = createIsolate(memoryMiB);
        const ready = prepare(slot);
        ready.catch(() => {});
        slot.spare = ready;
        pending.slot = slot;
      } catch {
        spare = null;
      }
    });
  };

  const disposeSpare = (): void => {
    const slot = spare?.slot;
    spare = null;
    if (!slot || slot.disposed) return;
    slot.disposed = true;
    if (!slot.isolate.isDisposed) slot.isolate.dispose();
  };

  /** Memory limit of the last cold start: a spare for it is made when a run ends. */
  let wanted: number | null = null;
  const replenishWanted = (): void => {
    if (wanted !== null && !spare) replenish(wanted);
  };

  /** The spare for this memory limit, if one is ready; asks for the next one either way. */
  const takeSpare = (key: string, memoryMiB: number): SlotState | null => {
    if (spare && spare.memoryMiB !== memoryMiB) disposeSpare(); // demand moved to another limit
    const slot = spare?.slot ?? null;
    if (slot) {
      spare = null;
      slot.key = key;
      keyState(key).count++;
      total++;
      spareTaken++;
    }
    // Made once this run is over, not while it runs: creating an isolate blocks this thread.
    wanted = memoryMiB;
    return slot;
  };

  /**
   * Everything a run needs short of the run itself: a context, the guest installed and the whole
   * reachable graph frozen (~1.5–4 ms, on isolated-vm's thread pool so this process keeps
   * serving other runs meanwhile), and the latest version's function.
   */
  const prepare = async (slot: SlotState): Promise<PreparedContext> => {
    const context = await slot.isolate.createContext();
    const install = (await slot.boot.run(context, { reference: true })) as ivm.Reference<unknown>;
    const entry = (await install.apply(undefined, [...slot.callbacks], {
      result: { reference: true },
    })) as ivm.Reference<unknown>;
    install.release();
    contexts++;
    const latest = slot.latest;
    // Evaluating the function expression runs no user code; it saves a call on the hot path.
    const fn = latest
      ? {
          version: latest.version,
          ref: latest.script.runSync(context, { reference: true }) as ivm.Reference<unknown>,
        }
      : null;
    return { context, entry, fn, runs: 0 };
  };

  const dispose = (slot: SlotState): void => {
    if (slot.disposed) return;
    slot.disposed = true;
    slot.listener = null;
    removeIdle(slot);
    const state = keyState(slot.key);
    const at = state.idle.indexOf(slot);
    if (at !== -1) state.idle.splice(at, 1);
    state.count--;
    total--;
    if (!slot.isolate.isDisposed) slot.isolate.dispose();
    forgetIfUnused(slot.key);
  };

  const forgetIfUnused = (key: string): void => {
    const state = keys.get(key);
    if (state && state.count === 0 && state.waiters.length === 0) keys.delete(key);
  };

  const evictIdle = (): void => {
    while (total >= options.maxIsolates || idleHeap > idleHeapBudget) {
      const oldest = idle.keys().next();
      if (oldest.done) return; // every isolate is busy: go over the cap until some come back
      dispose(oldest.value);
    }
  };

  /** Hands a slot (or a brand-new one) to the first waiter that still wants it. */
  const serveWaiter = (
    state: KeyState,
    key: string,
    memoryMiB: number,
    slot: SlotState | null,
  ): boolean => {
    const waiter = state.waiters.shift();
    if (!waiter) return false;
    waiter(slot ?? createSlot(key, memoryMiB));
    return true;
  };

  const asState = (slot: IsolateSlot): SlotState => slot as SlotState;

  return {
    async acquire(scriptId, memoryMiB, abandoned) {
      const key = `${scriptId}\u0000${memoryMiB}`;
      const state = keyState(key);
      const ready = state.idle.pop();
      if (ready) {
        removeIdle(ready);
        return ready;
      }
      if (state.count < maxPerKey) {
        evictIdle();
        return takeSpare(key, memoryMiB) ?? createSlot(key, memoryMiB);
      }
      // Every isolate of this script is busy: wait for one rather than multiplying isolates.
      const slot = await new Promise<SlotState | null>((resolve) => state.waiters.push(resolve));
      if (slot && abandoned()) {
        this.release(slot, null);
        return null;
      }
      return slot;
    },

    async script(slot, scriptId, version, code) {
      const state = asState(slot);
      const compiled = state.scripts.get(version);
      if (compiled) {
        if (state.latest?.script !== compiled) state.latest = { version, script: compiled };
        return compiled;
      }
      const cacheKey = `${scriptId}@${version}`;
      const cachedData = codeCache.get(cacheKey);
      const script: CachingScript = await slot.isolate.compileScript(wrap(code), {
        filename: SCRIPT_FILENAME,
        ...(cachedData ? { cachedData } : { produceCachedData: true }),
      });
      compiles++;
      if (cachedData && script.cachedDataRejected === true) codeCache.delete(cacheKey);
      else if (cachedData) codeCacheHits++;
      if (!cachedData && script.cachedData) codeCache.set(cacheKey, script.cachedData);
      state.scripts.set(version, script);
      state.latest = { version, script };
      if (state.scripts.size > versionsPerIsolate) {
        const oldest = state.scripts.keys().next().value as number;
        state.scripts.get(oldest)?.release();
        state.scripts.delete(oldest);
      }
      return script;
    },

    freshContext: (slot) => prepare(asState(slot)),

    takeContext(slot) {
      const state = asState(slot);
      const spare = state.spare;
      state.spare = null;
      return spare ?? prepare(state);
    },

    release(slot, reusable, heapBytes = 0) {
      const state = asState(slot);
      if (state.disposed) return;
      if (heapBytes > (state.memoryMiB * MiB) / 4) {
        this.discard(slot);
        return;
      }
      state.heapBytes = heapBytes;
      state.listener = null;
      // A slot handed back unused (its waiter gave up) still has its next context.
      if (reusable || !state.spare) {
        const spare = reusable ? Promise.resolve(reusable) : prepare(state);
        state.spare = spare;
        // Disposal while preparing rejects it; takeContext's caller sees that rejection if it comes.
        spare.catch(() => {});
      }
      const key = keyState(state.key);
      replenishWanted();
      if (serveWaiter(key, state.key, state.memoryMiB, state)) return;
      key.idle.push(state);
      addIdle(state);
      evictIdle();
    },

    discard(slot) {
      const state = asState(slot);
      if (state.disposed) return;
      const key = keyState(state.key);
      replenishWanted();
      dispose(state);
      serveWaiter(key, state.key, state.memoryMiB, null);
      forgetIfUnused(state.key);
    },

    size: () => total,

    counters: () => ({ compiles, codeCacheHits, contexts, spareTaken }),

    disposeAll() {
      closed = true;
      disposeSpare();
      for (const state of keys.values()) {
        for (const waiter of state.waiters.splice(0)) waiter(null);
      }
      for (const slot of [...idle.keys()]) dispose(slot);
    },
  };
}
