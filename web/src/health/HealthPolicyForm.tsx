/**
 * The device's own health policy (MEMBER and up): heartbeat interval, inactivity timeout and vital
 * bounds, each empty to inherit the profile's. Checked with the API's own schema before sending;
 * each error sits next to its field, and the focus goes to the first one.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Device } from "../../../domain/schemas/devices";
import { ApiError } from "../api";
import { FormError } from "../components/Field";
import { healthApi } from "./api";
import { HealthPolicyFields } from "./HealthPolicyFields";
import { draftOf, policyOf, type HeartbeatMode, type PolicyDraft } from "./policy-draft";

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
  return (
    <form
      ref={form}
      id="health-policy-form"
      class="grid-form health-policy-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
      noValidate
      aria-labelledby="health-policy-form-title"
    >
      <h3 id="health-policy-form-title">This device's health policy</h3>
      <HealthPolicyFields
        draft={draft}
        setDraft={setDraft}
        apiError={apiError}
        prefix="healthPolicy"
        heartbeatChoices={HEARTBEAT_CHOICES}
        inactivityHint="Empty: the profile's (or 600). Silent this long: offline"
        ownVitalsLabel="Its own bounds, replacing the profile's"
        idPrefix=""
      />
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
