/**
 * A device's connectivity history, newest first: connections (with the MQTT version),
 * disconnections (with the cause; a stale one — about an older connection than the current one —
 * is marked and changed nothing) and health changes. "Older events" pages back with the cursor;
 * a new `refreshKey` (the health moved) re-reads the newest page and merges it in front.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { ConnectivityEvent } from "../../../domain/schemas/health";
import { describe } from "../components/Field";
import { healthApi } from "./api";
import { absolute, reasonWords, relative, STATE_LABEL, whyWords } from "./words";

const PAGE_SIZE = 20;

/** Events by id, newest first, each once. */
function mergeEvents(a: ConnectivityEvent[], b: ConnectivityEvent[]): ConnectivityEvent[] {
  const byId = new Map<number, ConnectivityEvent>();
  for (const e of [...a, ...b]) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => y.id - x.id);
}

function detail(e: ConnectivityEvent): string {
  if (e.type === "connected") return e.protocolLevel === 5 ? "MQTT 5" : e.protocolLevel === 4 ? "MQTT 3.1.1" : "";
  if (e.type === "disconnected") return e.cause ? `cause: ${e.cause} (${reasonWords(e.cause)})` : "";
  const to = e.to ? STATE_LABEL[e.to] : "?";
  const why = e.reason ? whyWords({ reason: e.reason, breaches: e.breaches ?? [] }) : "";
  return `${e.from ? STATE_LABEL[e.from] : "?"} → ${to}${why ? `: ${why}` : ""}`;
}

export function ConnectivityHistory({ deviceId, refreshKey }: { deviceId: string; refreshKey: string }) {
  const [items, setItems] = useState<ConnectivityEvent[] | null>(null);
  // Where "older" continues: set by the first read, then by each older page (newer re-reads leave it).
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const firstRead = useRef(true);

  useEffect(() => {
    let current = true;
    healthApi.connectivity(deviceId, { limit: PAGE_SIZE }).then(
      (page) => {
        if (!current) return;
        if (firstRead.current) setCursor(page.nextCursor);
        firstRead.current = false;
        setItems((old) => mergeEvents(old ?? [], page.items));
        setError(null);
      },
      (err: Error) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [deviceId, refreshKey]);

  async function older() {
    if (!cursor) return;
    setBusy(true);
    try {
      const page = await healthApi.connectivity(deviceId, { limit: PAGE_SIZE, cursor });
      setItems((old) => mergeEvents(old ?? [], page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div id="connectivity-history">
      <h3 id="connectivity-title">Connectivity history</h3>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {items === null ? (
        !error && <p class="muted">Loading the history…</p>
      ) : items.length === 0 ? (
        <p class="muted" id="connectivity-empty">
          Nothing yet: the device has not connected in the last 30 days.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="connectivity-table" id="connectivity-table" aria-labelledby="connectivity-title">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Detail</th>
                <th scope="col">Connection</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id} class={e.stale ? "stale" : ""} data-type={e.type} data-cause={e.cause ?? ""} data-stale={e.stale ? "true" : "false"}>
                  <td data-label="When">
                    <time dateTime={new Date(e.at).toISOString()} title={absolute(e.at)}>
                      {absolute(e.at)}
                    </time>{" "}
                    <span class="muted">({relative(e.at)})</span>
                  </td>
                  <td data-label="Event">{e.type.replace("_", " ")}</td>
                  <td data-label="Detail">
                    {detail(e)}
                    {e.stale && <strong> — stale: about an older connection, changed nothing</strong>}
                  </td>
                  <td data-label="Connection">#{e.connectionSeq}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" id="older-connectivity" onClick={older} disabled={busy}>
          Older events
        </button>
      )}
    </div>
  );
}
