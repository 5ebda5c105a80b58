/**
 * One asset's sensors: the list (bound device, unit, range), and for MEMBER and up add, edit and
 * delete. A sensor's readings arrive on tenants/{tenant}/assets/{asset}/sensors/{sensor}/telemetry.
 */
import { useEffect, useState } from "preact/hooks";
import type { Sensor } from "../../../domain/schemas/assets";
import { ConfirmAction } from "../components/ConfirmAction";
import { describe, Field, FormError } from "../components/Field";
import { FormActions } from "../components/FormActions";
import { useFormSubmit } from "../components/useFormSubmit";
import { assetsApi } from "./api";

/** Optional number: empty is "none" (null), anything else goes to the schema as a number. */
const numberOrNull = (s: string) => (s.trim() ? Number(s) : null);

function SensorForm({ assetId, sensor, onSaved, onCancel }: { assetId: string; sensor: Sensor | null; onSaved: () => void; onCancel?: () => void }) {
  const editing = sensor !== null;
  const { error, apiError, busy, onSubmit } = useFormSubmit(async (form, text) => {
    const fields = { type: text("type"), unit: text("unit"), deviceId: text("deviceId") || null, min: numberOrNull(text("min")), max: numberOrNull(text("max")) };
    const name = text("name");
    if (editing) await assetsApi.updateSensor(assetId, sensor.id, { ...fields, ...(name ? { name } : {}) });
    else await assetsApi.createSensor(assetId, { id: text("id"), ...fields, ...(name ? { name } : {}) });
    if (!editing) form.reset();
    onSaved();
  });

  const prefix = editing ? `sensor-edit-${sensor.id}` : `sensor-form-${assetId}`;
  return (
    <form id={prefix} class="grid-form sensor-form" onSubmit={onSubmit} noValidate>
      {!editing && (
        <Field label="Sensor id" name="id" error={apiError}>
          {(a) => <input {...a} required autocapitalize="off" spellcheck={false} />}
        </Field>
      )}
      <Field label="Name" name="name" error={apiError}>
        {(a) => <input {...a} defaultValue={sensor?.name ?? ""} />}
      </Field>
      <Field label="Type" name="type" error={apiError} hint="e.g. temperature">
        {(a) => <input {...a} required defaultValue={sensor?.type ?? ""} />}
      </Field>
      <Field label="Unit" name="unit" error={apiError}>
        {(a) => <input {...a} defaultValue={sensor?.unit ?? ""} />}
      </Field>
      <Field label="Bound device" name="deviceId" error={apiError} hint="Only this device may report it; empty: any">
        {(a) => <input {...a} defaultValue={sensor?.deviceId ?? ""} autocapitalize="off" spellcheck={false} />}
      </Field>
      <Field label="Min" name="min" error={apiError}>
        {(a) => <input {...a} inputMode="decimal" defaultValue={sensor?.min === null || sensor === null ? "" : String(sensor.min)} />}
      </Field>
      <Field label="Max" name="max" error={apiError}>
        {(a) => <input {...a} inputMode="decimal" defaultValue={sensor?.max === null || sensor === null ? "" : String(sensor.max)} />}
      </Field>
      <FormActions class="primary" submitLabel={editing ? "Save sensor" : "Add sensor"} busy={busy} onCancel={onCancel} />
      <FormError error={error} />
    </form>
  );
}

export function Sensors({ assetId, canEdit }: { assetId: string; canEdit: boolean }) {
  const [sensors, setSensors] = useState<Sensor[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const load = () =>
    assetsApi.sensors(assetId).then(
      (p) => {
        setSensors(p.items);
        setError(null);
      },
      (err: Error) => setError(err),
    );
  useEffect(() => void load(), [assetId]);

  return (
    <div class="sensors" id={`sensors-${assetId}`}>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {sensors?.length === 0 && <p class="muted">No sensors on this asset.</p>}
      {sensors && sensors.length > 0 && (
        <ul class="sensor-list">
          {sensors.map((s) => (
            <li key={s.id} data-sensor={s.id}>
              {editing === s.id ? (
                <SensorForm
                  assetId={assetId}
                  sensor={s}
                  onSaved={() => {
                    setEditing(null);
                    void load();
                  }}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <>
                  <span class="sensor-text">
                    <code>{s.id}</code> {s.name !== s.id && s.name} · {s.type}
                    {s.unit && ` in ${s.unit}`}
                    {(s.min !== null || s.max !== null) && ` · ${s.min ?? "…"} to ${s.max ?? "…"}`}
                    {s.deviceId ? ` · bound to ${s.deviceId}` : " · any device"}
                  </span>
                  {canEdit && (
                    <span class="row-actions">
                      <button type="button" aria-label={`Edit sensor ${s.id}`} onClick={() => setEditing(s.id)}>
                        Edit
                      </button>
                      <ConfirmAction
                        label="Delete"
                        question={`Delete sensor ${s.id}?`}
                        confirmLabel={`Delete ${s.id}`}
                        onConfirm={async () => {
                          try {
                            await assetsApi.removeSensor(assetId, s.id);
                            await load();
                          } catch (err) {
                            setError(err as Error);
                          }
                        }}
                      />
                    </span>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <details class="add-sensor">
          <summary>Add a sensor</summary>
          <SensorForm assetId={assetId} sensor={null} onSaved={() => void load()} />
        </details>
      )}
    </div>
  );
}
