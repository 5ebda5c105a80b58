/**
 * Rollouts (`/rollouts`, MEMBER and up): each rollout with its status and a bar of its devices'
 * states, filterable by status, re-read when the platform publishes a rollout change (and every
 * few seconds while one runs). An ADMIN starts a new
 * one here; what the start left out (`skipped`) is shown with a link to the new rollout.
 */
import type { Role } from "../../../domain/roles";
import { useEffect, useState } from "preact/hooks";
import { describe } from "../components/Field";
import { linkHandler } from "../router";
import { can } from "../roles";
import { rolloutsApi, type Created, type RolloutStatus, type RolloutSummary } from "./api";
import { NewRolloutForm } from "./NewRolloutForm";
import { ProgressBar } from "./ProgressBar";
import { rolloutHref, statusWords, strategyWords, targetWords } from "./words";
import { usePolling } from "./usePolling";
import { useRolloutEvents } from "./useRolloutEvents";
import "./rollouts.css";

const STATUSES: RolloutStatus[] = ["running", "paused", "completed", "canceled"];

function Started({ created }: { created: Created }) {
  const { rollout, skipped } = created;
  const href = rolloutHref(rollout.id);
  return (
    <div class="notice" role="status" id="rollout-started">
      <p>
        Rollout{" "}
        <a href={href} onClick={linkHandler(href)}>
          {rollout.id}
        </a>{" "}
        started: version {rollout.version} to {rollout.devices} device{rollout.devices === 1 ? "" : "s"} in {rollout.waves} wave{rollout.waves === 1 ? "" : "s"}.
      </p>
      {skipped.unfit.length + skipped.current.length === 0 ? (
        <p id="skipped-none">No target device was left out.</p>
      ) : (
        <ul id="skipped">
          {skipped.unfit.length > 0 && <li>Left out, the artifact is not built for them: {skipped.unfit.join(", ")}</li>}
          {skipped.current.length > 0 && (
            <li>
              Left out, they already run {rollout.version}: {skipped.current.join(", ")}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

export function RolloutsPage({ role }: { role: Role }) {
  const admin = can(role, "ADMIN");
  const [status, setStatus] = useState<RolloutStatus | "">("");
  const [items, setItems] = useState<RolloutSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  const load = async () => {
    try {
      setItems((await rolloutsApi.list(status ? { status } : {})).items);
      setError(null);
    } catch (err) {
      setError(describe(err as Error));
    }
  };
  useEffect(() => void load(), [status]);
  useRolloutEvents(null, () => void load());
  usePolling(load, items?.some((r) => r.status === "running") ?? false);

  return (
    <section id="rollouts-view" aria-labelledby="page-title">
      <div class="rollouts-head">
        <h1 id="page-title" tabIndex={-1}>
          Rollouts
        </h1>
        {admin && !creating && (
          <button type="button" class="primary" id="new-rollout-button" onClick={() => setCreating(true)}>
            New rollout
          </button>
        )}
      </div>
      {creating && (
        <section class="card">
          <NewRolloutForm
            onCancel={() => setCreating(false)}
            onStarted={(c) => {
              setCreated(c);
              setCreating(false);
              void load();
            }}
          />
        </section>
      )}
      {created && <Started created={created} />}
      <div class="rollouts-filter">
        <label for="rollout-status-filter">Status</label>
        <select id="rollout-status-filter" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as RolloutStatus | "")}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="muted" id="rollouts-empty">
          No rollouts{status ? ` ${status}` : ""}.
        </p>
      ) : (
        <div class="table-wrap">
          <table id="rollouts-table">
            <thead>
              <tr>
                <th scope="col">Rollout</th>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">Devices</th>
                <th scope="col">Target and strategy</th>
              </tr>
            </thead>
            <tbody id="rollout-rows">
              {items.map((r) => (
                <tr key={r.id} data-rollout={r.id} data-status={r.status}>
                  <td data-label="Rollout">
                    <a href={rolloutHref(r.id)} onClick={linkHandler(rolloutHref(r.id))}>
                      {r.id}
                    </a>
                    {r.kind === "rollback" && <span class="muted"> (rollback of {r.rollbackOf})</span>}
                  </td>
                  <td data-label="Version">{r.version}</td>
                  <td data-label="Status">
                    <span class={`status ro-${r.status}`}>{statusWords(r)}</span>
                  </td>
                  <td data-label="Devices" class="progress-cell">
                    <ProgressBar counts={r.counts} devices={r.devices} label={`${r.devices} devices`} />
                  </td>
                  <td data-label="Target and strategy">
                    {targetWords(r.target)}; {strategyWords(r.strategy)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
