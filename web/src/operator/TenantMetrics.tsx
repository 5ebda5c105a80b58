/**
 * Live tenant metrics on the operator console (GET /api/v1/admin/metrics): connections, message
 * and error rates measured over a second, queue lag, rejections and dead letters, noisiest (or
 * broken) first. Measured when the page opens and when asked: each measurement samples every
 * listed tenant's hub twice, so it is not polled.
 */
import { useEffect, useState } from "preact/hooks";
import { METRICS_SORT, type OperatorMetrics, type TenantMetrics as Metrics } from "../../../domain/schemas/operator-metrics";
import { describe } from "../components/Field";
import { linkHandler } from "../router";
import { operatorApi } from "./api";
import { num } from "./format";
import "./tenant-metrics.css";

type Sort = (typeof METRICS_SORT)[number];
const SORT_LABEL: Record<Sort, string> = { messages: "messages per second", errors: "errors per second", lag: "queue lag", connections: "connections" };

const rate = (n: number | undefined) => (n === undefined ? "—" : n.toFixed(n < 10 ? 2 : 0));
const errorsPerSecond = (m: Metrics) => (m.hub ? m.hub.deniedPerSecond + m.hub.limitHitsPerSecond + m.hub.droppedPerSecond : undefined);
const lag = (ms: number | null) => (ms === null ? "—" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export function TenantMetrics() {
  const [sort, setSort] = useState<Sort>("messages");
  const [measure, setMeasure] = useState(0);
  const [metrics, setMetrics] = useState<OperatorMetrics | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let live = true;
    setBusy(true);
    operatorApi
      .metrics({ sort })
      .then(
        (m) => live && (setMetrics(m), setError(null)),
        (err: Error) => live && setError(err),
      )
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [sort, measure]);

  return (
    <section id="operator-metrics" aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">Live tenant metrics</h2>
      <div class="operator-filter">
        <div class="field">
          <label for="metrics-sort">Noisiest first by</label>
          <select id="metrics-sort" value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as Sort)}>
            {METRICS_SORT.map((s) => (
              <option key={s} value={s}>
                {SORT_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="button" id="metrics-measure" onClick={() => setMeasure((n) => n + 1)} disabled={busy}>
          {busy ? "Measuring…" : "Measure again"}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      <p class="muted" role="status" id="metrics-note">
        {busy ? "Measuring every active tenant's hub for a second…" : metrics ? `Measured over ${metrics.windowMs / 1000} s at ${new Date(metrics.measuredAt).toLocaleTimeString()}; rates are per second.` : ""}
      </p>
      {metrics && (
        <div class="metrics-scroll" tabIndex={0} role="region" aria-labelledby="metrics-heading">
          <table id="metrics-table">
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Connections</th>
                <th scope="col">Messages in/s</th>
                <th scope="col">Messages out/s</th>
                <th scope="col">Errors/s</th>
                <th scope="col">Queue lag</th>
                <th scope="col">Rejected (1 h)</th>
                <th scope="col">Dead letters</th>
              </tr>
            </thead>
            <tbody>
              {metrics.items.length === 0 && (
                <tr>
                  <td colSpan={8}>No active tenant.</td>
                </tr>
              )}
              {metrics.items.map((m) => {
                const href = `/operator/tenants/${encodeURIComponent(m.tenant.id)}`;
                return (
                  <tr key={m.tenant.id} data-tenant={m.tenant.id} class={m.degraded.length ? "metrics-degraded" : undefined}>
                    <th scope="row">
                      <a href={href} onClick={linkHandler(href)}>
                        {m.tenant.name}
                      </a>{" "}
                      <span class="muted">{m.tenant.id}</span>
                      {m.degraded.length > 0 && <span class="metrics-degraded-note"> not answering: {m.degraded.join(", ")}</span>}
                    </th>
                    <td data-metric="connections">{m.hub ? num(m.hub.connectedClients) : "—"}</td>
                    <td data-metric="messages-in">{rate(m.hub?.messagesInPerSecond)}</td>
                    <td data-metric="messages-out">{rate(m.hub?.messagesOutPerSecond)}</td>
                    <td data-metric="errors">{rate(errorsPerSecond(m))}</td>
                    <td data-metric="lag">{lag(m.pipeline.lagMs)}</td>
                    <td data-metric="rejected">{m.pipeline.rejectedLastHour === null ? "—" : num(m.pipeline.rejectedLastHour)}</td>
                    <td data-metric="dead-letters">{num(m.pipeline.deadLetters)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
