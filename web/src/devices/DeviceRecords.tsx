/** A device's records: the messages the pipeline rejected, its audit trail (ADMIN), and a gateway's children. */
import { useEffect, useState } from "preact/hooks";
import type { Device } from "../../../domain/schemas/devices";
import type { AuditEntry } from "../../../domain/schemas/identity";
import type { RejectedMessage } from "../../../domain/telemetry/rejections";
import { describe } from "../components/Field";
import { linkHandler } from "../router";
import { devicesApi } from "./api";
import { StatusBadge, when } from "./format";

function useList<T>(load: () => Promise<{ items: T[]; nextCursor: string | null }>, deps: unknown[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    load().then(
      (p) => setItems(p.items),
      (err: Error) => setError(err),
    );
  }, deps);
  return { items, error };
}

export function RejectedMessages({ deviceId }: { deviceId: string }) {
  const { items, error } = useList<RejectedMessage>(() => devicesApi.rejected(deviceId), [deviceId]);
  return (
    <section class="device-section" aria-labelledby="rejected-title">
      <h2 id="rejected-title">Rejected messages</h2>
      {error && <p class="error">{describe(error)}</p>}
      {items?.length === 0 && <p class="muted">None: every message of this device was accepted.</p>}
      {items && items.length > 0 && (
        <div class="table-wrap">
          <table id="rejected-table">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Reason</th>
                <th scope="col">Detail</th>
                <th scope="col">Payload (start)</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.msgId}>
                  <td>{when(r.receivedAt)}</td>
                  <td>
                    <code>{r.reason}</code>
                  </td>
                  <td>{r.detail}</td>
                  <td>
                    <code>{r.payloadExcerpt}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function AuditTrail({ deviceId }: { deviceId: string }) {
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const load = (after?: string) =>
    devicesApi.audit(deviceId, after).then(
      (p) => {
        setItems((prev) => (after && prev ? [...prev, ...p.items] : p.items));
        setCursor(p.nextCursor);
      },
      (err: Error) => setError(err),
    );
  useEffect(() => void load(), [deviceId]);
  return (
    <section class="device-section" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      {error && <p class="error">{describe(error)}</p>}
      {items?.length === 0 && <p class="muted">Nothing recorded yet.</p>}
      {items && items.length > 0 && (
        <div class="table-wrap">
          <table id="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.ts)}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.outcome}</td>
                  <td>{e.actorId ? `${e.actorType} ${e.actorId}` : e.actorType}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Show older
        </button>
      )}
    </section>
  );
}

export function GatewayChildren({ gatewayId }: { gatewayId: string }) {
  const { items, error } = useList<Device>(() => devicesApi.list({ parent: gatewayId, limit: 200 }), [gatewayId]);
  return (
    <section class="device-section" aria-labelledby="children-title">
      <h2 id="children-title">Devices behind this gateway</h2>
      {error && <p class="error">{describe(error)}</p>}
      {items?.length === 0 && <p class="muted">None yet: register a device with this gateway as its parent.</p>}
      {items && items.length > 0 && (
        <ul id="gateway-children">
          {items.map((d) => (
            <li key={d.id}>
              <a href={`/devices/${encodeURIComponent(d.id)}`} onClick={linkHandler(`/devices/${encodeURIComponent(d.id)}`)}>
                <code>{d.id}</code>
              </a>{" "}
              {d.name !== d.id && d.name} <StatusBadge device={d} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
