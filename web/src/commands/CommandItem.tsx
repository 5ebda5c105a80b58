/** One command as the device panel lists it: method, status, params, every state with its time, the result or error, and cancel while it is unfinished. */
import type { Command } from "../../../domain/schemas/commands";

const at = (ms: number) => new Date(ms).toLocaleString();
const json = (v: unknown) => JSON.stringify(v, null, 2);

/** Still able to change: queued, sent, or delivered and waiting for a two-way answer. */
const isOpen = (c: Pick<Command, "status" | "responseRequired">) => c.status === "queued" || c.status === "sent" || (c.status === "delivered" && c.responseRequired);

const EVIDENCE: Record<string, string> = { api: "by the API", puback: "the device's PUBACK", response: "the device's answer", deadline: "deadline passed" };

export function StatusPill({ status }: { status: Command["status"] }) {
  return (
    <span class={`cmd-status cmd-${status}`} data-status={status}>
      {status.replace("_", " ")}
    </span>
  );
}

type Props = { command: Command; highlighted: boolean; onCancel: ((c: Command) => void) | null; busy: boolean };

export function CommandItem({ command: c, highlighted, onCancel, busy }: Props) {
  return (
    <li id={`command-${c.id}`} class={highlighted ? "command highlighted" : "command"} data-status={c.status} tabIndex={highlighted ? -1 : undefined} aria-label={`${c.method}, ${c.status}`}>
      <div class="command-head">
        <code class="command-method">{c.method}</code>
        <StatusPill status={c.status} />
        <span class="muted">{c.responseRequired ? "two-way" : "one-way"}</span>
        <span class="muted command-id">
          id <code>{c.id}</code>
        </span>
        {onCancel && isOpen(c) && (
          <button type="button" class="cancel-command" disabled={busy} onClick={() => onCancel(c)} aria-label={`Cancel ${c.method} (${c.id})`}>
            Cancel
          </button>
        )}
      </div>
      <div class="command-body">
        <div>
          <h4>History</h4>
          <ol class="command-history">
            {c.history.map((h, i) => (
              <li key={i} data-status={h.status}>
                <StatusPill status={h.status} /> <time dateTime={new Date(h.at).toISOString()}>{at(h.at)}</time>
                {h.by && h.by !== "api" && <span class="muted"> ({EVIDENCE[h.by] ?? h.by})</span>}
              </li>
            ))}
          </ol>
          <p class="muted">
            Expires {at(c.expiresAt)}
            {c.attempts > 1 ? ` · published ${c.attempts} times` : ""}
            {c.idempotencyKey ? ` · key ${c.idempotencyKey}` : ""}
          </p>
        </div>
        <div>
          {c.params !== undefined && c.params !== null && (
            <>
              <h4>Params</h4>
              <pre class="command-params-view">{json(c.params)}</pre>
            </>
          )}
          {c.result !== undefined && (
            <>
              <h4>Result</h4>
              <pre class="command-result">{json(c.result)}</pre>
            </>
          )}
          {c.error !== undefined && (
            <>
              <h4>Error</h4>
              <pre class="command-error">{json(c.error)}</pre>
            </>
          )}
        </div>
      </div>
    </li>
  );
}
