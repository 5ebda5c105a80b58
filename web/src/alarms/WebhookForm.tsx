/** Create or edit a webhook target: name, HTTPS URL, least severity sent, enabled. Checked with the API's schema before sending. */
import { useState } from "preact/hooks";
import { CreateWebhookTarget, type AlarmSeverity, type WebhookTarget } from "../../../domain/schemas/alarms";
import { check } from "../api";
import { Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit } from "../components/useFormSubmit";
import { alarmsApi, type WebhookInput } from "./api";
import { SeverityField } from "./SeverityField";

type Props = { target: WebhookTarget | null; onSaved: (t: WebhookTarget, secret?: string) => void; onCancel?: () => void };

export function WebhookForm({ target, onSaved, onCancel }: Props) {
  const [draft, setDraft] = useState({ name: target?.name ?? "", url: target?.url ?? "", minSeverity: target?.minSeverity ?? ("warning" as AlarmSeverity), enabled: target?.enabled ?? true });
  const prefix = target ? `edit-webhook-${target.id}` : "webhook-form";
  const { error, apiError, busy, onSubmit } = useFormSubmit(async () => {
    const body: WebhookInput = check(CreateWebhookTarget, draft);
    if (target) onSaved(await alarmsApi.updateWebhook(target.id, body));
    else {
      const created = await alarmsApi.createWebhook(body);
      onSaved(created.target, created.secret);
      setDraft({ name: "", url: "", minSeverity: "warning", enabled: true });
    }
  });

  return (
    <form class="grid grid-form" id={prefix} onSubmit={onSubmit} aria-describedby={`${prefix}-error`} noValidate>
      <Field label="Name" name="name" error={apiError}>
        {(attrs) => <input {...attrs} value={draft.name} onInput={(e) => setDraft((d) => ({ ...d, name: e.currentTarget.value }))} />}
      </Field>
      <Field label="URL" name="url" error={apiError} hint="https:// only">
        {(attrs) => <input {...attrs} type="url" value={draft.url} onInput={(e) => setDraft((d) => ({ ...d, url: e.currentTarget.value }))} />}
      </Field>
      <SeverityField label="Send alarms at least" name="minSeverity" value={draft.minSeverity} onChange={(v) => setDraft((d) => ({ ...d, minSeverity: v }))} error={apiError} />
      <div class="field checkbox-field">
        <label>
          <input type="checkbox" name="enabled" checked={draft.enabled} onChange={(e) => setDraft((d) => ({ ...d, enabled: e.currentTarget.checked }))} /> Enabled
        </label>
      </div>
      <FormError error={error} id={`${prefix}-error`} />
      <FormActions class="save-webhook" submitLabel={target ? "Save target" : "Add target"} busy={busy} onCancel={onCancel} />
    </form>
  );
}
