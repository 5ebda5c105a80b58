/**
 * The console's offline device map, the arithmetic that needs no browser: the projection fits
 * every device inside the map with padding and without stretching one axis, a lone device still
 * gets a view around it, and the graticule's steps and labels read like an atlas's.
 */
import { describe, expect, it } from "vitest";
import { degreeLabel, fitProjection, graticuleStep, ticks } from "../../web/src/map/projection";

const W = 800;
const H = 360;

describe("console map: projection", () => {
  it("puts every point inside the map, away from its edges", () => {
    const points = [
      { lat: 52.52, lon: 13.405 },
      { lat: 52.45, lon: 13.5 },
      { lat: 52.55, lon: 13.2 },
    ];
    const { project } = fitProjection(points, W, H);
    for (const p of points) {
      const { x, y } = project(p);
      expect(x).toBeGreaterThan(W * 0.05);
      expect(x).toBeLessThan(W * 0.95);
      expect(y).toBeGreaterThan(H * 0.05);
      expect(y).toBeLessThan(H * 0.95);
    }
    // North is up, east is right.
    expect(project({ lat: 52.55, lon: 13.3 }).y).toBeLessThan(project({ lat: 52.45, lon: 13.3 }).y);
    expect(project({ lat: 52.5, lon: 13.5 }).x).toBeGreaterThan(project({ lat: 52.5, lon: 13.2 }).x);
  });

  it("keeps the ground's proportions: a degree of longitude is cos(latitude) of a degree of latitude", () => {
    const { project } = fitProjection(
      [
        { lat: 60, lon: 10 },
        { lat: 60.1, lon: 10.2 },
      ],
      W,
      H,
    );
    const origin = project({ lat: 60, lon: 10 });
    const east = project({ lat: 60, lon: 10.1 });
    const north = project({ lat: 60.1, lon: 10 });
    const ratio = (east.x - origin.x) / (origin.y - north.y);
    expect(ratio).toBeCloseTo(Math.cos((60.05 * Math.PI) / 180), 3);
  });

  it("gives a lone device (or several on one spot) a view around it, centred", () => {
    const { bounds, project } = fitProjection([{ lat: -33.86, lon: 151.21 }], W, H);
    expect(project({ lat: -33.86, lon: 151.21 })).toEqual({ x: W / 2, y: H / 2 });
    expect(bounds.north - bounds.south).toBeGreaterThan(0.02);
    expect(bounds.north).toBeGreaterThan(-33.86);
    expect(bounds.south).toBeLessThan(-33.86);
  });

  it("never reports bounds beyond the globe", () => {
    const { bounds } = fitProjection(
      [
        { lat: 80, lon: -170 },
        { lat: -80, lon: 170 },
      ],
      W,
      H,
    );
    expect(bounds.north).toBeLessThanOrEqual(90);
    expect(bounds.south).toBeGreaterThanOrEqual(-90);
    expect(bounds.west).toBeGreaterThanOrEqual(-180);
    expect(bounds.east).toBeLessThanOrEqual(180);
  });
});

describe("console map: graticule", () => {
  it("steps are 1, 2 or 5 × 10ⁿ degrees, and divide 90° from 10° on", () => {
    expect(graticuleStep(0.1, 5)).toBe(0.02);
    expect(graticuleStep(0.3, 5)).toBe(0.1);
    expect(graticuleStep(7, 5)).toBe(2);
    expect(graticuleStep(60, 5)).toBe(15);
    expect(graticuleStep(360, 5)).toBe(90);
    expect(graticuleStep(0, 5)).toBeGreaterThan(0);
  });

  it("ticks are the step's multiples inside the range, without floating-point crumbs", () => {
    expect(ticks(13.17, 13.63, 0.1)).toEqual([13.2, 13.3, 13.4, 13.5, 13.6]);
    expect(ticks(-20, 20, 10)).toEqual([-20, -10, 0, 10, 20]);
  });

  it("labels name the hemisphere and carry the decimals the step needs", () => {
    expect(degreeLabel(52.5, "lat", 0.5)).toBe("52.5°N");
    expect(degreeLabel(-33.86, "lat", 0.01)).toBe("33.86°S");
    expect(degreeLabel(-3, "lon", 1)).toBe("3°W");
    expect(degreeLabel(0, "lon", 45)).toBe("0°");
  });
});
