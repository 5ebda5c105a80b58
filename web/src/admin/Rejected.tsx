/**
 * Rejected messages (everyone may read): why a device's data is missing — the reason, its
 * detail, the topic, the device, when, and the start of the payload. The log keeps the newest
 * 1 000 per workspace.
 */
import { useState } from "preact/hooks";
import { REJECTION_REASONS, type RejectionReason } from "../../../domain/telemetry/rejections";
import { adminApi } from "./api";
import { EmptyRow, ErrorText, MoreButton, PageHead, usePaged, when } from "./common";

export function Rejected() {
  const [filter, setFilter] = useState<{ reason?: RejectionReason; device?: string }>({});
  const log = usePaged((cursor) => adminApi.rejected(filter, cursor), [filter.reason, filter.device]);

  function apply(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const reason = String(data.get("reason") ?? "");
    const device = String(data.get("device") ?? "").trim();
    setFilter({ ...((REJECTION_REASONS as readonly string[]).includes(reason) ? { reason: reason as RejectionReason } : {}), ...(device ? { device } : {}) });
  }

  return (
    <section id="rejected-view" aria-labelledby="page-title">
      <PageHead id="rejected-head" title="Rejected messages">
        Messages the platform received but did not store, newest first, and why.
      </PageHead>
      <form id="rejected-filter" class="toolbar filters" onSubmit={apply} aria-label="Filter rejected messages">
        <div class="field">
          <label for="rejected-reason">Reason</label>
          <select id="rejected-reason" name="reason">
            <option value="">any</option>
            {REJECTION_REASONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="rejected-device">Device</label>
          <input id="rejected-device" name="device" autocapitalize="off" spellcheck={false} placeholder="any" />
        </div>
        <div class="form-actions">
          <button type="submit" class="primary">
            Apply
          </button>
          <button type="button" onClick={() => void log.reload()} id="refresh-rejected">
            Refresh
          </button>
        </div>
      </form>
      <ErrorText error={log.error} />
      <div class="table-wrap">
        <table id="rejected-table" class="rows-on-phone">
          <caption class="visually-hidden">Rejected messages</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Reason</th>
              <th scope="col">Device</th>
              <th scope="col">Topic</th>
              <th scope="col">Payload</th>
            </tr>
          </thead>
          <tbody id="rejected-rows">
            <EmptyRow items={log.items} cols={5} empty="No rejected messages." />
            {log.items?.map((m) => (
              <tr key={m.msgId} data-reason={m.reason}>
                <td data-label="Received">{when(m.receivedAt)}</td>
                <td data-label="Reason">
                  <code>{m.reason}</code>
                  <div class="muted small">{m.detail}</div>
                </td>
                <td data-label="Device">{m.device ?? "—"}</td>
                <td data-label="Topic">
                  <code class="break">{m.topic}</code>
                </td>
                <td data-label="Payload">
                  <code class="payload">{m.payloadExcerpt}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton next={log.next} onMore={() => void log.more()} label="Older messages" />
    </section>
  );
}
