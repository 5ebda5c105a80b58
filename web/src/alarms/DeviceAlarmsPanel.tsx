/** The device page's alarms: this device's active alarms, live, with acknowledge and clear for MEMBERs and up. */
import type { Role } from "../../../domain/roles";
import { describe } from "../components/Field";
import { can } from "../roles";
import { linkHandler } from "../router";
import { AlarmItem } from "./AlarmItem";
import { useAlarmList } from "./useAlarmList";
import "./alarms.css";

export function DeviceAlarmsPanel({ deviceId, role }: { deviceId: string; role: Role }) {
  const list = useAlarmList({ status: "active", device: deviceId });
  // One cleared here (or by its rule) leaves the panel: it lists what is still going on.
  const active = list.items?.filter((a) => a.status === "active") ?? null;
  return (
    <section class="device-section card" aria-labelledby="device-alarms-title" id="device-alarms">
      <h2 id="device-alarms-title">Active alarms</h2>
      <p class="error" role="alert">
        {list.error ? describe(list.error) : ""}
      </p>
      {active === null ? (
        <p class="muted">Loading alarms…</p>
      ) : active.length === 0 ? (
        <p class="muted" id="device-alarms-empty">
          No active alarms.
        </p>
      ) : (
        <ul class="alarm-list" id="device-alarm-list">
          {active.map((a) => (
            <AlarmItem key={a.id} alarm={a} showDevice={false} canAct={can(role, "MEMBER")} busy={list.busy === a.id} onAcknowledge={list.acknowledge} onClear={list.clear} />
          ))}
        </ul>
      )}
      {list.cursor && (
        <button type="button" disabled={list.busy === "more"} onClick={() => void list.more()}>
          Show more
        </button>
      )}
      <p>
        <a href="/alarms" onClick={linkHandler("/alarms")}>
          All alarms
        </a>
      </p>
    </section>
  );
}
