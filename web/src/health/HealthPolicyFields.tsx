/**
 * The fields of a health policy — heartbeat, inactivity timeout, vital bounds — as a device's own
 * policy (HealthPolicyForm, `healthPolicy`) and a profile's (the profile form, `health`) edit it.
 * Errors are looked up under `prefix`, the policy's place in the request body.
 */
import type { ApiError } from "../api";
import { Field } from "../components/Field";
import { newRow, rowField, type HeartbeatMode, type PolicyDraft, type VitalRow } from "./policy-draft";

type Props = {
  draft: PolicyDraft;
  setDraft: (update: (d: PolicyDraft) => PolicyDraft) => void;
  apiError: ApiError | null;
  prefix: "healthPolicy" | "health";
  heartbeatChoices: [HeartbeatMode, string][];
  inactivityHint: string;
  /** The checkbox that turns the vital rows on; null: the rows are always there. */
  ownVitalsLabel: string | null;
  /** Prefix of the ids the rows' container and add button carry. */
  idPrefix: string;
};

export function HealthPolicyFields({ draft, setDraft, apiError, prefix, heartbeatChoices, inactivityHint, ownVitalsLabel, idPrefix }: Props) {
  const set = (patch: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setRow = (key: number, patch: Partial<VitalRow>) => setDraft((d) => ({ ...d, vitals: d.vitals.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));
  const showRows = ownVitalsLabel === null || draft.ownVitals;
  return (
    <>
      <fieldset class="vital-rows">
        <legend>Heartbeat</legend>
        {heartbeatChoices.map(([mode, label]) => (
          <label key={mode} class="checkbox">
            <input type="radio" name="heartbeat" value={mode} checked={draft.heartbeat === mode} onChange={() => set({ heartbeat: mode })} /> {label}
          </label>
        ))}
      </fieldset>
      {draft.heartbeat === "every" && (
        <Field label="Heartbeat interval (seconds)" name={`${prefix}.heartbeatIntervalSeconds`} error={apiError} hint="Late by half an interval more: degraded">
          {(a) => <input {...a} type="number" min={1} step={1} inputMode="numeric" value={draft.heartbeatSeconds} onInput={(e) => set({ heartbeatSeconds: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
      )}
      <Field label="Inactivity timeout (seconds)" name={`${prefix}.inactivityTimeoutSeconds`} error={apiError} hint={inactivityHint}>
        {(a) => <input {...a} type="number" min={2} step={1} inputMode="numeric" value={draft.inactivitySeconds} onInput={(e) => set({ inactivitySeconds: (e.currentTarget as HTMLInputElement).value })} />}
      </Field>
      <fieldset class="vital-rows" id={`${idPrefix}vital-rows`}>
        <legend>Vital bounds</legend>
        {ownVitalsLabel !== null && (
          <label class="checkbox">
            <input type="checkbox" name="ownVitals" checked={draft.ownVitals} onChange={(e) => set({ ownVitals: (e.currentTarget as HTMLInputElement).checked })} /> {ownVitalsLabel}
          </label>
        )}
        {showRows &&
          draft.vitals.map((row, i) => {
            const message = apiError?.forField(rowField(row, i, prefix));
            const id = `${idPrefix}vital-${row.key}`;
            const invalid = message ? { "aria-invalid": "true" as const, "aria-describedby": `${id}-error` } : {};
            return (
              <div key={row.key} class="vital-row" data-row={i}>
                <div class="field">
                  <label for={`${id}-name`}>Vital {i + 1} name</label>
                  <input
                    id={`${id}-name`}
                    name="vital-name"
                    {...invalid}
                    value={row.name}
                    placeholder="battery"
                    autocapitalize="off"
                    spellcheck={false}
                    onInput={(e) => setRow(row.key, { name: (e.currentTarget as HTMLInputElement).value })}
                  />
                </div>
                <div class="field">
                  <label for={`${id}-min`}>Min</label>
                  <input id={`${id}-min`} name="vital-min" {...invalid} inputMode="decimal" value={row.min} onInput={(e) => setRow(row.key, { min: (e.currentTarget as HTMLInputElement).value })} />
                </div>
                <div class="field">
                  <label for={`${id}-max`}>Max</label>
                  <input id={`${id}-max`} name="vital-max" {...invalid} inputMode="decimal" value={row.max} onInput={(e) => setRow(row.key, { max: (e.currentTarget as HTMLInputElement).value })} />
                </div>
                <button type="button" class="remove-vital" aria-label={`Remove vital ${i + 1}${row.name ? ` (${row.name})` : ""}`} onClick={() => setDraft((d) => ({ ...d, vitals: d.vitals.filter((r) => r.key !== row.key) }))}>
                  Remove
                </button>
                {message && (
                  <small id={`${id}-error`} class="field-error" data-vital-error>
                    Vital {row.name.trim() || i + 1}: {message}
                  </small>
                )}
              </div>
            );
          })}
        {showRows && (
          <div>
            <button type="button" id={`${idPrefix}add-vital`} onClick={() => setDraft((d) => ({ ...d, vitals: [...d.vitals, newRow()] }))}>
              Add a vital
            </button>
          </div>
        )}
      </fieldset>
    </>
  );
}
