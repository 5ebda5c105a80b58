/**
 * "Platform status" on the overview (GET /api/v1/status): whether the tenant's MQTT hub answers,
 * how far behind the telemetry pipeline is, and what it could not deliver. Re-read with the rest
 * of the overview; a failed read says so in the card and leaves the rest of the page alone.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { TenantStatus } from "../../../domain/schemas/status";
import { describe } from "../components/Field";
import { relative } from "../health/words";
import { linkHandler } from "../router";
import { overviewApi } from "./api";
import "./platform-status.css";

const DEPENDENCY_WORDS: Record<TenantStatus["degraded"][number], string> = { hub: "the MQTT hub", "hot-store": "the telemetry store" };

function lagWords(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function Row({ term, id, children }: { term: string; id: string; children: ComponentChildren }) {
  return (
    <div class="platform-status-row">
      <dt>{term}</dt>
      <dd id={id}>{children}</dd>
    </div>
  );
}

export function PlatformStatusCard({ refreshKey }: { refreshKey: number }) {
  const [status, setStatus] = useState<TenantStatus | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let current = true;
    overviewApi.status().then(
      (s) => current && (setStatus(s), setError(null)),
      (err: Error) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [refreshKey]);

  const healthy = status !== null && status.degraded.length === 0;
  return (
    <section aria-labelledby="platform-status-heading" id="platform-status" class="platform-status">
      <h2 id="platform-status-heading">Platform status</h2>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {!status && !error && <p role="status">Checking…</p>}
      {status && (
        <>
          <p id="platform-status-summary" class={healthy ? "platform-status-ok" : "platform-status-degraded"} role="status">
            <span aria-hidden="true">{healthy ? "●" : "▲"} </span>
            {healthy ? "Everything answers." : `Not answering: ${status.degraded.map((d) => DEPENDENCY_WORDS[d]).join(" and ")}.`}
          </p>
          <dl class="platform-status-list">
            <Row term="MQTT hub" id="platform-status-hub">
              {status.hub.reachable ? `Reachable · ${status.hub.connectedClients} ${status.hub.connectedClients === 1 ? "client" : "clients"} connected` : "Not answering"}
            </Row>
            <Row term="Telemetry pipeline" id="platform-status-pipeline">
              {status.queue.lastConsumerRun === null
                ? "No message processed yet"
                : `Last run ${relative(Date.parse(status.queue.lastConsumerRun))}: ${status.queue.lastRunMessages} ${status.queue.lastRunMessages === 1 ? "message" : "messages"}, queue lag ${lagWords(status.queue.lastRunLagMs ?? 0)}`}
            </Row>
            <Row term="Rejected (last hour)" id="platform-status-rejected">
              {status.rejectedLastHour === null ? (
                "Unknown"
              ) : (
                <a href="/rejected" onClick={linkHandler("/rejected")}>
                  {status.rejectedLastHour}
                </a>
              )}
            </Row>
            <Row term="Dead letters" id="platform-status-dead-letters">
              <a href="/dead-letters" onClick={linkHandler("/dead-letters")}>
                {status.deadLetters.count}
              </a>
              {status.deadLetters.oldestAt && <span class="muted"> (oldest {relative(Date.parse(status.deadLetters.oldestAt))})</span>}
            </Row>
          </dl>
        </>
      )}
    </section>
  );
}
