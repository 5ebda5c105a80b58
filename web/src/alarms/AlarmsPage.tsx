/**
 * The Alarms page: counts at the top, then the alarms newest first, filtered by status, severity
 * and device with cursor paging. Changes arrive over the console's live connection; MEMBERs and
 * up acknowledge and clear.
 */
import { useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import { ALARM_SEVERITIES, AlarmStatusFilter, type AlarmSeverity } from "../../../domain/schemas/alarms";
import { describe } from "../components/Field";
import { useLiveStatus } from "../live";
import { can } from "../roles";
import type { AlarmFilter } from "./api";
import { AlarmCounts } from "./AlarmCounts";
import { AlarmItem } from "./AlarmItem";
import { useAlarmList } from "./useAlarmList";
import "./alarms.css";

const STATUS_LABELS: Record<AlarmStatusFilter, string> = {
  active: "Active",
  cleared: "Cleared",
  active_unack: "Active, unacknowledged",
  active_ack: "Active, acknowledged",
  cleared_unack: "Cleared, never acknowledged",
  cleared_ack: "Cleared, acknowledged",
};

export function AlarmsPage({ role }: { role: Role }) {
  const [filter, setFilter] = useState<AlarmFilter>({ status: "active" });
  const [deviceText, setDeviceText] = useState("");
  const [version, setVersion] = useState(0);
  const live = useLiveStatus();
  const list = useAlarmList(filter, () => setVersion((v) => v + 1));
  const canAct = can(role, "MEMBER");

  return (
    <section id="alarms-view" aria-labelledby="page-title">
      <header class="alarms-head">
        <h1 id="page-title" tabIndex={-1}>
          Alarms
        </h1>
        <span class={`live-badge live-${live}`} id="alarms-live" role="status">
          {live === "live" ? "live" : live === "idle" ? "not live" : `${live}…`}
        </span>
      </header>
      <AlarmCounts version={version} />
      <form
        class="card alarm-filters"
        id="alarm-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter((f) => ({ ...f, device: deviceText.trim() || undefined }));
        }}
      >
        <div class="field">
          <label for="alarm-status-filter">Status</label>
          <select id="alarm-status-filter" name="status" value={filter.status ?? ""} onChange={(e) => setFilter((f) => ({ ...f, status: (e.currentTarget.value || undefined) as AlarmFilter["status"] }))}>
            <option value="">Any</option>
            {AlarmStatusFilter.options.map((s) => (
              <option value={s} key={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="alarm-severity-filter">Severity</label>
          <select id="alarm-severity-filter" name="severity" value={filter.severity ?? ""} onChange={(e) => setFilter((f) => ({ ...f, severity: (e.currentTarget.value || undefined) as AlarmSeverity | undefined }))}>
            <option value="">Any</option>
            {ALARM_SEVERITIES.map((s) => (
              <option value={s} key={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="alarm-device-filter">Device ID</label>
          <input id="alarm-device-filter" name="device" value={deviceText} onInput={(e) => setDeviceText(e.currentTarget.value)} placeholder="every device" />
        </div>
        <div class="form-actions">
          <button type="submit">Apply</button>
        </div>
      </form>
      <p class="error" role="alert" id="alarms-error">
        {list.error ? describe(list.error) : ""}
      </p>
      {list.items === null ? (
        <p class="muted">Loading alarms…</p>
      ) : list.items.length === 0 ? (
        <p class="muted" id="alarms-empty">
          No alarms match.
        </p>
      ) : (
        <ul class="alarm-list" id="alarm-list">
          {list.items.map((a) => (
            <AlarmItem key={a.id} alarm={a} canAct={canAct} busy={list.busy === a.id} onAcknowledge={list.acknowledge} onClear={list.clear} />
          ))}
        </ul>
      )}
      {list.cursor && (
        <button type="button" id="more-alarms" disabled={list.busy === "more"} onClick={() => void list.more()}>
          Show more
        </button>
      )}
    </section>
  );
}
