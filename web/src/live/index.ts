/**
 * Live data for the console, over its one connection to the tenant's hub (connection.ts):
 * telemetry points as devices publish them, the hub's stats, and the connection's state.
 *
 *   const stop = subscribeTelemetry({ deviceIds: ["thermo-1"] }, (points) => …, (gap) => backfill(gap));
 *
 * After a reconnect `onGap` gets the window the connection may have missed; fetch it from
 * `GET /telemetry` and merge with `replaceWindow` (merge.ts) so the series has no hole and no
 * point twice.
 */
import { useEffect, useState } from "preact/hooks";
import { z } from "zod";
import { AlarmEvent } from "../../../domain/schemas/alarms";
import { Command } from "../../../domain/schemas/commands";
import { HealthEvent } from "../../../domain/schemas/health";
import { liveConnection, type Gap, type LiveStatus } from "./connection";
import { livePoints, type LivePoint } from "./telemetry-payload";

export type { Gap, LiveStatus } from "./connection";
export type { LivePoint } from "./telemetry-payload";

/** `$SYS/t/{tenant}/stats` as the hub publishes it (every 10 s while someone listens; retained). */
export const HubStats = z.object({
  ts: z.number(),
  connectedClients: z.number(),
  messagesInPerSecond: z.number(),
  messagesOutPerSecond: z.number(),
  messagesIn: z.number(),
  messagesOut: z.number(),
  droppedMessages: z.number(),
  framesDropped: z.number().optional(),
  deniedRequests: z.number(),
  preConnect: z.object({ waiting: z.number(), refused: z.number(), timedOut: z.number() }).optional(),
  limitHits: z.record(z.string(), z.number()).optional(),
});
export type HubStats = z.infer<typeof HubStats>;

/**
 * Telemetry of the listed devices (every device when none are listed), as points the platform
 * would store. Gateways report for their children on their own topic, so that one is always
 * followed and filtered here. Returns the unsubscribe.
 */
export function subscribeTelemetry(filter: { deviceIds?: string[] }, onPoints: (points: LivePoint[]) => void, onGap?: (gap: Gap) => void): () => void {
  const conn = liveConnection();
  const wanted = filter.deviceIds?.length ? new Set(filter.deviceIds) : null;
  const handler = (topic: string, payload: Uint8Array, receivedAt: number) => {
    const tenant = topic.split("/")[1] ?? "";
    const points = livePoints(tenant, topic, payload, receivedAt).filter((p) => !wanted || wanted.has(p.device));
    if (points.length > 0) onPoints(points);
  };
  const filters = wanted ? [...[...wanted].map((d) => `devices/${d}/telemetry`), "gateways/+/telemetry"] : ["devices/+/telemetry", "gateways/+/telemetry"];
  const stops = filters.map((f) => conn.subscribe(f, handler));
  if (onGap) stops.push(conn.onGap(onGap));
  return () => stops.forEach((stop) => stop());
}

export type LiveEvent = { device: string; receivedAt: number; payload: unknown };

/**
 * Device events (`t/{tenant}/devices/{id}/events`, any JSON) as they are published: the platform
 * meters them but keeps no series of them, so this is the only place a console sees them.
 */
export function subscribeEvents(filter: { deviceIds?: string[] }, onEvent: (e: LiveEvent) => void): () => void {
  const conn = liveConnection();
  const handler = (topic: string, payload: Uint8Array, receivedAt: number) => {
    const device = topic.split("/")[3] ?? "";
    try {
      onEvent({ device, receivedAt, payload: JSON.parse(new TextDecoder().decode(payload)) });
    } catch {
      // Not JSON: the pipeline rejects it (invalid_json), so it is no event.
    }
  };
  const filters = filter.deviceIds?.length ? filter.deviceIds.map((d) => `devices/${d}/events`) : ["devices/+/events"];
  const stops = filters.map((f) => conn.subscribe(f, handler));
  return () => stops.forEach((stop) => stop());
}

/**
 * State changes of one device's tracked commands: the hub publishes the whole command on
 * `devices/{id}/cmd/{commandId}/state` at every transition. Anything that is not a command is
 * ignored. After a reconnect `onGap` says changes may have been missed (re-read the list).
 */
export function subscribeCommandStates(deviceId: string, onCommand: (command: Command) => void, onGap?: (gap: Gap) => void): () => void {
  return subscribeParsed(`devices/${deviceId}/cmd/+/state`, Command, (c) => c.deviceId === deviceId, onCommand, onGap);
}

/**
 * Alarm changes (raised, acknowledged, cleared) as the platform publishes them on
 * `alarms/{device}`: of one device, or of every device when none is given. Anything that is not
 * an alarm event is ignored. After a reconnect `onGap` says changes may have been missed.
 */
export function subscribeAlarms(filter: { deviceId?: string }, onEvent: (event: AlarmEvent) => void, onGap?: (gap: Gap) => void): () => void {
  return subscribeParsed(`alarms/${filter.deviceId ?? "+"}`, AlarmEvent, (e) => !filter.deviceId || e.alarm.deviceId === filter.deviceId, onEvent, onGap);
}

/**
 * Devices' health as the hub publishes it, retained, on `health/{device}`: every device's
 * current state right after subscribing, then each change. Returns the unsubscribe.
 */
export function subscribeHealth(filter: { deviceId?: string }, onEvent: (event: HealthEvent) => void, onGap?: (gap: Gap) => void): () => void {
  return subscribeParsed(`health/${filter.deviceId ?? "+"}`, HealthEvent, (e) => !filter.deviceId || e.deviceId === filter.deviceId, onEvent, onGap);
}

/**
 * JSON messages on `filter` that parse as `schema` and pass `accept` (anything else is ignored:
 * application clients may publish on these topics too). After a reconnect `onGap` says messages
 * may have been missed.
 */
function subscribeParsed<T>(filter: string, schema: z.ZodType<T>, accept: (value: T) => boolean, onValue: (value: T) => void, onGap?: (gap: Gap) => void): () => void {
  const conn = liveConnection();
  const stops = [
    conn.subscribe(filter, (_topic, payload) => {
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(payload));
      } catch {
        return;
      }
      const parsed = schema.safeParse(json);
      if (parsed.success && accept(parsed.data)) onValue(parsed.data);
    }),
  ];
  if (onGap) stops.push(conn.onGap(onGap));
  return () => stops.forEach((stop) => stop());
}

/** The hub's stats as they are published. Returns the unsubscribe. */
export function subscribeStats(onStats: (s: HubStats) => void): () => void {
  return liveConnection().subscribe("$SYS/stats", (_topic, payload) => {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return;
    }
    const parsed = HubStats.safeParse(json);
    if (parsed.success) onStats(parsed.data);
  });
}

/** The connection's state, for a "live" / "reconnecting…" badge. */
export function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(() => liveConnection().status);
  useEffect(() => {
    setStatus(liveConnection().status);
    return liveConnection().onStatus(setStatus);
  }, []);
  return status;
}
