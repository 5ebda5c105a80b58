/**
 * The device twin: what the device reports, what is desired of it (editable as JSON by MEMBER and
 * up, checked before sending) and the delta, the desired keys it does not report with that value.
 */
import { useEffect, useState } from "preact/hooks";
import type { DeviceTwin } from "../../../domain/telemetry/twin";
import { ApiError } from "../api";
import { describe } from "../components/Field";
import { devicesApi } from "./api";

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** The editor's text as an attribute map, or the reason it is not one. */
function parseDesired(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, message: "must be a JSON object of attribute names to values" };
  return { ok: true, value: value as Record<string, unknown> };
}

export function DeviceTwinPanel({ deviceId, canEdit }: { deviceId: string; canEdit: boolean }) {
  const [twin, setTwin] = useState<DeviceTwin | null>(null);
  const [text, setText] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    devicesApi.twin(deviceId).then(
      (t) => {
        setTwin(t);
        setText(pretty(t.desired));
      },
      (err: Error) => setError(err),
    );
  }, [deviceId]);

  async function save(e: SubmitEvent) {
    e.preventDefault();
    setSaved("");
    setError(null);
    const parsed = parseDesired(text);
    if (!parsed.ok) {
      setFieldError(parsed.message);
      document.getElementById("desired-editor")?.focus();
      return;
    }
    setFieldError(null);
    setBusy(true);
    try {
      const next = await devicesApi.setDesired(deviceId, parsed.value);
      setTwin(next);
      setText(pretty(next.desired));
      setSaved(next.published ? "Saved and sent to the device." : "Saved; the device gets it when the hub is reachable again.");
    } catch (err) {
      const message = err instanceof ApiError ? err.fields[0]?.message : undefined;
      if (message) setFieldError(message);
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  const deltaKeys = Object.keys(twin?.delta ?? {});
  return (
    <section class="device-section card" aria-labelledby="twin-title" id="device-twin">
      <h2 id="twin-title">Twin</h2>
      {error && !fieldError && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      <div class="twin-grid">
        <div>
          <h3>Reported by the device</h3>
          <pre id="twin-reported">{twin ? pretty(twin.reported) : "…"}</pre>
        </div>
        <div>
          <h3>Delta (desired, not yet reported)</h3>
          {deltaKeys.length === 0 ? (
            <p class="muted" id="twin-delta">
              None: the device reports everything desired.
            </p>
          ) : (
            <ul class="delta-list" id="twin-delta">
              {deltaKeys.map((k) => (
                <li key={k}>
                  <code class="delta-key">{k}</code>: wanted {JSON.stringify(twin!.delta[k])}, reported {k in twin!.reported ? JSON.stringify(twin!.reported[k]) : "nothing"}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {canEdit ? (
        <form id="desired-form" onSubmit={save} noValidate>
          <label for="desired-editor">Desired attributes (JSON object)</label>
          <textarea
            id="desired-editor"
            name="desired"
            value={text}
            // Read-only until the twin is loaded: its arrival would replace what was typed.
            readOnly={twin === null}
            spellcheck={false}
            aria-invalid={fieldError ? "true" : undefined}
            aria-describedby="desired-hint desired-error"
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <small id="desired-hint" class="hint">
            Replaces the whole desired document; it is published retained to the device's attributes/set topic.
          </small>
          <small id="desired-error" class="field-error" role="alert">
            {fieldError ? `Desired attributes: ${fieldError}` : ""}
          </small>
          <div class="form-actions">
            <button type="submit" class="primary" id="save-desired" disabled={busy || twin === null}>
              Save desired attributes
            </button>
          </div>
          <p role="status" class="muted" id="desired-saved">
            {saved}
          </p>
        </form>
      ) : (
        <div>
          <h3>Desired</h3>
          <pre id="twin-desired">{twin ? pretty(twin.desired) : "…"}</pre>
        </div>
      )}
    </section>
  );
}
