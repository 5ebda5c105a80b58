/** One alarm: rule, device, severity, state, when raised and cleared, who acknowledged and cleared it, and the MEMBER's buttons. */
import type { Alarm } from "../../../domain/schemas/alarms";
import { linkHandler } from "../router";
import { useActorName } from "./actors";
import { SeverityBadge, stateOf, when } from "./format";

type Props = { alarm: Alarm; canAct: boolean; busy: boolean; onAcknowledge: (a: Alarm) => void; onClear: (a: Alarm) => void; showDevice?: boolean };

export function AlarmItem({ alarm: a, canAct, busy, onAcknowledge, onClear, showDevice = true }: Props) {
  const href = `/devices/${encodeURIComponent(a.deviceId)}`;
  const who = useActorName();
  return (
    <li id={`alarm-${a.id}`} class={`alarm alarm-${a.status}`} data-status={a.status} data-acknowledged={String(a.acknowledged)} tabIndex={-1}>
      <div class="alarm-head">
        <SeverityBadge severity={a.severity} />
        <strong class="alarm-rule">{a.ruleName}</strong>
        {showDevice && (
          <a class="alarm-device" href={href} onClick={linkHandler(href)}>
            {a.deviceId}
          </a>
        )}
        <span class="alarm-state">{stateOf(a)}</span>
      </div>
      <dl class="alarm-facts">
        <dt>Raised</dt>
        <dd class="alarm-raised">
          {when(a.raisedAt)}
          {a.value !== null && (
            <span class="muted">
              {" "}
              ({a.metric ?? "reading"} = {typeof a.value === "string" ? a.value : JSON.stringify(a.value)})
            </span>
          )}
        </dd>
        <dt>Acknowledged</dt>
        <dd class="alarm-acknowledged">{a.acknowledged ? `by ${who(a.acknowledgedBy)} at ${when(a.acknowledgedAt)}` : "not yet"}</dd>
        <dt>Cleared</dt>
        <dd class="alarm-cleared">{a.status === "cleared" ? `by ${who(a.clearedBy)} at ${when(a.clearedAt)}` : "still active"}</dd>
      </dl>
      {canAct && a.status === "active" && (
        <div class="form-actions">
          {!a.acknowledged && (
            <button type="button" class="acknowledge-alarm" disabled={busy} onClick={() => onAcknowledge(a)} aria-label={`Acknowledge ${a.ruleName} on ${a.deviceId}`}>
              Acknowledge
            </button>
          )}
          <button type="button" class="clear-alarm" disabled={busy} onClick={() => onClear(a)} aria-label={`Clear ${a.ruleName} on ${a.deviceId}`}>
            Clear
          </button>
        </div>
      )}
    </li>
  );
}
