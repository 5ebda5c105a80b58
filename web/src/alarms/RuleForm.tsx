/**
 * Create or edit an alarm rule: name, scope, a condition of any kind with the fields that kind
 * takes, severity and the raise/clear counts. Checked with the API's own schema before sending;
 * each failing field is named on itself and the first one gets the focus.
 */
import { useState } from "preact/hooks";
import { CreateAlarmRule, type AlarmRule } from "../../../domain/schemas/alarms";
import { check } from "../api";
import { Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit } from "../components/useFormSubmit";
import { alarmsApi } from "./api";
import { CONDITION_TYPES, EMPTY_DRAFT, fromRule, SCOPE_KINDS, toRule, type ConditionType, type RuleDraft, type ScopeKind } from "./rule-draft";
import { SeverityField } from "./SeverityField";

const CONDITION_LABELS: Record<ConditionType, string> = {
  above: "Above a value",
  below: "Below a value",
  range: "Inside or outside a range",
  equals: "Equals a value",
  changed: "Changed",
  silence: "Silence (no readings)",
  anomaly: "Anomaly (z-score)",
};
const SCOPE_LABELS: Record<ScopeKind, string> = { device: "Device ID", profile: "Profile ID", tag: "Tag" };

type Props = { rule: AlarmRule | null; onSaved: (r: AlarmRule) => void; onCancel?: () => void };

export function RuleForm({ rule, onSaved, onCancel }: Props) {
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? fromRule(rule) : EMPTY_DRAFT));
  const { error, apiError, busy, onSubmit } = useFormSubmit(async () => {
    const body = check(CreateAlarmRule, toRule(draft));
    onSaved(rule ? await alarmsApi.updateRule(rule.id, body) : await alarmsApi.createRule(body));
    if (!rule) setDraft(EMPTY_DRAFT);
  });
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const input = (key: keyof RuleDraft, label: string, name: string, opts: { type?: "text" | "number"; hint?: string; step?: string } = {}) => (
    <Field label={label} name={name} error={apiError} hint={opts.hint}>
      {(attrs) =>
        opts.type === "number" ? (
          <input {...attrs} type="number" step={opts.step} value={draft[key] as string} onInput={(e) => set(key, e.currentTarget.value as never)} />
        ) : (
          <input {...attrs} type="text" value={draft[key] as string} onInput={(e) => set(key, e.currentTarget.value as never)} />
        )
      }
    </Field>
  );

  const t = draft.type;
  const metricRequired = t !== "silence";
  const prefix = rule ? `edit-rule-${rule.id}` : "rule-form";
  return (
    <form class="grid grid-form rule-form" id={prefix} onSubmit={onSubmit} aria-describedby={`${prefix}-error`} noValidate>
      {input("name", "Name", "name")}
      <Field label="Watches" name="scope.kind" error={apiError}>
        {(attrs) => (
          <select {...attrs} value={draft.scopeKind} onChange={(e) => set("scopeKind", e.currentTarget.value as ScopeKind)}>
            {SCOPE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k === "device" ? "One device" : k === "profile" ? "Devices of a profile" : "Devices with a tag"}
              </option>
            ))}
          </select>
        )}
      </Field>
      {input("scopeValue", SCOPE_LABELS[draft.scopeKind], draft.scopeKind === "device" ? "scope.deviceId" : draft.scopeKind === "profile" ? "scope.profileId" : "scope.tag")}
      <Field label="Condition" name="condition.type" error={apiError}>
        {(attrs) => (
          <select {...attrs} value={t} onChange={(e) => set("type", e.currentTarget.value as ConditionType)}>
            {CONDITION_TYPES.map((c) => (
              <option key={c} value={c}>
                {CONDITION_LABELS[c]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {input("metric", metricRequired ? "Metric" : "Metric (optional: any reading counts)", "condition.metric")}
      {(t === "above" || t === "below") && input("value", "Threshold", "condition.value", { type: "number", step: "any" })}
      {t === "equals" && input("value", "Value", "condition.value", { hint: "a number, true/false, or text" })}
      {t === "range" && (
        <>
          {input("min", "Minimum", "condition.min", { type: "number", step: "any" })}
          {input("max", "Maximum", "condition.max", { type: "number", step: "any" })}
          <Field label="Raise while the reading is" name="condition.when" error={apiError}>
            {(attrs) => (
              <select {...attrs} value={draft.when} onChange={(e) => set("when", e.currentTarget.value as RuleDraft["when"])}>
                <option value="outside">outside the range</option>
                <option value="inside">inside the range</option>
              </select>
            )}
          </Field>
        </>
      )}
      {t === "silence" && input("afterSeconds", "Silent for (seconds)", "condition.afterSeconds", { type: "number" })}
      {t === "anomaly" && (
        <>
          {input("zScore", "z-score", "condition.zScore", { type: "number", step: "any", hint: "how many deviations from the learned mean" })}
          {input("warmup", "Warm-up readings", "condition.warmup", { type: "number" })}
          {input("alpha", "Smoothing (alpha)", "condition.alpha", { type: "number", step: "any", hint: "between 0 and 1: the newest reading's weight" })}
        </>
      )}
      <SeverityField label="Severity" name="severity" value={draft.severity} onChange={(v) => set("severity", v)} error={apiError} />
      {input("raiseAfter", "Raise after (readings)", "raiseAfter", { type: "number" })}
      {input("clearAfter", "Clear after (readings)", "clearAfter", { type: "number" })}
      {input("durationSeconds", "Breach must last (seconds)", "durationSeconds", { type: "number" })}
      <div class="field checkbox-field">
        <label>
          <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} /> Enabled
        </label>
      </div>
      <FormError error={error} id={`${prefix}-error`} />
      <FormActions class="save-rule" submitLabel={rule ? "Save rule" : "Create rule"} busy={busy} onCancel={onCancel} />
    </form>
  );
}
