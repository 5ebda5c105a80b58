/**
 * Every place a tenant's data lives, as one list of stores that offboarding exports, purges and
 * counts. Adding a store is one more entry in `tenantStores`.
 */
import { openRegistry } from "../../domain/data/db";
import { forTenant } from "../../domain/data/tenant-scope";
import { countTenantRows, deleteTenantRows, TENANT_TABLES, tenantRowsPage } from "../../domain/data/tenant-tables";
import type { ExportFile } from "../../domain/lifecycle/manifest";
import { firmwarePrefix } from "../../domain/lifecycle/object-keys";
import type { Tenant } from "../../domain/schemas/identity";
import { archivePrefix, ArchiveWriter, countUnder, deleteUnder, keysUnder } from "./archive";
import { MAX_QUERY_DEVICES } from "../../domain/telemetry/query";
import { telemetryStore } from "../telemetry/store-client";
import { hubFor } from "./residency";

export type StoreCounts = Record<string, number>;

export interface TenantStore {
  readonly name: string;
  /** What the store holds for the tenant, per table or kind of record; all zero once purged. */
  count(): Promise<StoreCounts>;
  /** Writes the tenant's data into the archive; absent for stores whose content is not the tenant's to take. */
  export?(archive: ArchiveWriter): Promise<ExportFile[]>;
  purge(): Promise<void>;
}

const ROWS_PER_FILE = 5_000;
const ROWS_PER_QUERY = 1_000;
const part = (n: number) => String(n).padStart(4, "0");

function registryStore(env: Env, tenantId: string): TenantStore {
  const db = openRegistry(env.REGISTRY);
  return {
    name: "registry",
    count: () => countTenantRows(db, tenantId),
    async export(archive) {
      const files: ExportFile[] = [];
      for (const table of TENANT_TABLES) {
        let after = 0;
        let n = 1;
        let rows: Record<string, unknown>[] = [];
        const flush = async () => {
          files.push(await archive.putNdjson(`registry.${table.name}.${part(n++)}.ndjson`, "registry", table.name, rows));
          rows = [];
        };
        for (;;) {
          const page = await tenantRowsPage(db, table, tenantId, after, ROWS_PER_QUERY);
          rows.push(...page.rows);
          if (rows.length >= ROWS_PER_FILE) await flush();
          if (page.lastRowid === null || page.rows.length < ROWS_PER_QUERY) break;
          after = page.lastRowid;
        }
        if (rows.length || n === 1) await flush();
      }
      // Members with their email and name: the memberships table alone only names user ids.
      const members: unknown[] = [];
      const data = forTenant(db, tenantId);
      for (let cursor: string | undefined; ;) {
        const page = await data.members.list({ limit: 200, ...(cursor ? { cursor } : {}) });
        members.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      files.push(await archive.putNdjson("registry.members-with-users.ndjson", "registry", "members (memberships with user email and name)", members));
      return files;
    },
    purge: async () => {
      await deleteTenantRows(db, tenantId);
    },
  };
}

function hubStore(env: Env, tenant: Pick<Tenant, "id" | "region">): TenantStore {
  const hub = () => hubFor(env, tenant);
  return {
    name: "hub",
    async count() {
      // `meta` holds only the hub's binding to the tenant id, which counting itself re-creates.
      const { meta: _binding, ...counts } = await hub().storageCounts(tenant.id);
      return counts;
    },
    async export(archive) {
      // Every table the manifest counts, as stored; `meta` is neither counted nor exported (hub-export.ts).
      const { meta: _binding, ...counts } = await hub().storageCounts(tenant.id);
      const files: ExportFile[] = [];
      for (const table of Object.keys(counts)) {
        let rows: Record<string, unknown>[] = [];
        let n = 1;
        const flush = async () => {
          files.push(await archive.putNdjson(`hub.${table}.${part(n++)}.ndjson`, "hub", table, rows));
          rows = [];
        };
        for (let after = 0; ;) {
          const page = await hub().exportPage(tenant.id, table, after);
          rows.push(...page.rows);
          if (rows.length >= ROWS_PER_FILE) await flush();
          if (page.next === null) break;
          after = page.next;
        }
        if (rows.length || n === 1) await flush();
      }
      return files;
    },
    purge: () => hub().purge(tenant.id),
  };
}

function firmwareStore(env: Env, tenantId: string): TenantStore {
  const prefix = firmwarePrefix(tenantId);
  return {
    name: "firmware",
    count: async () => ({ objects: await countUnder(env.FIRMWARE, prefix) }),
    async export(archive) {
      const files: ExportFile[] = [];
      const index: { file: string; key: string; size: number; etag: string; uploaded: string; sha256: string }[] = [];
      let n = 1;
      for await (const o of keysUnder(env.FIRMWARE, prefix)) {
        const body = await env.FIRMWARE.get(o.key);
        if (!body) continue; // deleted while we listed
        const file = await archive.putBytes(`firmware.${part(n++)}.bin`, "firmware", "objects", new Uint8Array(await body.arrayBuffer()), 1, body.httpMetadata?.contentType ?? "application/octet-stream");
        files.push(file);
        index.push({ file: file.name, key: o.key.slice(prefix.length), size: o.size, etag: o.etag, uploaded: o.uploaded.toISOString(), sha256: file.sha256 });
      }
      files.push(await archive.putNdjson("firmware.index.ndjson", "firmware", "index", index));
      return files;
    },
    purge: async () => {
      await deleteUnder(env.FIRMWARE, prefix);
    },
  };
}

/**
 * The telemetry hot store: raw points (per series of every device it holds, deleted ones included),
 * the rejected-messages log and the alarms raised (with their history) are exported; rollups,
 * latest values, the idempotency ledger, the copy of the alarm rules (exported from the
 * registry), the rules' evaluation state and the alarm-event outbox are derived or transient and
 * only counted and deleted.
 */
function telemetryHotStore(env: Env, tenant: Pick<Tenant, "id" | "region">): TenantStore {
  const store = () => telemetryStore(env, tenant);
  /** From the store itself, not the registry: devices deleted earlier left their points, which are the tenant's data too. */
  async function deviceIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let after: string | null = null; ;) {
      const page = await store().storedDevices(after, ROWS_PER_QUERY);
      ids.push(...page);
      if (page.length < ROWS_PER_QUERY) return ids;
      after = page[page.length - 1]!;
    }
  }
  return {
    name: "telemetry",
    count: () => store().counts(),
    async export(archive) {
      const files: ExportFile[] = [];
      let points: unknown[] = [];
      let n = 1;
      const flush = async () => {
        files.push(await archive.putNdjson(`telemetry.points.${part(n++)}.ndjson`, "telemetry", "points", points));
        points = [];
      };
      const ids = await deviceIds();
      for (let i = 0; i < ids.length; i += MAX_QUERY_DEVICES) {
        for (const series of await store().seriesList(ids.slice(i, i + MAX_QUERY_DEVICES), [])) {
          for (let after: { ts: number; id: number } | null = null; ;) {
            const page = await store().exportPage({ ...series, from: 0, to: Number.MAX_SAFE_INTEGER, after, limit: ROWS_PER_FILE });
            points.push(...page.rows);
            if (points.length >= ROWS_PER_FILE) await flush();
            if (!page.next) break;
            after = page.next;
          }
        }
      }
      if (points.length || n === 1) await flush();
      const rejected: unknown[] = [];
      for (let cursor: string | undefined; ;) {
        const page = await store().rejected({ limit: 200, ...(cursor ? { cursor } : {}) });
        rejected.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      files.push(await archive.putNdjson("telemetry.rejected.ndjson", "telemetry", "rejected", rejected));
      const alarms: unknown[] = [];
      for (let cursor: string | undefined; ;) {
        const page = await store().listAlarms({ limit: 200, ...(cursor ? { cursor } : {}) });
        alarms.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      files.push(await archive.putNdjson("telemetry.alarms.ndjson", "telemetry", "alarms", alarms));
      return files;
    },
    purge: () => store().purge(),
  };
}

/** The export itself: deleted last, after the owner's download window. */
function archiveStore(env: Env, tenantId: string): TenantStore {
  return {
    name: "archive",
    count: async () => ({ objects: await countUnder(env.ARCHIVES, archivePrefix(tenantId)) }),
    purge: async () => {
      await deleteUnder(env.ARCHIVES, archivePrefix(tenantId));
    },
  };
}

/**
 * The stores in purge order: the hub first (it writes to the registry while it runs), then the
 * telemetry hot store, the registry after the
 * stores that index into it, the archive last.
 */
export function tenantStores(env: Env, tenant: Pick<Tenant, "id" | "region">): TenantStore[] {
  return [hubStore(env, tenant), telemetryHotStore(env, tenant), firmwareStore(env, tenant.id), registryStore(env, tenant.id), archiveStore(env, tenant.id)];
}
