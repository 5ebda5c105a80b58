/**
 * Read models for the console's Fleet overview and dashboards: the fleet summary and the latest
 * values of many devices at once.
 */
import { z } from "zod";
import { DeviceId } from "../ids";
import { TelemetryValue } from "../telemetry/points";

/** Most devices `GET /telemetry/latest` answers for in one call. */
export const MAX_LATEST_DEVICES = 100;

export const FleetSummary = z.object({
  devices: z.object({
    total: z.number().int(),
    online: z.number().int().describe("status online"),
    offline: z.number().int().describe("status offline (connected before, not now)"),
    neverSeen: z.number().int().describe("status provisioned: never connected. online + offline + neverSeen = total"),
    disabled: z.number().int().describe("disabled devices, whatever their status (overlaps the three above)"),
    byType: z.object({ device: z.number().int(), gateway: z.number().int() }),
    byKind: z.object({ INTERNAL: z.number().int(), INTEGRATION: z.number().int(), EXTERNAL: z.number().int() }),
  }),
  withLocation: z.number().int().describe("devices with a location (lat and lon)"),
  rejectedLastHour: z.number().int().describe("rejected messages received in the last hour, from the rejected-messages log (which keeps the newest 1000)"),
  limitHitsThisMonth: z.record(z.string(), z.number()).describe("plan limits hit this month (UTC), by limit"),
  connectedClients: z.number().int().nullable().describe("MQTT clients connected to the tenant's hub now (devices and applications); null when the hub did not answer"),
});
export type FleetSummary = z.infer<typeof FleetSummary>;

const LatestValue = z.object({ ts: z.number(), value: TelemetryValue });
export const DeviceLatest = z.object({ device: DeviceId, values: z.record(z.string(), LatestValue) });
export type DeviceLatest = z.infer<typeof DeviceLatest>;
export const LatestValues = z.object({ items: z.array(DeviceLatest).describe("one entry per requested device of this tenant, in the order asked; unknown devices are absent") });
