/**
 * A map of devices that works offline: an SVG with an equirectangular graticule fitted to the
 * devices' bounds, one marker per device coloured (and shaped) by status. No tile server or CDN —
 * the console's CSP allows neither, and a fleet map should work on an air-gapped site too.
 * Markers are links to the device's page: focusable by keyboard, named by the device.
 */
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { linkHandler } from "../router";
import { degreeLabel, fitProjection, graticuleStep, ticks } from "./projection";
import "./map.css";

type MapDevice = { id: string; name?: string | null; lat: number; lon: number; status?: string };

type Props = { devices: MapDevice[]; height?: number; title: string };

/** viewBox width; the SVG scales to its container, the height prop sets the aspect ratio. */
const WIDTH = 800;
const MARKER_RADIUS = 7;
/** Up to this many devices, names are written next to their markers. */
const LABELLED_MAX = 12;

const STATUS_LABELS: Record<string, string> = { online: "online", offline: "offline", provisioned: "never seen", disabled: "disabled", unknown: "status unknown" };
/** The status as the map knows it; anything else is drawn (and named) as unknown. */
const statusKey = (status: string | undefined) => (status && status in STATUS_LABELS ? status : "unknown");
const statusLabel = (status: string | undefined) => STATUS_LABELS[statusKey(status)]!;

const placeable = (d: MapDevice) => Number.isFinite(d.lat) && Number.isFinite(d.lon) && Math.abs(d.lat) <= 90 && Math.abs(d.lon) <= 180;

export function DeviceMap({ devices, height = 360, title }: Props) {
  const titleId = `map-title-${useId()}`;
  const shown = devices.filter(placeable);
  return (
    <figure class="device-map" aria-labelledby={titleId}>
      <figcaption id={titleId} class="device-map-title">
        {title}
      </figcaption>
      {shown.length === 0 ? <p class="device-map-empty muted">No devices with a location.</p> : <MapSvg devices={shown} height={height} titleId={titleId} />}
      {shown.length > 0 && <Legend devices={shown} />}
    </figure>
  );
}

/**
 * viewBox units per screen pixel. The SVG scales with its container, so text and markers are
 * sized in these units to stay readable (and easy to hit) at any width, a phone's included.
 */
function useUnitsPerPixel(ref: { current: SVGSVGElement | null }): number {
  const [k, setK] = useState(1);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const width = el.getBoundingClientRect().width;
      if (width > 0) setK(Math.min(3, Math.max(0.6, WIDTH / width)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return k;
}

function MapSvg({ devices, height, titleId }: { devices: MapDevice[]; height: number; titleId: string }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const k = useUnitsPerPixel(svgRef);
  const r = MARKER_RADIUS * k;
  const { bounds, project } = fitProjection(devices, WIDTH, height);
  // About one line per 100 screen pixels, so labels never crowd on a phone.
  const latStep = graticuleStep(bounds.north - bounds.south, Math.max(2, Math.round(height / k / 100)));
  const lonStep = graticuleStep(bounds.east - bounds.west, Math.max(2, Math.round(WIDTH / k / 100)));
  const latLines = ticks(bounds.south, bounds.north, latStep);
  const lonLines = ticks(bounds.west, bounds.east, lonStep);
  const top = project({ lat: bounds.north, lon: bounds.west });
  const bottom = project({ lat: bounds.south, lon: bounds.east });
  // Draw online devices last so they sit on top where markers overlap.
  const order = [...devices].sort((a, b) => Number(a.status === "online") - Number(b.status === "online"));
  const labelled = devices.length <= LABELLED_MAX;

  return (
    <svg ref={svgRef} class="device-map-svg" viewBox={`0 0 ${WIDTH} ${height}`} preserveAspectRatio="xMidYMid meet" role="group" aria-labelledby={titleId}>
      <rect class="map-water" x={0} y={0} width={WIDTH} height={height} />
      <g class="graticule" aria-hidden="true">
        {latLines.map((lat) => {
          const { y } = project({ lat, lon: bounds.west });
          return (
            <g key={`lat${lat}`}>
              <line x1={top.x} x2={bottom.x} y1={y} y2={y} />
              {y > 16 * k && y < height - 20 * k && (
                <text x={4 * k} y={y - 4 * k} font-size={12 * k}>
                  {degreeLabel(lat, "lat", latStep)}
                </text>
              )}
            </g>
          );
        })}
        {lonLines.map((lon) => {
          const { x } = project({ lat: bounds.north, lon });
          return (
            <g key={`lon${lon}`}>
              <line x1={x} x2={x} y1={top.y} y2={bottom.y} />
              {/* A label that would run off the right edge is left out. */}
              {x < WIDTH - 48 * k && (
                <text x={x + 4 * k} y={height - 6 * k} font-size={12 * k}>
                  {degreeLabel(lon, "lon", lonStep)}
                </text>
              )}
            </g>
          );
        })}
      </g>
      <g class="markers">
        {order.map((d) => {
          const { x, y } = project(d);
          const name = d.name || d.id;
          const href = `/devices/${encodeURIComponent(d.id)}`;
          return (
            <a key={d.id} href={href} class={`marker marker-${statusKey(d.status)}`} aria-label={`${name}, ${statusLabel(d.status)}`} data-device={d.id} onClick={linkHandler(href)}>
              <title>{`${name} (${statusLabel(d.status)}) — ${d.lat.toFixed(5)}, ${d.lon.toFixed(5)}`}</title>
              {/* A larger transparent disc makes the marker easy to hit with a finger. */}
              <circle class="marker-hit" cx={x} cy={y} r={r * 2} />
              <circle class="marker-dot" cx={x} cy={y} r={r} />
              {labelled && (
                <text class="marker-label" x={x + r + 4 * k} y={y + 4 * k} font-size={13 * k} stroke-width={3 * k} aria-hidden="true">
                  {name}
                </text>
              )}
            </a>
          );
        })}
      </g>
    </svg>
  );
}

function Legend({ devices }: { devices: MapDevice[] }) {
  const counts = new Map<string, number>();
  for (const d of devices) counts.set(statusKey(d.status), (counts.get(statusKey(d.status)) ?? 0) + 1);
  return (
    <ul class="device-map-legend" aria-label="Legend">
      {[...counts].map(([key, n]) => (
        <li key={key}>
          <svg class={`legend-swatch marker-${key}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <circle class="marker-dot" cx={8} cy={8} r={6} />
          </svg>
          {STATUS_LABELS[key]}: {n}
        </li>
      ))}
    </ul>
  );
}
