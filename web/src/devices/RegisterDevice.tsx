/** Registers a device or gateway: parent gateway, profile, tags and location; the API's schema checks it first. */
import { useEffect, useState } from "preact/hooks";
import type { Device } from "../../../domain/schemas/devices";
import type { DeviceProfile } from "../../../domain/schemas/assets";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { devicesApi, type Credentials } from "./api";

type Props = { onCreated: (id: string, credentials: Credentials) => void };

const text = (data: FormData, name: string) => String(data.get(name) ?? "").trim();

/** Both coordinates or neither; one alone is sent so the schema names the missing one. */
function locationFrom(data: FormData) {
  const lat = text(data, "location.lat");
  const lon = text(data, "location.lon");
  if (!lat && !lon) return undefined;
  return { lat: lat ? Number(lat) : Number.NaN, lon: lon ? Number(lon) : Number.NaN };
}

export function RegisterDevice({ onCreated }: Props) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [gateways, setGateways] = useState<Device[]>([]);
  const [profiles, setProfiles] = useState<DeviceProfile[]>([]);

  // Choices for the parent and profile pickers; the form still works (without them) if they fail.
  useEffect(() => {
    devicesApi.list({ type: "gateway", limit: 200 }).then(
      (p) => setGateways(p.items),
      () => {},
    );
    devicesApi.profiles().then(
      (p) => setProfiles(p.items),
      () => {},
    );
  }, []);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = text(data, "name");
    const firmware = text(data, "firmwareVersion");
    const parentId = text(data, "parentId");
    const profileId = text(data, "profileId");
    const tags = text(data, "tags")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    const location = locationFrom(data);
    setBusy(true);
    setError(null);
    try {
      const { device, credentials } = await devicesApi.create({
        id: text(data, "id"),
        type: data.get("type") === "gateway" ? "gateway" : "device",
        ...(name ? { name } : {}),
        ...(firmware ? { firmwareVersion: firmware } : {}),
        ...(parentId ? { parentId } : {}),
        ...(profileId ? { profileId } : {}),
        ...(tags.length ? { tags } : {}),
        ...(location ? { location } : {}),
      });
      form.reset();
      if (device.type === "gateway") setGateways((g) => [...g, device]);
      onCreated(device.id, credentials);
    } catch (err) {
      setError(err as Error);
      const field = err instanceof ApiError ? err.fields[0]?.field : undefined;
      if (field) form.querySelector<HTMLElement>(`[name="${field}"], [name^="${field.split(".")[0]}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section aria-labelledby="register-title" class="card">
      <h2 id="register-title">Register a device</h2>
      <form id="device-form" class="grid-form" onSubmit={submit} noValidate>
        <Field label="Id" name="id" error={apiError} hint="Also its MQTT client id: letters, digits and . _ : -">
          {(a) => <input {...a} required autocapitalize="off" spellcheck={false} />}
        </Field>
        <Field label="Name" name="name" error={apiError}>
          {(a) => <input {...a} />}
        </Field>
        <Field label="Type" name="type" error={apiError}>
          {(a) => (
            <select {...a}>
              <option value="device">device</option>
              <option value="gateway">gateway</option>
            </select>
          )}
        </Field>
        <Field label="Parent gateway" name="parentId" error={apiError} hint="For a device that talks through a gateway">
          {(a) => (
            <select {...a}>
              <option value="">none</option>
              {gateways.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.id}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Profile" name="profileId" error={apiError} hint="Which metrics it may send; empty: the default profile">
          {(a) => (
            <select {...a}>
              <option value="">default</option>
              {profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name || p.id}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Tags" name="tags" error={apiError} hint="Comma-separated, e.g. greenhouse, north">
          {(a) => <input {...a} autocapitalize="off" />}
        </Field>
        <Field label="Latitude" name="location.lat" error={apiError}>
          {(a) => <input {...a} inputMode="decimal" placeholder="optional, e.g. 52.37" />}
        </Field>
        <Field label="Longitude" name="location.lon" error={apiError}>
          {(a) => <input {...a} inputMode="decimal" placeholder="optional, e.g. 4.89" />}
        </Field>
        <Field label="Firmware" name="firmwareVersion" error={apiError}>
          {(a) => <input {...a} placeholder="optional, e.g. 1.4.2" />}
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" id="register-device" disabled={busy}>
            Register
          </button>
        </div>
        <FormError error={error} id="device-error" />
      </form>
    </section>
  );
}
