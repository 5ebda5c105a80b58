/** One webhook target's deliveries, newest first: each event, its attempts, and how the last one went. */
import { useEffect, useState } from "preact/hooks";
import type { WebhookDelivery } from "../../../domain/schemas/alarms";
import { describe } from "../components/Field";
import { alarmsApi } from "./api";
import { when } from "./format";

export function DeliveryLog({ targetId }: { targetId: string }) {
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);

  async function load(after?: string) {
    try {
      const page = await alarmsApi.deliveries(targetId, after);
      setItems((list) => (after ? [...(list ?? []), ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(err as Error);
    }
  }
  useEffect(() => void load(), [targetId]);

  return (
    <div class="delivery-log" id={`deliveries-${targetId}`}>
      <p class="error" role="alert">
        {error ? describe(error) : ""}
      </p>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Alarm</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
            </tr>
          </thead>
          <tbody>
            {items === null ? (
              <tr>
                <td colSpan={6}>Loading…</td>
              </tr>
            ) : items.length === 0 ? (
              <tr>
                <td colSpan={6}>Nothing sent yet.</td>
              </tr>
            ) : (
              items.map((d) => (
                <tr key={d.id} data-status={d.status}>
                  <td>{when(d.createdAt)}</td>
                  <td>{d.eventType}</td>
                  <td>
                    <code>{d.alarmId}</code>
                  </td>
                  <td>{d.status}</td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? "—")}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Older deliveries
        </button>
      )}
    </div>
  );
}
