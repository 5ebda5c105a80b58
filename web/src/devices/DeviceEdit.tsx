/** Edits a device's details (MEMBER): name, tags, profile, parent gateway, location, firmware. */
import { useEffect, useState } from "preact/hooks";
import type { DeviceProfile } from "../../../domain/schemas/assets";
import type { Device } from "../../../domain/schemas/devices";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { devicesApi } from "./api";

type Props = { device: Device; onSaved: (d: Device) => void };

// Uncontrolled fields (defaultValue, option `selected`): the page re-reads the device every few
// seconds, and that must not undo what someone is typing.
export function DeviceEdit({ device, onSaved }: Props) {
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [gateways, setGateways] = useState<Device[]>([]);
  const [profiles, setProfiles] = useState<DeviceProfile[]>([]);
  useEffect(() => {
    devicesApi.list({ type: "gateway", limit: 200 }).then(
      (p) => setGateways(p.items.filter((g) => g.id !== device.id)),
      () => {},
    );
    devicesApi.profiles().then(
      (p) => setProfiles(p.items),
      () => {},
    );
  }, [device.id]);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(data.get(k) ?? "").trim();
    const lat = text("location.lat");
    const lon = text("location.lon");
    setError(null);
    setSaved("");
    try {
      const next = await devicesApi.update(device.id, {
        name: text("name"),
        tags: text("tags")
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
        profileId: text("profileId") || null,
        parentId: text("parentId") || null,
        // Both coordinates or neither; one alone goes to the schema, which names the missing one.
        location: lat || lon ? { lat: lat ? Number(lat) : Number.NaN, lon: lon ? Number(lon) : Number.NaN } : null,
        firmwareVersion: text("firmwareVersion") || null,
      });
      onSaved(next);
      setSaved("Saved.");
    } catch (err) {
      setError(err as Error);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <details class="device-section card" id="device-edit">
      <summary>Edit details</summary>
      <form id="device-edit-form" class="grid-form" onSubmit={submit} noValidate>
        <Field label="Name" name="name" error={apiError}>
          {(a) => <input {...a} defaultValue={device.name} />}
        </Field>
        <Field label="Tags" name="tags" error={apiError} hint="Comma-separated">
          {(a) => <input {...a} defaultValue={device.tags.join(", ")} autocapitalize="off" />}
        </Field>
        <Field label="Profile" name="profileId" error={apiError}>
          {(a) => (
            <select {...a}>
              <option value="">none</option>
              {profiles.map((p) => (
                <option key={p.id} value={p.id} selected={p.id === device.profileId}>
                  {p.name || p.id}
                </option>
              ))}
            </select>
          )}
        </Field>
        {device.type === "device" && (
          <Field label="Parent gateway" name="parentId" error={apiError}>
            {(a) => (
              <select {...a}>
                <option value="">none</option>
                {gateways.map((g) => (
                  <option key={g.id} value={g.id} selected={g.id === device.parentId}>
                    {g.id}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label="Latitude" name="location.lat" error={apiError}>
          {(a) => <input {...a} inputMode="decimal" defaultValue={device.location ? String(device.location.lat) : ""} />}
        </Field>
        <Field label="Longitude" name="location.lon" error={apiError}>
          {(a) => <input {...a} inputMode="decimal" defaultValue={device.location ? String(device.location.lon) : ""} />}
        </Field>
        <Field label="Firmware" name="firmwareVersion" error={apiError}>
          {(a) => <input {...a} defaultValue={device.firmwareVersion ?? ""} />}
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" id="save-device">
            Save details
          </button>
        </div>
        <FormError error={error} id="device-edit-error" />
        <p role="status" class="muted" id="device-edit-saved">
          {saved}
        </p>
      </form>
    </details>
  );
}
