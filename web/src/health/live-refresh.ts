/**
 * Re-reads a device's health when something live says it may have changed: its health topic
 * (the hub publishes each change there, retained), a heartbeat, any other message from it (lastHeardAt), or a
 * reconnect of the console's connection. Bursts are folded into one read, at most one every
 * MIN_GAP_MS, so a chatty device does not turn the page into a polling loop.
 */
import { useEffect, useRef } from "preact/hooks";
import { subscribeHealth } from "../live";
import { liveConnection } from "../live/connection";

const FOLD_MS = 300;
const MIN_GAP_MS = 2000;

export function useLiveHealthTrigger(deviceId: string, reread: () => void): void {
  const latest = useRef(reread);
  latest.current = reread;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastRun = 0;
    const schedule = () => {
      if (timer !== undefined) return;
      const wait = Math.max(FOLD_MS, lastRun + MIN_GAP_MS - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        lastRun = Date.now();
        latest.current();
      }, wait);
    };
    const conn = liveConnection();
    // Any message from the device moves lastHeardAt (and may end "silent"), whatever its payload.
    const stops = [`devices/${deviceId}/heartbeat`, `devices/${deviceId}/telemetry`, `devices/${deviceId}/events`].map((f) => conn.subscribe(f, schedule));
    stops.push(subscribeHealth({ deviceId }, schedule, schedule));
    return () => {
      clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, [deviceId]);
}
