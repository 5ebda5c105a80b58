/** The device map widget: the located devices of its filter (or the dashboard's), offline SVG. */
import type { Widget } from "../../../../domain/schemas/dashboards";
import { DeviceMap } from "../../map/DeviceMap";
import { selectDevices, type WidgetEnv } from "./env";

export function DeviceMapView({ widget, env, height }: { widget: Extract<Widget, { type: "map" }>; env: WidgetEnv; height: number }) {
  if (!env.devices) return <p class="muted">Loading…</p>;
  const located = selectDevices(env.devices, widget.filter ?? env.filter).flatMap((d) => (d.location ? [{ id: d.id, name: d.name, lat: d.location.lat, lon: d.location.lon, status: d.disabled ? "disabled" : d.status }] : []));
  return <DeviceMap devices={located} height={height} title={widget.title ?? "Device map"} />;
}
