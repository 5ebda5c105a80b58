/** Creates a device profile or edits one: name, description, mountpoint, default, its metric schema and its devices' health policy. */
import { useState } from "preact/hooks";
import type { DeviceProfile } from "../../../domain/schemas/assets";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit } from "../components/useFormSubmit";
import { HealthPolicyFields } from "../health/HealthPolicyFields";
import { draftOf, policyOf, type HeartbeatMode, type PolicyDraft } from "../health/policy-draft";
import { profilesApi } from "./api";
import { emptyRow, MetricEditor, metricsFrom, rowsFrom, type MetricRow } from "./MetricEditor";

const HEARTBEAT_CHOICES: [HeartbeatMode, string][] = [
  ["inherit", "none expected"],
  ["every", "every … seconds"],
];

/** A profile has nothing to inherit from: no heartbeat means none expected, and its vital rows are always shown. */
function profileDraft(policy: DeviceProfile["health"]): PolicyDraft {
  const d = draftOf(policy);
  return { ...d, heartbeat: d.heartbeat === "none" ? "inherit" : d.heartbeat, ownVitals: true };
}

type Props = { profile: DeviceProfile | null; onSaved: (p: DeviceProfile) => void; onCancel?: () => void };

export function ProfileForm({ profile, onSaved, onCancel }: Props) {
  const [rows, setRows] = useState<MetricRow[]>(() => (profile ? rowsFrom(profile.metrics) : [emptyRow()]));
  const [health, setHealth] = useState<PolicyDraft>(() => profileDraft(profile?.health ?? null));
  const editing = profile !== null;
  const { error, apiError, busy, onSubmit } = useFormSubmit(async (form, text) => {
    const { metrics, duplicate } = metricsFrom(rows);
    if (duplicate) throw new ApiError(400, "validation_failed", "metric names repeat", [{ path: `body.metrics.${duplicate}`, message: `'${duplicate}' appears twice; each metric once` }]);
    const policy = policyOf(health, "health");
    if ("problems" in policy) throw new ApiError(400, "validation_failed", "the health policy is not valid", policy.problems);
    const common = {
      health: policy.policy,
      description: text("description"),
      mountpoint: text("mountpoint") || null,
      isDefault: text("isDefault") === "on",
      metrics,
    };
    const name = text("name");
    const saved = editing ? await profilesApi.update(profile.id, { ...common, ...(name ? { name } : {}) }) : await profilesApi.create({ id: text("id"), ...common, ...(name ? { name } : {}) });
    onSaved(saved);
    if (!editing) {
      form.reset();
      setRows([emptyRow()]);
      setHealth(profileDraft(null));
    }
  });

  const formId = editing ? "profile-edit-form" : "profile-form";
  return (
    <form id={formId} class="profile-form" onSubmit={onSubmit} noValidate>
      <div class="grid-form">
        {!editing && (
          <Field label="Id" name="id" error={apiError} hint="letters, digits and . _ : -">
            {(a) => <input {...a} required autocapitalize="off" spellcheck={false} />}
          </Field>
        )}
        <Field label="Name" name="name" error={apiError}>
          {(a) => <input {...a} defaultValue={profile?.name ?? ""} />}
        </Field>
        <Field label="Description" name="description" error={apiError}>
          {(a) => <input {...a} defaultValue={profile?.description ?? ""} />}
        </Field>
        <Field label="Mountpoint" name="mountpoint" error={apiError} hint="Optional topic prefix inside this workspace's topics, ending in /">
          {(a) => <input {...a} defaultValue={profile?.mountpoint ?? ""} autocapitalize="off" spellcheck={false} />}
        </Field>
        <div class="field checkbox-field">
          <label>
            <input type="checkbox" name="isDefault" defaultChecked={profile?.isDefault ?? false} /> Default for new devices
          </label>
        </div>
      </div>
      <MetricEditor rows={rows} onChange={setRows} error={apiError} />
      <fieldset class="grid-form profile-health" id={`${formId}-health`}>
        <legend>Health of its devices</legend>
        <HealthPolicyFields
          draft={health}
          setDraft={setHealth}
          apiError={apiError}
          prefix="health"
          heartbeatChoices={HEARTBEAT_CHOICES}
          inactivityHint="Empty: 600. A device silent this long is offline; each device may override"
          ownVitalsLabel={null}
          idPrefix={`${formId}-`}
        />
      </fieldset>
      <FormActions class="primary" id={editing ? "save-profile" : "create-profile"} submitLabel={editing ? "Save profile" : "Create profile"} busy={busy} onCancel={onCancel} />
      <FormError error={error} id={editing ? "profile-edit-error" : "profile-error"} />
    </form>
  );
}
