/**
 * Fleet health read from the registry's mirror of it (the hubs write `devices.health*`): counts
 * per state, per profile and per tag, and the devices in the worst state longest. Disabled
 * devices are counted apart: they cannot connect, so "offline" says nothing about them.
 */
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { HealthState } from "../../health/states";
import type { FleetHealth, HealthCounts } from "../../schemas/health";
import type { Db } from "../db";
import { devices } from "../schema";

export type FleetHealthFilter = { profile?: string | undefined; tag?: string | undefined; worst: number };

/** Tags listed at most (the most-used first). */
const MAX_TAGS = 50;

const emptyCounts = (): HealthCounts => ({ online: 0, degraded: 0, offline: 0, never_seen: 0, total: 0 });
const add = (c: HealthCounts, state: HealthState, n: number) => {
  c[state] += n;
  c.total += n;
};

export function deviceHealthRepo(db: Db, tenantId: string) {
  const mine = eq(devices.tenantId, tenantId);
  return {
    async fleet(f: FleetHealthFilter): Promise<FleetHealth> {
      const scope = and(mine, f.profile ? eq(devices.profileId, f.profile) : undefined, f.tag ? sql`exists (select 1 from json_each(${devices.tags}) where json_each.value = ${f.tag})` : undefined);
      const enabled = and(scope, eq(devices.disabled, false));
      const [byProfileRows, disabledRow, worstRows] = await db.batch([
        db.select({ profileId: devices.profileId, health: devices.health, n: count() }).from(devices).where(enabled).groupBy(devices.profileId, devices.health),
        db
          .select({ n: count() })
          .from(devices)
          .where(and(scope, eq(devices.disabled, true))),
        db
          .select({ id: devices.id, name: devices.name, profileId: devices.profileId, tags: devices.tags, health: devices.health, reason: devices.healthReason, since: devices.healthSince })
          .from(devices)
          .where(and(enabled, sql`${devices.health} in ('offline', 'degraded')`))
          .orderBy(sql`case ${devices.health} when 'offline' then 0 else 1 end`, asc(devices.healthSince), asc(devices.id))
          .limit(f.worst),
      ]);
      const tagRows = await db.all<{ tag: string; health: HealthState; n: number }>(sql`
        select j.value as tag, d.health as health, count(*) as n
        from ${devices} d, json_each(d.tags) j
        where d.tenant_id = ${tenantId} and d.disabled = 0
          ${f.profile ? sql`and d.profile_id = ${f.profile}` : sql``}
          ${f.tag ? sql`and exists (select 1 from json_each(d.tags) t where t.value = ${f.tag})` : sql``}
        group by j.value, d.health`);

      const counts = emptyCounts();
      const profiles = new Map<string | null, HealthCounts>();
      for (const r of byProfileRows) {
        add(counts, r.health, r.n);
        const c = profiles.get(r.profileId) ?? emptyCounts();
        add(c, r.health, r.n);
        profiles.set(r.profileId, c);
      }
      const tags = new Map<string, HealthCounts>();
      for (const r of tagRows) {
        const c = tags.get(r.tag) ?? emptyCounts();
        add(c, r.health, r.n);
        tags.set(r.tag, c);
      }
      return {
        counts,
        disabled: disabledRow[0]?.n ?? 0,
        byProfile: [...profiles].map(([profileId, c]) => ({ profileId, counts: c })).sort((a, b) => b.counts.total - a.counts.total || String(a.profileId).localeCompare(String(b.profileId))),
        byTag: [...tags]
          .map(([tag, c]) => ({ tag, counts: c }))
          .sort((a, b) => b.counts.total - a.counts.total || a.tag.localeCompare(b.tag))
          .slice(0, MAX_TAGS),
        worst: worstRows.map((r) => ({ ...r, reason: r.reason as FleetHealth["worst"][number]["reason"] })),
      };
    },
  };
}
