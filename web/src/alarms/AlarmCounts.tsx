/** Active alarms by severity and how many wait for someone, re-read whenever an alarm changes (never polled). */
import { useEffect, useState } from "preact/hooks";
import { ALARM_SEVERITIES, type AlarmCounts as Counts } from "../../../domain/schemas/alarms";
import { describe } from "../components/Field";
import { alarmsApi } from "./api";

export function AlarmCounts({ version }: { version: number }) {
  const [counts, setCounts] = useState<Counts | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let current = true;
    alarmsApi.counts().then(
      (c) => current && (setCounts(c), setError(null)),
      (err: Error) => current && setError(err),
    );
    return () => void (current = false);
  }, [version]);

  if (error) return <p class="error">{describe(error)}</p>;
  return (
    <dl class="stats alarm-counts" id="alarm-counts" aria-busy={counts ? "false" : "true"}>
      <div class="card" data-count="active">
        <dt>Active</dt>
        <dd>{counts?.active ?? "…"}</dd>
      </div>
      <div class="card" data-count="unacknowledged">
        <dt>Unacknowledged</dt>
        <dd>{counts?.unacknowledged ?? "…"}</dd>
      </div>
      {ALARM_SEVERITIES.map((s) => (
        <div class={`card severity-card severity-${s}`} data-count={s} key={s}>
          <dt>Active {s}</dt>
          <dd>{counts ? (counts.bySeverity[s] ?? 0) : "…"}</dd>
        </div>
      ))}
    </dl>
  );
}
