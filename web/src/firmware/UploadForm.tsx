/**
 * Register a firmware artifact and upload its bytes (ADMIN): the metadata first, then the file is
 * PUT to the URL the registration answered, with a progress bar. When the bytes do not arrive
 * (too big, storage full, connection lost) the registration is kept and the same form uploads
 * again to it, so nothing typed is lost.
 */
import { useState } from "preact/hooks";
import { Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit } from "../components/useFormSubmit";
import { ApiError } from "../api";
import { firmwareApi, type Firmware, type Registered } from "./api";

const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export function UploadForm({ onUploaded }: { onUploaded: (fw: Firmware) => void }) {
  const [registered, setRegistered] = useState<Registered | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const { error, apiError, busy, onSubmit } = useFormSubmit(async (form, text) => {
    const file = (form.elements.namedItem("file") as HTMLInputElement).files?.[0];
    if (!file) throw new ApiError(400, "validation_failed", "choose the image file", [{ path: "body.file", message: "choose the image file to upload" }]);
    let target = registered;
    if (!target) {
      const signature = text("signature");
      target = await firmwareApi.register({
        title: text("title"),
        version: text("version"),
        targets: { profiles: list(text("profiles")), tags: list(text("tags")) },
        ...(text("deltaBaseVersion") ? { deltaBaseVersion: text("deltaBaseVersion") } : {}),
        releaseNotes: text("releaseNotes"),
        ...(signature ? { signature } : {}),
      });
      setRegistered(target);
    }
    setProgress(0);
    try {
      const fw = await firmwareApi.upload(target.upload, file, setProgress);
      setRegistered(null);
      form.reset();
      onUploaded(fw);
    } finally {
      setProgress(null);
    }
  });
  const fieldsLocked = registered !== null;
  return (
    <form class="grid-form firmware-upload" id="firmware-upload" noValidate onSubmit={onSubmit} aria-labelledby="firmware-upload-title">
      <h2 id="firmware-upload-title">Upload firmware</h2>
      <Field label="Title" name="title" error={apiError}>
        {(a) => <input {...a} required maxLength={120} disabled={fieldsLocked} />}
      </Field>
      <Field label="Version" name="version" error={apiError} hint="semantic version, e.g. 1.4.2">
        {(a) => <input {...a} required disabled={fieldsLocked} />}
      </Field>
      <Field label="Device profiles" name="profiles" error={apiError} hint="ids, comma separated; empty: any">
        {(a) => <input {...a} disabled={fieldsLocked} />}
      </Field>
      <Field label="Hardware tags" name="tags" error={apiError} hint="comma separated; empty: any">
        {(a) => <input {...a} disabled={fieldsLocked} />}
      </Field>
      <Field label="Delta base version" name="deltaBaseVersion" error={apiError} hint="only for a delta image">
        {(a) => <input {...a} disabled={fieldsLocked} />}
      </Field>
      <Field label="Signature" name="signature" error={apiError} hint="base64 Ed25519 signature over the SHA-256 digest">
        {(a) => <input {...a} disabled={fieldsLocked} />}
      </Field>
      <Field label="Release notes" name="releaseNotes" error={apiError}>
        {(a) => <textarea {...a} rows={3} maxLength={10_000} disabled={fieldsLocked} />}
      </Field>
      <Field label="Image file" name="file" error={apiError}>
        {(a) => <input {...a} type="file" />}
      </Field>
      {registered && (
        <p class="notice firmware-retry" id="firmware-retry">
          Version {registered.firmware.version} is registered as <code>{registered.firmware.id}</code> but its bytes did not arrive. Choose the file and upload again, or delete the registration from the list.
        </p>
      )}
      {progress !== null && (
        <div class="upload-progress">
          <label for="firmware-progress">Uploading</label>
          <progress id="firmware-progress" max={100} value={Math.round(progress * 100)}>
            {Math.round(progress * 100)} %
          </progress>
        </div>
      )}
      <FormError error={error} id="firmware-upload-error" />
      <FormActions submitLabel={registered ? "Upload again" : "Register and upload"} busy={busy} id="firmware-submit" class="primary" onCancel={registered ? () => setRegistered(null) : undefined} />
    </form>
  );
}
