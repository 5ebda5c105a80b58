/**
 * The audit log (ADMIN), newest first, filtered by what the API filters on: action, outcome, a
 * device (rows about it or by it) and a start time. Older entries page in with the API's cursor.
 */
import { useState } from "preact/hooks";
import { adminApi, type AuditEntry, type AuditFilter } from "./api";
import { EmptyRow, ErrorText, MoreButton, PageHead, usePaged, when } from "./common";

/** Actions worth offering in the filter's suggestions; any other action can still be typed. */
const KNOWN_ACTIONS = [
  "auth.login",
  "member.role_changed",
  "member.removed",
  "invitation.create",
  "invitation.revoke",
  "api_key.create",
  "api_key.revoke",
  "domain.add",
  "domain.verify",
  "domain.remove",
  "tenant.update",
  "tenant.offboard",
  "telemetry.dead_letter_redriven",
  "mqtt.connect",
  "limit.hit",
];

const actor = (e: AuditEntry) => (e.actorId ? `${e.actorType} ${e.actorId}` : e.actorType);
const target = (e: AuditEntry) => (e.targetType ? `${e.targetType}${e.targetId ? ` ${e.targetId}` : ""}` : "—");

export function Audit() {
  const [filter, setFilter] = useState<AuditFilter>({});
  const log = usePaged((cursor) => adminApi.audit(filter, cursor), [JSON.stringify(filter)]);

  function apply(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const action = String(data.get("action") ?? "").trim();
    const outcome = String(data.get("outcome") ?? "");
    const since = String(data.get("since") ?? "");
    const device = String(data.get("device") ?? "").trim();
    setFilter({
      ...(action ? { action } : {}),
      ...(outcome === "success" || outcome === "denied" || outcome === "failure" ? { outcome } : {}),
      ...(since ? { since: new Date(since).getTime() } : {}),
      ...(device ? { device } : {}),
    });
  }

  return (
    <section id="audit-view" aria-labelledby="page-title">
      <PageHead id="audit-head" title="Audit log">
        Who did what in this workspace, newest first.
      </PageHead>
      <form id="audit-filter" class="toolbar filters" onSubmit={apply} aria-label="Filter the audit log">
        <div class="field">
          <label for="audit-action">Action</label>
          <input id="audit-action" name="action" list="audit-actions" autocapitalize="off" spellcheck={false} placeholder="any" />
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div class="field">
          <label for="audit-outcome">Outcome</label>
          <select id="audit-outcome" name="outcome">
            <option value="">any</option>
            <option value="success">success</option>
            <option value="denied">denied</option>
            <option value="failure">failure</option>
          </select>
        </div>
        <div class="field">
          <label for="audit-device">Device</label>
          <input id="audit-device" name="device" autocapitalize="off" spellcheck={false} placeholder="any" />
        </div>
        <div class="field">
          <label for="audit-since">Since</label>
          <input id="audit-since" name="since" type="datetime-local" />
        </div>
        <div class="form-actions">
          <button type="submit" class="primary" id="apply-audit-filter">
            Apply
          </button>
          <button type="reset" onClick={() => setFilter({})}>
            Clear
          </button>
        </div>
      </form>
      <ErrorText error={log.error} />
      <div class="table-wrap">
        <table id="audit-table" class="rows-on-phone">
          <caption class="visually-hidden">Audit log entries</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody id="audit-rows">
            <EmptyRow items={log.items} cols={6} empty="No entries match." />
            {log.items?.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td data-label="Time">{when(e.ts)}</td>
                <td data-label="Action">
                  <code>{e.action}</code>
                </td>
                <td data-label="Outcome">
                  <span class={`badge outcome-${e.outcome}`}>{e.outcome}</span>
                </td>
                <td data-label="Actor">{actor(e)}</td>
                <td data-label="Target">{target(e)}</td>
                <td data-label="Details">
                  {Object.keys(e.details).length > 0 ? (
                    <details>
                      <summary>details</summary>
                      <pre class="wrap">{JSON.stringify(e.details, null, 2)}</pre>
                    </details>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton next={log.next} onMore={() => void log.more()} label="Older entries" />
    </section>
  );
}
