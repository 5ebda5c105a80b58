/**
 * Re-reads every few seconds while `active` (a rollout running) and the tab is visible: rollout
 * figures change as devices report, and a few seconds' delay is fine for watching waves.
 */
import { useEffect, useRef } from "preact/hooks";

export const POLL_MS = 3000;

export function usePolling(read: () => Promise<void>, active: boolean): void {
  const latest = useRef(read);
  latest.current = read;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState === "visible") await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active]);
}
