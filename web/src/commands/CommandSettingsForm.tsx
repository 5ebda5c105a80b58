/** The device's in-flight setting: how many commands it may have PUBLISHed and unfinished at once. Everyone sees it; MEMBER and up change it. */
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { commandsApi } from "./api";

export function CommandSettingsForm({ deviceId, canEdit }: { deviceId: string; canEdit: boolean }) {
  const [current, setCurrent] = useState<number | null>(null);
  const [text, setText] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    commandsApi.settings(deviceId).then(
      (s) => {
        setCurrent(s.maxInFlight);
        setText(String(s.maxInFlight));
      },
      (err: Error) => setError(err),
    );
  }, [deviceId]);

  async function save(e: SubmitEvent) {
    e.preventDefault();
    setSaved("");
    setBusy(true);
    try {
      const next = await commandsApi.setSettings(deviceId, { maxInFlight: text.trim() === "" ? NaN : Number(text) });
      setCurrent(next.maxInFlight);
      setText(String(next.maxInFlight));
      setError(null);
      setSaved(`Saved: up to ${next.maxInFlight} in flight.`);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  if (!canEdit)
    return (
      <p id="command-settings">
        Commands in flight at once: <strong id="max-in-flight">{current ?? "…"}</strong>
        {error && <span class="error"> {error.message}</span>}
      </p>
    );
  return (
    <form id="command-settings" class="command-settings" onSubmit={save} noValidate>
      <Field label="Commands in flight at once" name="maxInFlight" error={error instanceof ApiError ? error : null} hint="PUBLISHed and not yet finished; the rest wait in order (1 to 100)">
        {(a) => <input {...a} type="number" min={1} max={100} step={1} inputMode="numeric" value={text} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />}
      </Field>
      <div class="form-actions">
        <button type="submit" id="save-command-settings" disabled={busy || current === null}>
          Save
        </button>
        <span class="muted" role="status" id="command-settings-saved">
          {saved}
        </span>
      </div>
      <FormError error={error} />
    </form>
  );
}
