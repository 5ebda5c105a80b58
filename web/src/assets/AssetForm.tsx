/** Creates an asset or edits one: name, type, description, location. */
import type { Asset } from "../../../domain/schemas/assets";
import { Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit } from "../components/useFormSubmit";
import { assetsApi } from "./api";

type Props = { asset: Asset | null; onSaved: (a: Asset) => void; onCancel?: () => void };

export function AssetForm({ asset, onSaved, onCancel }: Props) {
  const editing = asset !== null;
  const { error, apiError, busy, onSubmit } = useFormSubmit(async (form, text) => {
    const lat = text("location.lat");
    const lon = text("location.lon");
    // Both coordinates or neither; one alone goes to the schema, which names the missing one.
    const location = lat || lon ? { lat: lat ? Number(lat) : Number.NaN, lon: lon ? Number(lon) : Number.NaN } : null;
    const name = text("name");
    const saved = editing
      ? await assetsApi.update(asset.id, { ...(name ? { name } : {}), type: text("type"), description: text("description"), location })
      : await assetsApi.create({ id: text("id"), ...(name ? { name } : {}), type: text("type"), description: text("description"), ...(location ? { location } : {}) });
    if (!editing) form.reset();
    onSaved(saved);
  });

  return (
    <form id={editing ? "asset-edit-form" : "asset-form"} class="grid-form" onSubmit={onSubmit} noValidate>
      {!editing && (
        <Field label="Id" name="id" error={apiError} hint="letters, digits and . _ : -">
          {(a) => <input {...a} required autocapitalize="off" spellcheck={false} />}
        </Field>
      )}
      <Field label="Name" name="name" error={apiError}>
        {(a) => <input {...a} defaultValue={asset?.name ?? ""} />}
      </Field>
      <Field label="Type" name="type" error={apiError} hint="e.g. truck, building, pump">
        {(a) => <input {...a} required defaultValue={asset?.type ?? ""} />}
      </Field>
      <Field label="Description" name="description" error={apiError}>
        {(a) => <input {...a} defaultValue={asset?.description ?? ""} />}
      </Field>
      <Field label="Latitude" name="location.lat" error={apiError}>
        {(a) => <input {...a} inputMode="decimal" defaultValue={asset?.location ? String(asset.location.lat) : ""} placeholder="optional" />}
      </Field>
      <Field label="Longitude" name="location.lon" error={apiError}>
        {(a) => <input {...a} inputMode="decimal" defaultValue={asset?.location ? String(asset.location.lon) : ""} placeholder="optional" />}
      </Field>
      <FormActions class="primary" id={editing ? "save-asset" : "create-asset"} submitLabel={editing ? "Save asset" : "Create asset"} busy={busy} onCancel={onCancel} />
      <FormError error={error} id={editing ? "asset-edit-error" : "asset-error"} />
    </form>
  );
}
