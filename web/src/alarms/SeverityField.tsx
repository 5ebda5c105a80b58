/** A labelled choice of one alarm severity, in the API's order (ALARM_SEVERITIES): the rule's own, or the least a webhook target is sent. */
import { ALARM_SEVERITIES, type AlarmSeverity } from "../../../domain/schemas/alarms";
import type { ApiError } from "../api";
import { Field } from "../components/Field";

type Props = { label: string; name: string; value: AlarmSeverity; onChange: (severity: AlarmSeverity) => void; error: ApiError | null };

export function SeverityField({ label, name, value, onChange, error }: Props) {
  return (
    <Field label={label} name={name} error={error}>
      {(attrs) => (
        <select {...attrs} value={value} onChange={(e) => onChange(e.currentTarget.value as AlarmSeverity)}>
          {ALARM_SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
