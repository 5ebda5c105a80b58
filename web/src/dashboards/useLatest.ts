/**
 * The newest value per device and metric: read once from `GET /telemetry/latest`, then kept
 * current from the live feed (a value replaces the shown one only if it is not older), and read
 * again after a reconnect. Value cards, gauges and device tables share it.
 */
import { useEffect, useState } from "preact/hooks";
import { subscribeTelemetry } from "../live";
import { telemetryApi } from "./api";

type Latest = { ts: number; value: number | string | boolean };
/** device → metric → newest value. */
export type LatestTable = Record<string, Record<string, Latest>>;

function merge(prev: LatestTable, device: string, metric: string, v: Latest): LatestTable {
  const current = prev[device]?.[metric];
  if (current && current.ts > v.ts) return prev;
  return { ...prev, [device]: { ...prev[device], [metric]: v } };
}

/** `metrics` empty: every metric the devices report. */
export function useLatest(devices: string[], metrics: string[]): { latest: LatestTable; loading: boolean; error: Error | null } {
  const [latest, setLatest] = useState<LatestTable>({});
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const key = `${devices.join(",")}|${metrics.join(",")}`;

  useEffect(() => {
    if (devices.length === 0) {
      setLatest({});
      setLoading(false);
      return;
    }
    let active = true;
    const wantedMetrics = metrics.length > 0 ? new Set(metrics) : null;
    const load = () =>
      telemetryApi.latest(devices.slice(0, 100), metrics).then(
        (answer) => {
          if (!active) return;
          setLatest((prev) => {
            let next = prev;
            for (const item of answer.items) for (const [metric, v] of Object.entries(item.values)) next = merge(next, item.device, metric, v);
            return next;
          });
          setError(null);
          setLoading(false);
        },
        (err: Error) => active && (setError(err), setLoading(false)),
      );
    setLatest({});
    setLoading(true);
    void load();
    const stop = subscribeTelemetry(
      { deviceIds: devices },
      (points) =>
        setLatest((prev) => {
          let next = prev;
          for (const p of points) if (!wantedMetrics || wantedMetrics.has(p.metric)) next = merge(next, p.device, p.metric, { ts: p.ts, value: p.value });
          return next;
        }),
      () => void load(),
    );
    return () => {
      active = false;
      stop();
    };
  }, [key]);

  return { latest, loading, error };
}
