/**
 * The event list widget, newest first. `rejected`: the rejected-messages log (`GET
 * /telemetry/rejected`; the hub publishes nothing when the pipeline rejects, so it is read on
 * open, with a refresh button, and again every 30 s while the page is visible). `events`: device
 * events as they are published (the platform keeps no history of them), since the page opened.
 */
import { useEffect, useState } from "preact/hooks";
import type { Widget } from "../../../../domain/schemas/dashboards";
import type { RejectedMessage } from "../../../../domain/telemetry/rejections";
import { describe } from "../../components/Field";
import { subscribeEvents, type LiveEvent } from "../../live";
import { telemetryApi } from "../api";
import { selectDevices, type WidgetEnv } from "./env";

type EventsWidget = Extract<Widget, { type: "events" }>;
const REJECTED_REFRESH_MS = 30_000;

export function EventsView({ widget, env }: { widget: EventsWidget; env: WidgetEnv }) {
  const filter = widget.filter ?? env.filter;
  const filtered = Boolean(filter.deviceIds?.length || filter.tag);
  const ids = filtered && env.devices ? selectDevices(env.devices, filter).map((d) => d.id) : null;
  return widget.source === "rejected" ? <RejectedList widget={widget} ids={ids} /> : <LiveEvents widget={widget} ids={ids} />;
}

function RejectedList({ widget, ids }: { widget: EventsWidget; ids: string[] | null }) {
  const [items, setItems] = useState<RejectedMessage[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const idsKey = ids?.join(",") ?? "*";
  useEffect(() => {
    let active = true;
    // One device: the API filters; several: read the newest and keep theirs.
    const single = ids?.length === 1 ? ids[0] : undefined;
    telemetryApi.rejected({ limit: ids && !single ? 200 : widget.limit, ...(single ? { device: single } : {}) }).then(
      (page) => active && (setItems(page.items.filter((m) => !ids || (m.device !== null && ids.includes(m.device))).slice(0, widget.limit)), setError(null)),
      (err: Error) => active && setError(err),
    );
    const timer = setInterval(() => document.visibilityState === "visible" && setTick((t) => t + 1), REJECTED_REFRESH_MS);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [idsKey, widget.limit, tick]);
  return (
    <div class="event-list">
      <div class="widget-tools">
        <button type="button" class="small" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </div>
      {error && <p class="error">{describe(error)}</p>}
      {items?.length === 0 && <p class="muted">No rejected messages.</p>}
      <ol class="events">
        {items?.map((m) => (
          <li key={m.msgId}>
            <span class="event-head">
              <time dateTime={new Date(m.receivedAt).toISOString()}>{new Date(m.receivedAt).toLocaleString()}</time> · <strong>{m.reason}</strong>
              {m.device && <> · {m.device}</>}
            </span>
            <span class="event-detail">{m.detail}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function LiveEvents({ widget, ids }: { widget: EventsWidget; ids: string[] | null }) {
  const [items, setItems] = useState<(LiveEvent & { n: number })[]>([]);
  const idsKey = ids?.join(",") ?? "*";
  useEffect(() => {
    let n = 0;
    setItems([]);
    if (ids?.length === 0) return;
    return subscribeEvents(ids ? { deviceIds: ids } : {}, (e) => setItems((prev) => [{ ...e, n: n++ }, ...prev].slice(0, widget.limit)));
  }, [idsKey, widget.limit]);
  return (
    <div class="event-list">
      {items.length === 0 && <p class="muted">No device events since this page opened.</p>}
      <ol class="events" aria-live="polite">
        {items.map((e) => (
          <li key={e.n}>
            <span class="event-head">
              <time dateTime={new Date(e.receivedAt).toISOString()}>{new Date(e.receivedAt).toLocaleTimeString()}</time> · {e.device}
            </span>
            <code class="event-detail">{JSON.stringify(e.payload).slice(0, 200)}</code>
          </li>
        ))}
      </ol>
    </div>
  );
}
