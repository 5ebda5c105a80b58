/**
 * The arithmetic behind DeviceMap: an equirectangular projection fitted to a set of points, and a
 * graticule whose step suits the span on screen. Pure functions, so the map needs no tile server.
 */

export type LatLon = { lat: number; lon: number };
type Bounds = { south: number; north: number; west: number; east: number };
export type Projection = {
  bounds: Bounds;
  /** Screen x, y (in the map's viewBox units) of a point. */
  project: (p: LatLon) => { x: number; y: number };
};

/** A lone device, or devices on one spot, still get this much map around them (about 2 km). */
const MIN_SPAN_DEGREES = 0.02;
const PADDING = 0.15;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Fits the points into width × height with padding. Longitudes are scaled by the cosine of the
 * middle latitude, so a city block looks like one instead of being stretched east–west.
 */
export function fitProjection(points: LatLon[], width: number, height: number): Projection {
  let south = Math.min(...points.map((p) => p.lat));
  let north = Math.max(...points.map((p) => p.lat));
  let west = Math.min(...points.map((p) => p.lon));
  let east = Math.max(...points.map((p) => p.lon));
  const midLat = (south + north) / 2;
  const xScale = Math.max(Math.cos((midLat * Math.PI) / 180), 0.05);

  // Padded spans in screen-proportional units (degrees of latitude).
  let spanX = Math.max((east - west) * xScale, MIN_SPAN_DEGREES) * (1 + 2 * PADDING);
  let spanY = Math.max(north - south, MIN_SPAN_DEGREES) * (1 + 2 * PADDING);
  // Widen the narrower axis so the view has the map's own aspect ratio (no distortion).
  if (spanX / spanY < width / height) spanX = (spanY * width) / height;
  else spanY = (spanX * height) / width;

  const centreLon = (west + east) / 2;
  const centreLat = midLat;
  west = centreLon - spanX / xScale / 2;
  east = centreLon + spanX / xScale / 2;
  south = centreLat - spanY / 2;
  north = centreLat + spanY / 2;
  const unitsPerDegree = width / spanX;

  return {
    bounds: { south: clamp(south, -90, 90), north: clamp(north, -90, 90), west: clamp(west, -180, 180), east: clamp(east, -180, 180) },
    project: ({ lat, lon }) => ({
      x: (lon - centreLon) * xScale * unitsPerDegree + width / 2,
      y: (centreLat - lat) * unitsPerDegree + height / 2,
    }),
  };
}

/** Steps of 10° and more divide the globe evenly, as atlases draw them. */
const WIDE_STEPS = [10, 15, 30, 45, 90];

/** A round step (1, 2 or 5 × 10ⁿ degrees; from 10° on, a divisor of 90°) giving about `lines` lines over the span. */
export function graticuleStep(spanDegrees: number, lines = 5): number {
  const raw = Math.max(spanDegrees, 1e-6) / lines;
  if (raw > 5) return WIDE_STEPS.find((s) => s >= raw) ?? 90;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
}

/** The multiples of step within [from, to]. */
export function ticks(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(from / step) * step; v <= to + step * 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

/** "12.5°N", "3°W": a graticule label with as many decimals as the step needs. */
export function degreeLabel(value: number, axis: "lat" | "lon", step: number): string {
  const decimals = Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9)));
  const hemisphere = value === 0 ? "" : axis === "lat" ? (value > 0 ? "N" : "S") : value > 0 ? "E" : "W";
  return `${Math.abs(value).toFixed(decimals)}°${hemisphere}`;
}
