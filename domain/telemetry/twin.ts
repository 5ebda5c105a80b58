/**
 * The device twin: what the device reports (its client attributes), what the platform wants
 * (desired, a.k.a. shared attributes) and the delta between them: the desired keys whose value
 * the device does not report (yet).
 */
import { z } from "zod";
import { Attributes } from "../schemas/common";

const MAX_DESIRED_BYTES = 32 * 1024;

/** A desired-attributes document (PUT) or merge patch (PATCH, RFC 7396: null removes a key). */
export const DesiredAttributes = Attributes.refine((a) => Object.keys(a).length <= 200, "at most 200 attributes").refine((a) => JSON.stringify(a).length <= MAX_DESIRED_BYTES, `desired attributes are limited to ${MAX_DESIRED_BYTES} bytes`);

export const DeviceTwin = z.object({
  device: z.string(),
  reported: Attributes,
  desired: Attributes,
  /** Desired keys whose reported value differs or is missing. */
  delta: Attributes,
});
export type DeviceTwin = z.infer<typeof DeviceTwin>;

/** JSON with object keys sorted, so equal documents compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function twinDelta(reported: Record<string, unknown>, desired: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(desired).filter(([k, v]) => !(k in reported) || canonical(reported[k]) !== canonical(v)));
}

export function deviceTwin(device: { id: string; clientAttributes: Record<string, unknown>; sharedAttributes: Record<string, unknown> }): DeviceTwin {
  return { device: device.id, reported: device.clientAttributes, desired: device.sharedAttributes, delta: twinDelta(device.clientAttributes, device.sharedAttributes) };
}
