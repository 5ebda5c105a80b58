/**
 * Devices: the filtered, paged list (filters and page live in the URL) with statuses live — each
 * device's health as the hub publishes it on `health/{device}` — and re-read while the page is
 * visible; for MEMBER and up, registration with the secret shown once.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { DeviceProfile } from "../../../domain/schemas/assets";
import type { Device } from "../../../domain/schemas/devices";
import type { HealthEvent } from "../../../domain/schemas/health";
import { describe } from "../components/Field";
import { useLatestRead } from "../components/latest-read";
import { subscribeHealth } from "../live";
import { can } from "../roles";
import { devicesApi, type Credentials, type DeviceFilters as Filters } from "./api";
import { DeviceFilters, FILTER_KEYS, type FilterValues } from "./DeviceFilters";
import { DeviceTable } from "./DeviceTable";
import { RegisterDevice } from "./RegisterDevice";
import { SecretOnce } from "./SecretOnce";
import { setSearchParams, useSearchParams } from "./url-state";
import "./devices.css";

const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 25;
/** How often statuses and last-seen times are re-read while the page is visible. */
const REFRESH_MS = 10_000;

export function DevicesPage({ role, tenant }: { role: Role; tenant: string }) {
  const params = useSearchParams();
  const filters: FilterValues = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v));
  const limitParam = Number(params.get("limit"));
  const limit = Number.isInteger(limitParam) && limitParam >= 1 && limitParam <= 200 ? limitParam : DEFAULT_PAGE_SIZE;
  const cursor = params.get("cursor") ?? undefined;
  const key = params.toString();

  const [devices, setDevices] = useState<Device[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [profiles, setProfiles] = useState<DeviceProfile[]>([]);
  const [created, setCreated] = useState<{ id: string; credentials: Credentials } | null>(null);

  const beginRead = useLatestRead();
  const load = useCallback(async () => {
    const stillLatest = beginRead();
    setLoading(true);
    try {
      const page = await devicesApi.list({ ...(filters as Filters), limit, ...(cursor ? { cursor } : {}) });
      if (!stillLatest()) return;
      setDevices(page.items);
      setNextCursor(page.nextCursor);
      setLoadError(null);
    } catch (err) {
      if (stillLatest()) setLoadError(err as Error);
    } finally {
      if (stillLatest()) setLoading(false);
    }
  }, [key]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => document.visibilityState === "visible" && void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);
  useEffect(() => {
    devicesApi.profiles().then(
      (p) => setProfiles(p.items),
      () => {},
    );
  }, []);
  // Live: a listed device's health change shows at once (one subscription per listed device, not
  // the whole fleet's retained states); if the list is filtered by status or health, the page is
  // read again, since the device may have left it (devices joining it show at the next read).
  const filteredByState = Boolean(filters.status || filters.health);
  const listedIds = devices?.map((d) => d.id).join(",") ?? "";
  const devicesRef = useRef(devices);
  devicesRef.current = devices;
  useEffect(() => {
    let reread: ReturnType<typeof setTimeout> | null = null;
    const stops = (listedIds ? listedIds.split(",") : []).map((deviceId) =>
      subscribeHealth({ deviceId }, (event) => {
        const listed = devicesRef.current?.find((d) => d.id === event.deviceId);
        if (!listed || listed.health === event.state) return;
        setDevices((list) => list?.map((d) => (d.id === event.deviceId ? withHealth(d, event) : d)) ?? list);
        if (filteredByState) reread ??= setTimeout(() => ((reread = null), void load()), 500);
      }),
    );
    return () => {
      stops.forEach((stop) => stop());
      if (reread) clearTimeout(reread);
    };
  }, [listedIds, load, filteredByState]);

  const go = (next: FilterValues, page: { cursor?: string } = {}) => setSearchParams({ ...next, ...(limit !== DEFAULT_PAGE_SIZE ? { limit: String(limit) } : {}), ...page });
  const filtered = Object.keys(filters).length > 0;

  return (
    <section id="devices-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Devices
      </h1>
      {loadError && (
        <p class="error" role="alert">
          {describe(loadError)}
        </p>
      )}
      {created && <SecretOnce tenant={tenant} id={created.id} credentials={created.credentials} title={`${created.id} is registered: its MQTT credentials`} onDismiss={() => setCreated(null)} />}
      <DeviceFilters values={filters} profiles={profiles} onApply={(v) => go(v)} />
      <DeviceTable devices={devices} loading={loading} filtered={filtered} />
      <nav class="pager" aria-label="Pages of devices">
        {cursor && (
          <button type="button" id="first-page" onClick={() => go(filters)}>
            First page
          </button>
        )}
        {nextCursor && (
          <button type="button" id="next-page" onClick={() => go(filters, { cursor: nextCursor })}>
            Next page
          </button>
        )}
        <label class="page-size">
          Per page{" "}
          <select
            id="page-size"
            value={String(limit)}
            onChange={(e) => {
              const size = (e.currentTarget as HTMLSelectElement).value;
              setSearchParams({ ...filters, ...(Number(size) !== DEFAULT_PAGE_SIZE ? { limit: size } : {}) });
            }}
          >
            {[...new Set([...PAGE_SIZES, limit])]
              .sort((a, b) => a - b)
              .map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
          </select>
        </label>
      </nav>
      {can(role, "MEMBER") ? (
        <RegisterDevice
          onCreated={(id, credentials) => {
            setCreated({ id, credentials });
            void load();
          }}
        />
      ) : (
        <p class="muted" id="viewer-note">
          Your role ({role}) can see devices but not register or change them.
        </p>
      )}
    </section>
  );
}

/** A listed device with a health change applied; connected states mean online, offline means offline. */
function withHealth(d: Device, e: HealthEvent): Device {
  const status = e.state === "offline" ? "offline" : e.state === "never_seen" ? d.status : "online";
  return { ...d, health: e.state, healthReason: e.reason, healthSince: e.since, status };
}
