/** Devices: the list (status, last seen, firmware) and, for MEMBER and up, registration. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Device } from "../../../domain/schemas/devices";
import { api, ApiError } from "../api";
import { describe, Field, FormError } from "./Field";
import { can } from "../roles";
import type { Role } from "../../../domain/roles";

type Credentials = { clientId: string; username: string; password: string };

const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : "never");

export function Devices({ role }: { role: Role }) {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [created, setCreated] = useState<{ id: string; credentials: Credentials } | null>(null);

  const load = useCallback(async (cursor?: string) => {
    try {
      const page = await api.devices({ limit: 100, ...(cursor ? { cursor } : {}) });
      setDevices((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setLoadError(null);
    } catch (err) {
      setLoadError(err as Error);
    }
  }, []);
  useEffect(() => void load(), [load]);

  return (
    <section id="devices-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Devices
      </h1>
      {loadError && (
        <p class="error" role="alert">
          {describe(loadError)}
        </p>
      )}
      {created && <SecretOnce id={created.id} credentials={created.credentials} onDismiss={() => setCreated(null)} />}
      <div class="table-wrap">
        <table id="device-table">
          <caption class="visually-hidden">Devices of this workspace</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">Firmware</th>
            </tr>
          </thead>
          <tbody id="device-rows">
            {devices === null && !loadError && (
              <tr>
                <td colSpan={6}>Loading…</td>
              </tr>
            )}
            {devices?.length === 0 && (
              <tr>
                <td colSpan={6}>No devices yet.</td>
              </tr>
            )}
            {devices?.map((d) => (
              <tr key={d.id}>
                <td data-label="Id">
                  <code>{d.id}</code>
                </td>
                <td data-label="Name">{d.name}</td>
                <td data-label="Type">{d.type}</td>
                <td data-label="Status">
                  <span class={`status status-${d.status}${d.disabled ? " status-disabled" : ""}`}>{d.disabled ? `${d.status}, disabled` : d.status}</span>
                </td>
                <td data-label="Last seen">{when(d.lastSeenAt)}</td>
                <td data-label="Firmware">{d.firmwareVersion ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {nextCursor && (
        <button type="button" onClick={() => void load(nextCursor)}>
          Show more
        </button>
      )}
      {can(role, "MEMBER") ? (
        <RegisterDevice
          onCreated={(id, credentials) => {
            setCreated({ id, credentials });
            void load();
          }}
        />
      ) : (
        <p class="muted" id="viewer-note">
          Your role ({role}) can see devices but not register or change them.
        </p>
      )}
    </section>
  );
}

function RegisterDevice({ onCreated }: { onCreated: (id: string, c: Credentials) => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    const firmware = String(data.get("firmwareVersion") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const { device, credentials } = await api.createDevice({
        id: String(data.get("id") ?? "").trim(),
        type: data.get("type") === "gateway" ? "gateway" : "device",
        ...(name ? { name } : {}),
        ...(firmware ? { firmwareVersion: firmware } : {}),
      });
      form.reset();
      onCreated(device.id, credentials);
    } catch (err) {
      setError(err as Error);
      const field = err instanceof ApiError ? err.fields[0]?.field : undefined;
      if (field) form.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
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

/** The device secret, shown once: the API never returns it again (rotate to get a new one). */
function SecretOnce({ id, credentials, onDismiss }: { id: string; credentials: Credentials; onDismiss: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => heading.current?.focus(), []);
  const text = `client id: ${credentials.clientId}\nusername:  ${credentials.username}\npassword:  ${credentials.password}`;

  async function copy() {
    try {
      await navigator.clipboard.writeText(credentials.password);
      setCopied("The password is on the clipboard.");
    } catch {
      setCopied("Copying is not allowed here; select the password and copy it.");
    }
  }

  return (
    <section id="credentials" class="card secret" aria-labelledby="secret-title">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>
        {id} is registered: its MQTT credentials
      </h2>
      <p>
        <strong>Shown only once.</strong> Store the password now; to get another, rotate the device's secret.
      </p>
      <pre id="credentials-text">{text}</pre>
      <div class="form-actions">
        <button type="button" onClick={() => void copy()} id="copy-secret">
          Copy password
        </button>
        <button type="button" onClick={onDismiss}>
          Done
        </button>
      </div>
      <p role="status" class="muted">
        {copied ?? ""}
      </p>
    </section>
  );
}
