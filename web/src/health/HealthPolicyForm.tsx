/**
 * The device's own health policy (MEMBER and up): heartbeat interval, inactivity timeout and vital
 * bounds, each empty to inherit the profile's. Checked with the API's own schema before sending;
 * each error sits next to its field, and the focus goes to the first one.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Device } from "../../../domain/schemas/devices";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { healthApi } from "./api";
import { draftOf, newRow, policyOf, rowField, type HeartbeatMode, type PolicyDraft, type VitalRow } from "./policy-draft";

type Props = { device: Device; onSaved: (d: Device) => void };

const HEARTBEAT_CHOICES: [HeartbeatMode, string][] = [
  ["inherit", "as the profile says"],
  ["none", "expects none"],
  ["every", "every … seconds"],
];

export function HealthPolicyForm({ device, onSaved }: Props) {
  // A draft of its own: the page re-reads the device every few seconds, and that must not undo typing.
  const [draft, setDraft] = useState<PolicyDraft>(() => draftOf(device.healthPolicy));
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const set = (patch: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setRow = (key: number, patch: Partial<VitalRow>) => setDraft((d) => ({ ...d, vitals: d.vitals.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));

  useEffect(() => {
    if (error) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);

  /** Saves what the draft means, or (`followProfile`) drops the device's own policy altogether. */
  async function save(followProfile: boolean) {
    setSaved("");
    setBusy(true);
    try {
      const meant = followProfile ? { policy: null } : policyOf(draft);
      if ("problems" in meant) throw new ApiError(400, "validation_failed", "the request is not valid", meant.problems);
      const next = await healthApi.setPolicy(device.id, meant.policy);
      setDraft(draftOf(next.healthPolicy));
      setError(null);
      setSaved(next.healthPolicy ? "Saved: this device's own policy is in force." : "Saved: the device follows its profile's policy.");
      onSaved(next);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  const rowError = (row: VitalRow, i: number) => apiError?.forField(rowField(row, i));
  return (
    <form ref={form} id="health-policy-form" class="grid-form health-policy-form" onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
      noValidate aria-labelledby="health-policy-form-title">
      <h3 id="health-policy-form-title">This device's health policy</h3>
      <fieldset class="vital-rows">
        <legend>Heartbeat</legend>
        {HEARTBEAT_CHOICES.map(([mode, label]) => (
          <label key={mode} class="checkbox">
            <input type="radio" name="heartbeat" value={mode} checked={draft.heartbeat === mode} onChange={() => set({ heartbeat: mode })} /> {label}
          </label>
        ))}
      </fieldset>
      {draft.heartbeat === "every" && (
        <Field label="Heartbeat interval (seconds)" name="healthPolicy.heartbeatIntervalSeconds" error={apiError} hint="Late by half an interval more: degraded">
          {(a) => <input {...a} type="number" min={1} step={1} inputMode="numeric" value={draft.heartbeatSeconds} onInput={(e) => set({ heartbeatSeconds: (e.currentTarget as HTMLInputElement).value })} />}
        </Field>
      )}
      <Field label="Inactivity timeout (seconds)" name="healthPolicy.inactivityTimeoutSeconds" error={apiError} hint="Empty: the profile's (or 600). Silent this long: offline">
        {(a) => <input {...a} type="number" min={2} step={1} inputMode="numeric" value={draft.inactivitySeconds} onInput={(e) => set({ inactivitySeconds: (e.currentTarget as HTMLInputElement).value })} />}
      </Field>
      <fieldset class="vital-rows" id="vital-rows">
        <legend>Vital bounds</legend>
        <label class="checkbox">
          <input type="checkbox" name="ownVitals" checked={draft.ownVitals} onChange={(e) => set({ ownVitals: (e.currentTarget as HTMLInputElement).checked })} /> Its own bounds, replacing the profile's
        </label>
        {draft.ownVitals &&
          draft.vitals.map((row, i) => {
            const message = rowError(row, i);
            const id = `vital-${row.key}`;
            const invalid = message ? { "aria-invalid": "true" as const, "aria-describedby": `${id}-error` } : {};
            return (
              <div key={row.key} class="vital-row" data-row={i}>
                <div class="field">
                  <label for={`${id}-name`}>Vital {i + 1} name</label>
                  <input id={`${id}-name`} name="vital-name" {...invalid} value={row.name} placeholder="battery" autocapitalize="off" spellcheck={false} onInput={(e) => setRow(row.key, { name: (e.currentTarget as HTMLInputElement).value })} />
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
        {draft.ownVitals && (
          <div>
            <button type="button" id="add-vital" onClick={() => setDraft((d) => ({ ...d, vitals: [...d.vitals, newRow()] }))}>
              Add a vital
            </button>
          </div>
        )}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="primary" id="save-health-policy" disabled={busy}>
          Save health policy
        </button>
        <button type="button" id="follow-profile-policy" disabled={busy || device.healthPolicy === null} onClick={() => void save(true)}>
          Follow the profile's policy
        </button>
        <span class="muted" role="status" id="health-policy-saved">
          {saved}
        </span>
      </div>
      <FormError error={error} id="health-policy-error" />
    </form>
  );
}
