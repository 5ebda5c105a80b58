/**
 * The fleet form (`/commands`, MEMBER and up): the same command to a list of devices or to every
 * device with a tag. The answer is shown as the API gives it: the summary, then one row per device
 * with its command (linked to it on the device's page) or the reason it was refused.
 */
import { useState } from "preact/hooks";
import type { FleetCommandResult } from "../../../domain/schemas/commands";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { linkHandler } from "../router";
import { commandsApi } from "./api";
import { CommandFields, commandInput, emptyDraft, type CommandDraft } from "./CommandFields";
import { StatusPill } from "./CommandItem";
import "./commands.css";

type Target = { by: "devices" | "tag"; devices: string; tag: string };

/** Ids separated by commas, spaces or new lines. */
const idsOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function Outcomes({ result }: { result: FleetCommandResult }) {
  const { summary } = result;
  const figures: [string, number][] = [
    ["Requested", summary.requested],
    ["Queued", summary.queued],
    ["Replayed (same key)", summary.replayed],
    ["Refused", summary.rejected],
  ];
  return (
    <section class="card" aria-labelledby="fleet-result-title" id="fleet-result">
      <h2 id="fleet-result-title" tabIndex={-1}>
        Outcome
      </h2>
      <dl class="fleet-summary" id="fleet-summary">
        {figures.map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      <div class="table-wrap">
        <table id="fleet-outcomes">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Outcome</th>
              <th scope="col">Command</th>
            </tr>
          </thead>
          <tbody>
            {result.commands.map((c) => {
              const href = `/devices/${encodeURIComponent(c.deviceId)}?command=${encodeURIComponent(c.id)}`;
              return (
                <tr key={c.id} data-device={c.deviceId}>
                  <td>
                    <code>{c.deviceId}</code>
                  </td>
                  <td>
                    <StatusPill status={c.status} />
                  </td>
                  <td>
                    <a href={href} onClick={linkHandler(href)} class="command-link">
                      {c.method} <code>{c.id}</code>
                    </a>
                  </td>
                </tr>
              );
            })}
            {result.rejected.map((r) => (
              <tr key={`rejected-${r.deviceId}`} data-device={r.deviceId}>
                <td>
                  <code>{r.deviceId}</code>
                </td>
                <td class="error">refused: {r.code.replace("_", " ")}</td>
                <td>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function FleetCommandPage() {
  const [target, setTarget] = useState<Target>({ by: "tag", devices: "", tag: "" });
  const [draft, setDraft] = useState<CommandDraft>(emptyDraft);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FleetCommandResult | null>(null);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setBusy(true);
    try {
      const command = commandInput(draft);
      const devices = idsOf(target.devices);
      const to = target.by === "tag" ? { tag: target.tag.trim() } : devices.length ? { devices } : {};
      const answer = await commandsApi.fleet({ ...command, ...to });
      setError(null);
      setResult(answer);
      requestAnimationFrame(() => document.getElementById("fleet-result-title")?.focus());
    } catch (err) {
      setError(err as Error);
      const field = err instanceof ApiError ? err.fields[0]?.field : undefined;
      const name = field === "devices" && target.by === "tag" ? "tag" : field;
      form.querySelector<HTMLElement>(`[name="${name ?? "method"}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  // With a tag, the API's "give devices or tag" names devices; show it on the tag field instead.
  const tagError = apiError?.forField("tag") ?? (target.by === "tag" ? apiError?.forField("devices") : undefined);
  return (
    <section id="fleet-commands-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Send a command to many devices
      </h1>
      <p class="muted">Each device gets its own command, queued until it is connected, and answered on its own. Follow each one from the link to its device.</p>
      <form id="fleet-form" class="card grid-form command-form" onSubmit={submit} noValidate>
        <fieldset class="command-choice">
          <legend>Send to</legend>
          <label>
            <input type="radio" name="targetBy" value="tag" checked={target.by === "tag"} onChange={() => setTarget({ ...target, by: "tag" })} /> every device with a tag
          </label>
          <label>
            <input type="radio" name="targetBy" value="devices" checked={target.by === "devices"} onChange={() => setTarget({ ...target, by: "devices" })} /> a list of devices
          </label>
        </fieldset>
        {target.by === "tag" ? (
          <div class="field">
            <label for="fleet-tag">Tag</label>
            <input
              id="fleet-tag"
              name="tag"
              value={target.tag}
              autoComplete="off"
              aria-invalid={tagError ? "true" : undefined}
              aria-describedby="fleet-tag-error"
              onInput={(e) => setTarget({ ...target, tag: (e.currentTarget as HTMLInputElement).value })}
            />
            <small id="fleet-tag-error" class="field-error">
              {tagError ? `Tag: ${tagError}` : ""}
            </small>
          </div>
        ) : (
          <div class="command-params">
            <Field label="Device ids" name="devices" error={apiError} hint="Separated by commas, spaces or new lines; up to 1 000">
              {(a) => <textarea {...a} value={target.devices} spellcheck={false} onInput={(e) => setTarget({ ...target, devices: (e.currentTarget as HTMLTextAreaElement).value })} />}
            </Field>
          </div>
        )}
        <CommandFields draft={draft} onChange={setDraft} error={apiError} />
        <FormError error={error} id="fleet-form-error" />
        <div class="form-actions">
          <button type="submit" class="primary" id="send-fleet-command" disabled={busy}>
            Send to these devices
          </button>
        </div>
      </form>
      {result && <Outcomes result={result} />}
    </section>
  );
}
