// The active scripts of a tenant that the hot paths run — HTTP endpoints for /hooks, embedded
// scripts by id and name for invoke — cached per tenant, so a warm hook or invoke asks
// PostgreSQL nothing before the execution (the code comes from the version-keyed TargetCache).
//
// Kept right across nodes: every change to a tenant's scripts sends NOTIFY with the tenant id
// from its own transaction (triggers, migration 0003), each node's script-change channel then
// drops that tenant's entry, and this node's script service drops it right after its commit.
// Nothing is cached while the channel is down, and everything is dropped when it comes up,
// because notifications sent in between are lost. An entry holds one query's snapshot: a load
// that a change overtakes finishes into an entry that was already dropped, never a live one.
import { LRUCache } from 'lru-cache';
import type { Queryable } from '../store/queryable.js';
import { isUuid, listRunnableScripts } from '../store/scripts.js';

/** An HTTP endpoint of an active script. */
export interface HookRoute {
  readonly scriptId: string;
  readonly version: number;
  readonly httpPath: string;
  readonly methods: readonly string[];
  readonly auth: 'token' | 'public';
}

/** An active embedded script. */
export interface InvocableScript {
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

interface TenantScripts {
  /** The same array while the entry lives, so callers may derive things from it once. */
  readonly routes: readonly HookRoute[];
  readonly byId: ReadonlyMap<string, InvocableScript>;
  readonly byName: ReadonlyMap<string, InvocableScript>;
}

export interface ScriptDirectoryStats {
  /** Answers taken from the cache. */
  readonly hits: number;
  /** Queries for a tenant's scripts (cache fills and uncached loads). */
  readonly loads: number;
  /** Whether the change channel is listening, i.e. whether anything is cached. */
  readonly live: boolean;
}

async function loadTenant(db: Queryable, tenantId: string): Promise<TenantScripts> {
  const routes: HookRoute[] = [];
  const byId = new Map<string, InvocableScript>();
  const byName = new Map<string, InvocableScript>();
  for (const r of await listRunnableScripts(db, tenantId)) {
    if (r.type === 'embedded') {
      const s = { id: r.id, name: r.name, version: r.version };
      byId.set(s.id, s);
      byName.set(s.name, s);
    } else if (r.httpPath !== null && r.methods !== null && r.auth !== null) {
      routes.push({
        scriptId: r.id,
        version: r.version,
        httpPath: r.httpPath,
        methods: r.methods,
        auth: r.auth,
      });
    }
  }
  return { routes, byId, byName };
}

export function createScriptDirectory(deps: {
  db: Queryable;
  /** Bound on the scripts held over all tenants (an entry weighs its script count + 1). */
  maxScripts?: number;
}) {
  const entries = new LRUCache<string, TenantScripts>({
    maxSize: deps.maxScripts ?? 100_000,
    sizeCalculation: (e) => 1 + e.routes.length + e.byId.size,
  });
  /** Loads under way that may still fill the cache; a change removes its tenant's. */
  const loading = new Map<string, Promise<TenantScripts>>();
  let live = false;
  let hits = 0;
  let loads = 0;

  function load(tenantId: string): Promise<TenantScripts> {
    loads++;
    return loadTenant(deps.db, tenantId);
  }

  function tenant(tenantId: string): Promise<TenantScripts> {
    if (!live) return load(tenantId);
    const hit = entries.get(tenantId);
    if (hit) {
      hits++;
      return Promise.resolve(hit);
    }
    const pending = loading.get(tenantId);
    if (pending) return pending;
    const p = load(tenantId);
    loading.set(tenantId, p);
    p.then(
      (value) => {
        if (loading.get(tenantId) !== p) return;
        loading.delete(tenantId);
        entries.set(tenantId, value);
      },
      () => {
        if (loading.get(tenantId) === p) loading.delete(tenantId);
      },
    );
    return p;
  }

  function dropAll(): void {
    entries.clear();
    loading.clear();
  }

  return {
    /**
     * The tenant's endpoints, in no particular order. fresh: read the database past the cache,
     * for a request the cached table cannot answer (so an endpoint created a moment ago on
     * another node is found before its notification arrives).
     */
    async hookRoutes(
      tenantId: string,
      opts: { fresh?: boolean } = {},
    ): Promise<readonly HookRoute[]> {
      return (await (opts.fresh ? load(tenantId) : tenant(tenantId))).routes;
    },

    /** An active embedded script by id (a UUID) or else by name; null when none is known. */
    async invocable(tenantId: string, idOrName: string): Promise<InvocableScript | null> {
      const t = await tenant(tenantId);
      return (isUuid(idOrName) ? t.byId.get(idOrName) : t.byName.get(idOrName)) ?? null;
    },

    /** The scripts of this tenant changed ('*': of any tenant). */
    changed(tenantId: string): void {
      if (tenantId === '*') return dropAll();
      entries.delete(tenantId);
      loading.delete(tenantId);
    },

    /** Called by the change channel: caching only while changes are heard, fresh on every start. */
    setLive(listening: boolean): void {
      live = listening;
      dropAll();
    },

    stats(): ScriptDirectoryStats {
      return { hits, loads, live };
    },
  };
}

export type ScriptDirectory = ReturnType<typeof createScriptDirectory>;
