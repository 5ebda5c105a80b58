/**
 * New readings of one device while its page is open, from the console's live connection to the
 * tenant's hub (web/src/live): each telemetry message the device (or its gateway for it)
 * publishes arrives as points, without polling. After a reconnect `onGap` gets the window the
 * connection may have missed, for the page to read again from the API.
 */
import { useEffect } from "preact/hooks";
import { subscribeTelemetry, useLiveStatus, type Gap, type LiveStatus } from "../live";

export type Reading = { metric: string; ts: number; value: string | number | boolean };

const STATUS_TEXT: Record<LiveStatus, string> = {
  idle: "Live updates are off.",
  connecting: "Connecting for live updates…",
  live: "Live: new readings appear as they arrive.",
  reconnecting: "Reconnecting for live updates…",
};

export function useLiveReadings(deviceId: string, onReadings: (readings: Reading[]) => void, onGap?: (gap: Gap) => void): string {
  const status = useLiveStatus();
  useEffect(() => subscribeTelemetry({ deviceIds: [deviceId] }, (points) => onReadings(points.filter((p) => p.device === deviceId).map((p) => ({ metric: p.metric, ts: p.ts, value: p.value }))), onGap), [deviceId, onReadings, onGap]);
  return STATUS_TEXT[status];
}
