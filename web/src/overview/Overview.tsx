/**
 * Fleet overview: devices by status and by health (each opening the filtered devices list), the
 * devices needing attention, live traffic from the hub, a map of the devices that have a location, recent rejected messages and limit hits,
 * and the workspace's plan, device limit and expiring certificates.
 */
import { useEffect, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { FleetSummary } from "../../../domain/schemas/fleet";
import type { FleetHealth } from "../../../domain/schemas/health";
import type { TenantView } from "../../../domain/schemas/identity";
import { describe } from "../components/Field";
import { subscribeStats, useLiveStatus, type HubStats } from "../live";
import { DeviceMap } from "../map/DeviceMap";
import { overviewApi, type LocatedDevice } from "./api";
import { HealthCard } from "./HealthCard";
import { LiveFigures } from "./LiveFigures";
import { PlatformStatusCard } from "./PlatformStatusCard";
import { LimitHits, RecentRejected } from "./RecentProblems";
import { StatusCards } from "./StatusCards";
import { WorkspaceCards } from "./WorkspaceCards";
import "./overview.css";

/** Counts come from the registry; re-read them this often while the page is visible. */
const REFRESH_MS = 10_000;

/** Without a change in the counts, the map is re-read this many refreshes apart (a minute). */
const MAP_EVERY_TICKS = 6;

const countsKey = ({ devices: d, withLocation }: FleetSummary) => [d.total, d.online, d.offline, d.neverSeen, d.disabled, withLocation].join(",");

/** A number that grows every REFRESH_MS while the tab is visible (and at once when it becomes visible). */
function useRefreshTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const bump = () => document.visibilityState === "visible" && setTick((t) => t + 1);
    const timer = setInterval(bump, REFRESH_MS);
    document.addEventListener("visibilitychange", bump);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", bump);
    };
  }, []);
  return tick;
}

export function Overview({ view, role }: { view: TenantView | null; role: Role }) {
  const tick = useRefreshTick();
  const [summary, setSummary] = useState<FleetSummary | null>(null);
  const [located, setLocated] = useState<{ devices: LocatedDevice[]; complete: boolean } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [health, setHealth] = useState<FleetHealth | null>(null);
  const [live, setLive] = useState<HubStats | null>(null);
  const liveState = useLiveStatus();
  useEffect(() => subscribeStats(setLive), []);

  useEffect(() => {
    let current = true;
    overviewApi.summary().then(
      (s) => current && (setSummary(s), setError(null)),
      (err: Error) => current && setError(err),
    );
    overviewApi.health().then(
      (h) => current && setHealth(h),
      (err: Error) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [tick]);

  // The map pages through the devices, so it is re-read only when the counts move (a device came
  // online, was added, got a location…) and otherwise every MAP_EVERY_TICKS refreshes.
  const mapKey = summary ? `${countsKey(summary)}/${Math.floor(tick / MAP_EVERY_TICKS)}` : null;
  useEffect(() => {
    if (mapKey === null) return;
    let current = true;
    overviewApi.locatedDevices().then(
      (l) => current && setLocated(l),
      (err: Error) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [mapKey]);

  return (
    <section id="overview-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Overview
      </h1>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {!summary && !error && <p role="status">Loading…</p>}
      {summary && (
        <div class="overview-grid">
          <StatusCards devices={summary.devices} />
          {health && <HealthCard health={health} />}
          <LiveFigures live={live} liveState={liveState} apiConnectedClients={summary.connectedClients} />
          <PlatformStatusCard refreshKey={tick} />
          <section class="overview-map" aria-labelledby="map-heading">
            <h2 id="map-heading">Where the devices are</h2>
            {located ? <DeviceMap devices={located.devices} title={mapTitle(summary, located)} /> : <p role="status">Loading the map…</p>}
          </section>
          <div class="overview-panels">
            <RecentRejected refreshKey={tick} lastHour={summary.rejectedLastHour} />
            <LimitHits hits={summary.limitHitsThisMonth} role={role} refreshKey={tick} />
          </div>
        </div>
      )}
      {view && <WorkspaceCards view={view} deviceTotal={summary?.devices.total ?? view.deviceCount} />}
    </section>
  );
}

function mapTitle(summary: FleetSummary, located: { devices: LocatedDevice[]; complete: boolean }): string {
  const shown = located.devices.length;
  const of = summary.withLocation;
  if (shown < of) return `${shown} of the ${of} devices with a location (the first devices of the list)`;
  const total = summary.devices.total;
  return `${of} of ${total} ${total === 1 ? "device has" : "devices have"} a location`;
}
