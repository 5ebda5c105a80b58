/**
 * The tenant's firmware signing key and whether unsigned artifacts are refused. Everyone from
 * MEMBER reads it; only an ADMIN gets the form.
 */
import { useState } from "preact/hooks";
import { Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit } from "../components/useFormSubmit";
import { firmwareApi, type FirmwareSigning } from "./api";

export function SigningSettings({ signing, canEdit, onSaved }: { signing: FirmwareSigning; canEdit: boolean; onSaved: (s: FirmwareSigning) => void }) {
  const [saved, setSaved] = useState(false);
  const { error, apiError, busy, onSubmit } = useFormSubmit(async (form, text) => {
    setSaved(false);
    const next = await firmwareApi.setSigning({ publicKey: text("publicKey") || null, requireSigned: (form.elements.namedItem("requireSigned") as HTMLInputElement).checked });
    setSaved(true);
    onSaved(next);
  });
  if (!canEdit)
    return (
      <section class="card" aria-labelledby="signing-title" id="firmware-signing">
        <h2 id="signing-title">Signing</h2>
        <p>
          Signing key: {signing.publicKey ? <code class="signing-key">{signing.publicKey}</code> : "none registered"}. {signing.requireSigned ? "Unsigned firmware is refused." : "Unsigned firmware is accepted."}
        </p>
      </section>
    );
  return (
    <section class="card" aria-labelledby="signing-title" id="firmware-signing">
      <h2 id="signing-title">Signing</h2>
      <form class="grid-form" id="signing-form" noValidate onSubmit={onSubmit}>
        <Field label="Ed25519 public key" name="publicKey" error={apiError} hint="base64 of the raw 32-byte key; empty: none">
          {(a) => <input {...a} defaultValue={signing.publicKey ?? ""} autocapitalize="off" spellcheck={false} />}
        </Field>
        <div class="field checkbox-field">
          <label>
            <input type="checkbox" name="requireSigned" id="require-signed" defaultChecked={signing.requireSigned} /> Refuse unsigned firmware
          </label>
        </div>
        <FormError error={error} />
        <FormActions submitLabel="Save signing settings" busy={busy} id="signing-submit" />
        {saved && (
          <p role="status" class="muted">
            Saved.
          </p>
        )}
      </form>
    </section>
  );
}
