/**
 * Custom hostname → tenant id, cached per isolate so routing does not ask D1 for the hostname on
 * every request. Changes made in this isolate (a domain activated, removed, a tenant offboarded)
 * invalidate the entry at once; other isolates see them within the TTL. The tenant row itself is
 * still read per request, so suspension and deletion are never served from the cache.
 */
export class HostDirectoryCache {
  private readonly entries = new Map<string, { tenantId: string | null; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(hostname: string, load: (hostname: string) => Promise<string | null>): Promise<string | null> {
    const hit = this.entries.get(hostname);
    if (hit && hit.expiresAt > this.now()) return hit.tenantId;
    const tenantId = await load(hostname);
    this.entries.delete(hostname);
    // Map keeps insertion order: the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hostname, { tenantId, expiresAt: this.now() + this.ttlMs });
    return tenantId;
  }

  invalidate(hostname?: string): void {
    if (hostname === undefined) this.entries.clear();
    else this.entries.delete(hostname);
  }
}

const HOST_CACHE_TTL_MS = 10_000;
export const hostDirectory = new HostDirectoryCache(HOST_CACHE_TTL_MS);
