/**
 * What went wrong lately: the newest rejected messages (why data is missing) and the plan limits
 * hit this month. Admins also see the newest `limit.hit` events of the audit log (who hit what).
 */
import { useEffect, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { AuditEntry } from "../../../domain/schemas/identity";
import type { RejectedMessage } from "../../../domain/telemetry/rejections";
import { describe } from "../components/Field";
import { can } from "../roles";
import { linkHandler } from "../router";
import { overviewApi } from "./api";

const RECENT = 5;
const time = (ms: number) => new Date(ms).toLocaleString();

export function RecentRejected({ refreshKey, lastHour }: { refreshKey: number; lastHour: number }) {
  const [items, setItems] = useState<RejectedMessage[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let live = true;
    overviewApi.rejected(RECENT).then(
      (page) => live && (setItems(page.items), setError(null)),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [refreshKey]);

  return (
    <section class="card overview-panel" aria-labelledby="rejected-heading">
      <h2 id="rejected-heading">Recent rejected messages</h2>
      <p class="muted" id="rejected-last-hour">
        {lastHour} in the last hour
      </p>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {items === null && !error && <p role="status">Loading…</p>}
      {items?.length === 0 && <p class="muted">No rejected messages. Everything devices sent was stored.</p>}
      {items && items.length > 0 && (
        <ul class="event-list" id="recent-rejected">
          {items.map((m) => (
            <li key={m.msgId}>
              <span class="event-what">
                <code>{m.reason}</code>{" "}
                {m.device ? (
                  <>
                    from <code>{m.device}</code>
                  </>
                ) : (
                  <span class="muted">(no device)</span>
                )}
              </span>
              <span class="event-detail">{m.detail}</span>
              <time class="muted" dateTime={new Date(m.receivedAt).toISOString()}>
                {time(m.receivedAt)}
              </time>
            </li>
          ))}
        </ul>
      )}
      <p class="panel-link">
        <a href="/rejected" onClick={linkHandler("/rejected")}>
          All rejected messages
        </a>
      </p>
    </section>
  );
}

export function LimitHits({ hits, role, refreshKey }: { hits: Record<string, number>; role: Role; refreshKey: number }) {
  const entries = Object.entries(hits).sort((a, b) => b[1] - a[1]);
  return (
    <section class="card overview-panel" aria-labelledby="limits-heading">
      <h2 id="limits-heading">Limit hits this month</h2>
      {entries.length === 0 ? (
        <p class="muted">No plan limit was hit this month.</p>
      ) : (
        <ul class="event-list" id="limit-hits">
          {entries.map(([limit, count]) => (
            <li key={limit}>
              <span class="event-what">
                <code>{limit}</code>
              </span>
              <span>
                {count} {count === 1 ? "time" : "times"}
              </span>
            </li>
          ))}
        </ul>
      )}
      {can(role, "ADMIN") && <RecentLimitEvents refreshKey={refreshKey} />}
      <p class="panel-link">
        <a href="/usage" onClick={linkHandler("/usage")}>
          Usage against the plan
        </a>
      </p>
    </section>
  );
}

function RecentLimitEvents({ refreshKey }: { refreshKey: number }) {
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let live = true;
    overviewApi.limitHitEvents(RECENT).then(
      (page) => live && (setItems(page.items), setError(null)),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [refreshKey]);
  if (error) return <p class="error">{describe(error)}</p>;
  if (!items || items.length === 0) return null;
  return (
    <>
      <h3 class="overview-subheading">Latest hits</h3>
      <ul class="event-list" id="limit-events">
        {items.map((e) => (
          <li key={e.id}>
            <span class="event-what">
              <code>{e.targetId ?? "limit"}</code>
            </span>
            <span class="event-detail">{typeof e.details.hits === "number" ? `${e.details.hits} ${e.details.hits === 1 ? "hit" : "hits"}` : ""}</span>
            <time class="muted" dateTime={new Date(e.ts).toISOString()}>
              {time(e.ts)}
            </time>
          </li>
        ))}
      </ul>
    </>
  );
}
