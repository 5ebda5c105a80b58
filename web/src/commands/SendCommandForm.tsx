/** Sending one command to the device (MEMBER and up): the draft is checked before anything is sent, and every failing field is named. */
import { useState } from "preact/hooks";
import type { Command } from "../../../domain/schemas/commands";
import { ApiError } from "../api";
import { FormError } from "../components/Field";
import { commandsApi } from "./api";
import { CommandFields, commandInput, emptyDraft, type CommandDraft } from "./CommandFields";

export function SendCommandForm({ deviceId, onSent }: { deviceId: string; onSent: (c: Command, replayed: boolean) => void }) {
  const [draft, setDraft] = useState<CommandDraft>(emptyDraft);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState("");

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setDone("");
    setBusy(true);
    try {
      const body = commandInput(draft);
      const { command, replayed } = await commandsApi.send(deviceId, body);
      setError(null);
      setDraft({ ...emptyDraft, responseRequired: draft.responseRequired });
      setDone(replayed ? `That key was used before: this is the earlier command ${command.id} (${command.status}).` : `Sent ${command.method} (${command.id}): ${command.status}.`);
      onSent(command, replayed);
    } catch (err) {
      setError(err as Error);
      const field = err instanceof ApiError ? err.fields[0]?.field : undefined;
      // Focus the first named field so a keyboard user lands where the fix is.
      const form = e.currentTarget as HTMLFormElement | null;
      (form?.querySelector<HTMLElement>(`[name="${field ?? "method"}"]`) ?? null)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <form id="command-form" class="grid-form command-form" onSubmit={submit} noValidate aria-labelledby="send-command-title">
      <h3 id="send-command-title">Send a command</h3>
      <CommandFields draft={draft} onChange={setDraft} error={apiError} />
      <FormError error={error} id="command-form-error" />
      <div class="form-actions">
        <button type="submit" class="primary" id="send-command" disabled={busy}>
          Send command
        </button>
        <span class="muted" role="status" id="command-sent">
          {done}
        </span>
      </div>
    </form>
  );
}
