// Runnable script versions. Versions never change, so a version-keyed LRU cache is always right.
import { LRUCache } from 'lru-cache';
import type { Queryable } from '../store/queryable.js';
import type { Script } from '../store/scripts.js';
import type { ExecutionTarget } from './executor.js';

export function targetFromScript(s: Script): ExecutionTarget {
  return {
    tenantId: s.tenantId,
    organizationId: s.organizationId,
    scriptId: s.id,
    scriptName: s.name,
    version: s.version,
    code: s.compiledCode,
    sourceMap: s.sourceMap,
    lineOffset: s.lineOffset,
    limits: s.limits,
  };
}

export function createTargetCache(db: Queryable, max = 2000) {
  const cache = new LRUCache<string, ExecutionTarget>({ max });
  return {
    remember(t: ExecutionTarget): void {
      cache.set(`${t.scriptId}:${t.version}`, t);
    },
    /** The given version of a script, or null when the script (or version) is gone. */
    async load(scriptId: string, version: number): Promise<ExecutionTarget | null> {
      const key = `${scriptId}:${version}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const r = await db.query<ExecutionTarget>(
        `SELECT s.tenant_id AS "tenantId", s.organization_id AS "organizationId", s.id AS "scriptId",
                v.snapshot->>'name' AS "scriptName", v.version, v.compiled_code AS code,
                v.source_map AS "sourceMap", v.line_offset AS "lineOffset", v.snapshot->'limits' AS limits
           FROM script_versions v JOIN scripts s ON s.id = v.script_id
          WHERE v.script_id = $1 AND v.version = $2`,
        [scriptId, version],
      );
      const t = r.rows[0] ?? null;
      if (t) cache.set(key, t);
      return t;
    },
  };
}

export type TargetCache = ReturnType<typeof createTargetCache>;
