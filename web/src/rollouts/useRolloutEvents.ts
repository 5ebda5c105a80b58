/**
 * Rollout changes as the platform publishes them, retained, on `t/{tenant}/rollouts/{id}`, over
 * the console's one live connection: `onChange` runs (at most every half second) when one of the
 * rollouts concerned changes, and after a reconnect, when changes may have been missed. Polling
 * (usePolling) stays as the fallback for a connection that is down.
 */
import { useEffect, useRef } from "preact/hooks";
import { RolloutEvent } from "../../../domain/schemas/rollouts";
import { liveConnection } from "../live/connection";

const SETTLE_MS = 500;

export function useRolloutEvents(rolloutId: string | null, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    const conn = liveConnection();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      if (timer === undefined)
        timer = setTimeout(() => {
          timer = undefined;
          latest.current();
        }, SETTLE_MS);
    };
    const stops = [
      conn.subscribe(`rollouts/${rolloutId ?? "+"}`, (_topic, payload) => {
        let json: unknown;
        try {
          json = JSON.parse(new TextDecoder().decode(payload));
        } catch {
          return;
        }
        const event = RolloutEvent.safeParse(json);
        if (event.success && (rolloutId === null || event.data.rolloutId === rolloutId)) schedule();
      }),
      conn.onGap(schedule),
    ];
    return () => {
      clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, [rolloutId]);
}
