// Tenant by slug for the hot paths (hooks, library invoke). Slugs never change and tenants are
// never deleted, so a found tenant can be cached for good; misses are not cached.
import { LRUCache } from 'lru-cache';
import type { Queryable } from './queryable.js';
import { findTenantBySlug, type Tenant } from './tenants.js';

export type TenantLookup = (slug: string) => Promise<Tenant | null>;

export function createTenantLookup(db: Queryable, max = 10_000): TenantLookup {
  const cache = new LRUCache<string, Tenant>({ max });
  return async (slug) => {
    const hit = cache.get(slug);
    if (hit) return hit;
    const t = await findTenantBySlug(db, slug);
    if (t) cache.set(slug, t);
    return t;
  };
}
