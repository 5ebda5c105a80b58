/**
 * Dead letters: telemetry that failed every retry. Everyone may read them; MEMBER and up re-drive
 * (one, or every one on the page still dead) and discard. Re-driving is safe to repeat: the hot
 * store skips a message it already stored.
 */
import { useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import { ConfirmAction } from "../components/ConfirmAction";
import { describe } from "../components/Field";
import { can } from "../roles";
import { adminApi, type DeadLetter } from "./api";
import { EmptyRow, ErrorText, MoreButton, PageHead, ReadOnlyNote, usePaged, when } from "./common";

const PREVIEW = 160;

/** The device a dead letter came from, when its body is a telemetry envelope that names one. */
function deviceOf(letter: DeadLetter): string | null {
  const source = (letter.body as { source?: { device?: unknown; gateway?: unknown } } | null)?.source;
  const id = source?.device ?? source?.gateway;
  return typeof id === "string" ? id : null;
}
/** The start of what the device sent (an envelope's payload), else of the queue body. */
function preview(letter: DeadLetter): string {
  const payload = (letter.body as { payload?: unknown } | null)?.payload;
  const text = typeof payload === "string" ? payload : (JSON.stringify(letter.body) ?? "");
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

export function DeadLetters({ role }: { role: Role }) {
  const member = can(role, "MEMBER");
  const [status, setStatus] = useState<"" | "dead" | "redriven">("dead");
  const letters = usePaged((cursor) => adminApi.deadLetters(status || undefined, cursor), [status]);
  const [results, setResults] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  /** Re-drives each letter in turn and reports every outcome (a 409 or 410 is one line, not the end). */
  async function redrive(targets: DeadLetter[]) {
    setBusy(true);
    const lines: string[] = [];
    for (const letter of targets) {
      try {
        await adminApi.redrive(letter.id);
        lines.push(`${letter.msgId ?? letter.id}: re-driven`);
      } catch (err) {
        lines.push(`${letter.msgId ?? letter.id}: not re-driven — ${describe(err as Error)}`);
      }
    }
    setResults(lines);
    setBusy(false);
    await letters.reload();
  }

  async function discard(letter: DeadLetter) {
    try {
      await adminApi.discardDeadLetter(letter.id);
      setResults([`${letter.msgId ?? letter.id}: discarded`]);
    } catch (err) {
      setResults([`${letter.msgId ?? letter.id}: not discarded — ${describe(err as Error)}`]);
    }
    await letters.reload();
  }

  const dead = letters.items?.filter((l) => l.status === "dead" && l.kind !== "malformed") ?? [];
  return (
    <section id="dead-letters-view" aria-labelledby="page-title">
      <PageHead id="dead-letters-head" title="Dead letters">
        Telemetry that could not be processed after every retry. Re-driving sends it through the pipeline again; nothing is stored twice.
      </PageHead>
      <div class="toolbar">
        <label for="dead-letter-status">Show</label>
        <select id="dead-letter-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as typeof status)}>
          <option value="dead">waiting (dead)</option>
          <option value="redriven">re-driven</option>
          <option value="">all</option>
        </select>
        {member && (
          <button type="button" class="primary" id="redrive-all" disabled={busy || dead.length === 0} onClick={() => void redrive(dead)}>
            Re-drive all {dead.length ? `(${dead.length})` : ""}
          </button>
        )}
      </div>
      {!member && <ReadOnlyNote role={role} needs="MEMBER" what="re-drive or discard" />}
      <ErrorText error={letters.error} />
      <div role="status" id="redrive-results">
        {results.length > 0 && (
          <ul class="results">
            {results.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
      </div>
      <div class="table-wrap">
        <table id="dead-letter-table" class="rows-on-phone">
          <caption class="visually-hidden">Dead letters</caption>
          <thead>
            <tr>
              <th scope="col">Dead since</th>
              <th scope="col">Kind</th>
              <th scope="col">Device</th>
              <th scope="col">Topic</th>
              <th scope="col">Attempts</th>
              <th scope="col">Payload</th>
              <th scope="col">Status</th>
              {member && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody id="dead-letter-rows">
            <EmptyRow items={letters.items} cols={member ? 8 : 7} empty="No dead letters." />
            {letters.items?.map((l) => (
              <tr key={l.id} data-id={l.id}>
                <td data-label="Dead since">{when(l.deadAt)}</td>
                <td data-label="Kind">{l.kind}</td>
                <td data-label="Device">{deviceOf(l) ?? "—"}</td>
                <td data-label="Topic">{l.topic ? <code class="break">{l.topic}</code> : "—"}</td>
                <td data-label="Attempts">{l.attempts}</td>
                <td data-label="Payload">
                  <code class="payload">{preview(l)}</code>
                </td>
                <td data-label="Status">{l.status === "redriven" ? `re-driven ${when(l.redrivenAt)}` : "dead"}</td>
                {member && (
                  <td data-label="Actions">
                    {l.status === "dead" && l.kind !== "malformed" && (
                      <button type="button" class="redrive" disabled={busy} onClick={() => void redrive([l])}>
                        Re-drive
                      </button>
                    )}
                    <ConfirmAction label="Discard" question="Discard this message for good?" onConfirm={() => discard(l)} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton next={letters.next} onMore={() => void letters.more()} />
    </section>
  );
}
