/**
 * The device table widget: one row per device of its filter (or the dashboard's) with the chosen
 * columns (status, last seen) and the chosen metrics' latest values, kept current live: a reading
 * also means the device was just seen.
 */
import type { Widget } from "../../../../domain/schemas/dashboards";
import { formatValue } from "../../charts/format";
import { describe } from "../../components/Field";
import { linkHandler } from "../../router";
import { useLatest } from "../useLatest";
import { selectDevices, type WidgetEnv } from "./env";

const show = (v: { value: unknown } | undefined) => (v === undefined ? "—" : typeof v.value === "number" ? formatValue(v.value) : String(v.value));

export function DeviceTableView({ widget, env }: { widget: Extract<Widget, { type: "table" }>; env: WidgetEnv }) {
  const rows = env.devices ? selectDevices(env.devices, widget.filter ?? env.filter).slice(0, 100) : [];
  const metrics = widget.metrics === "all" ? [] : widget.metrics;
  const { latest, error } = useLatest(
    rows.map((d) => d.id),
    metrics,
  );
  // "all": every metric any shown device reports, in a stable order.
  const columns = widget.metrics === "all" ? [...new Set(rows.flatMap((d) => Object.keys(latest[d.id] ?? {})))].sort() : metrics;
  if (!env.devices) return <p class="muted">Loading…</p>;
  return (
    <div class="table-wrap device-table-wrap">
      {error && <p class="error">{describe(error)}</p>}
      <table>
        <caption class="visually-hidden">{widget.title ?? "Devices"}</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            {widget.columns.includes("status") && <th scope="col">Status</th>}
            {widget.columns.includes("lastSeen") && <th scope="col">Last seen</th>}
            {columns.map((m) => (
              <th scope="col" key={m}>
                {m}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={3 + columns.length}>No devices match.</td>
            </tr>
          )}
          {rows.map((d) => {
            const values = latest[d.id] ?? {};
            const newest = Math.max(d.lastSeenAt ?? 0, ...Object.values(values).map((v) => v.ts));
            const seenLive = newest > (d.lastSeenAt ?? 0) && newest > Date.now() - 120_000;
            const status = d.disabled ? "disabled" : seenLive ? "online" : d.status;
            return (
              <tr key={d.id} data-device={d.id}>
                <th scope="row">
                  <a href={`/devices/${encodeURIComponent(d.id)}`} onClick={linkHandler(`/devices/${encodeURIComponent(d.id)}`)}>
                    {d.name || d.id}
                  </a>
                </th>
                {widget.columns.includes("status") && (
                  <td data-label="Status">
                    <span class={`status status-${status}`}>{status}</span>
                  </td>
                )}
                {widget.columns.includes("lastSeen") && <td data-label="Last seen">{newest ? new Date(newest).toLocaleString() : "never"}</td>}
                {columns.map((m) => (
                  <td key={m} data-label={m} data-metric={m}>
                    {show(values[m])}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
