/** What the Fleet overview reads: the fleet summary, fleet health, located devices, rejected messages, limit hits. */
import type { Page } from "../../../domain/schemas/common";
import type { Device } from "../../../domain/schemas/devices";
import type { FleetSummary } from "../../../domain/schemas/fleet";
import type { FleetHealth } from "../../../domain/schemas/health";
import type { TenantStatus } from "../../../domain/schemas/status";
import type { AuditEntry } from "../../../domain/schemas/identity";
import type { RejectedMessage } from "../../../domain/telemetry/rejections";
import { query, request } from "../api";

/** The map reads at most this many devices (pages of 200); the summary says how many have a location. */
const MAP_DEVICE_CAP = 1000;
const PAGE = 200;

export type LocatedDevice = { id: string; name: string; lat: number; lon: number; status: string };

export const overviewApi = {
  summary: () => request<FleetSummary>("GET", "/fleet/summary"),
  /** The tenant's platform status: hub, telemetry pipeline lag, dead letters, rejections. */
  status: () => request<TenantStatus>("GET", "/status"),
  /** Devices by health state, per profile, and the `worst` unhealthiest. */
  health: (worst = 10) => request<FleetHealth>("GET", `/fleet/health${query({ worst })}`),
  rejected: (limit: number) => request<Page<RejectedMessage>>("GET", `/telemetry/rejected${query({ limit })}`),
  /** `limit.hit` events of the audit log (ADMIN and up may read it), newest first. */
  limitHitEvents: (limit: number) => request<Page<AuditEntry>>("GET", `/audit${query({ action: "limit.hit", limit })}`),

  /** Devices that have a location, from up to MAP_DEVICE_CAP devices; `complete` says whether all were read. */
  async locatedDevices(): Promise<{ devices: LocatedDevice[]; complete: boolean }> {
    const devices: LocatedDevice[] = [];
    let cursor: string | null = null;
    let read = 0;
    do {
      const page: Page<Device> = await request<Page<Device>>("GET", `/devices${query({ limit: PAGE, cursor: cursor ?? undefined })}`);
      read += page.items.length;
      for (const d of page.items) if (d.location) devices.push({ id: d.id, name: d.name, lat: d.location.lat, lon: d.location.lon, status: d.disabled ? "disabled" : d.status });
      cursor = page.nextCursor;
    } while (cursor && read < MAP_DEVICE_CAP);
    return { devices, complete: cursor === null };
  },
};
