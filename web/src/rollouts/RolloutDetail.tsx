/**
 * One rollout (`/rollouts/{id}`): its status, why it paused in words with the gate's figures, a
 * bar per wave, the gate decisions and the devices. Re-read when the platform publishes a change
 * of it on the live connection, and every few seconds while it runs in case that connection is down.
 * An ADMIN also gets pause, resume, cancel and roll back.
 */
import type { Role } from "../../../domain/roles";
import { useEffect, useState } from "preact/hooks";
import { describe } from "../components/Field";
import { linkHandler } from "../router";
import { can } from "../roles";
import { rolloutsApi, type Rollout } from "./api";
import { GateTable } from "./GateTable";
import { ProgressBar } from "./ProgressBar";
import { RolloutActions } from "./RolloutActions";
import { RolloutDevices } from "./RolloutDevices";
import { usePolling } from "./usePolling";
import { useRolloutEvents } from "./useRolloutEvents";
import { pausedWords, rolloutHref, statusWords, strategyWords, targetWords } from "./words";
import "./rollouts.css";

function Facts({ r }: { r: Rollout }) {
  const facts: [string, string][] = [
    ["Version", r.version],
    ["Target", targetWords(r.target)],
    ["Strategy", strategyWords(r.strategy)],
    ["Devices", String(r.devices)],
    ["Started", `${new Date(r.createdAt).toLocaleString()} by ${r.createdBy}`],
    ...(r.finishedAt ? ([["Finished", new Date(r.finishedAt).toLocaleString()]] as [string, string][]) : []),
  ];
  return (
    <dl class="rollout-facts">
      {facts.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function RolloutDetail({ id, role }: { id: string; role: Role }) {
  const [rollout, setRollout] = useState<Rollout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    try {
      setRollout(await rolloutsApi.get(id));
      setError(null);
    } catch (err) {
      setError(describe(err as Error));
    }
  };
  useEffect(() => void load(), [id]);
  useRolloutEvents(id, () => void load());
  usePolling(load, rollout?.status === "running");

  const back = (
    <a href="/rollouts" onClick={linkHandler("/rollouts")}>
      All rollouts
    </a>
  );
  if (!rollout)
    return (
      <section id="rollout-view">
        <p>{back}</p>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : (
          <p class="muted">Loading…</p>
        )}
      </section>
    );
  const r = rollout;
  return (
    <section id="rollout-view" aria-labelledby="page-title" data-status={r.status}>
      <p>{back}</p>
      <h1 id="page-title" tabIndex={-1}>
        Rollout {r.id}{" "}
        <span class={`status ro-${r.status}`} id="rollout-status">
          {statusWords(r)}
        </span>
      </h1>
      {r.kind === "rollback" && r.rollbackOf && (
        <p>
          Rolls back{" "}
          <a href={rolloutHref(r.rollbackOf)} onClick={linkHandler(rolloutHref(r.rollbackOf))}>
            {r.rollbackOf}
          </a>
          .
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {r.status === "paused" && r.pausedReason && (
        <div class="notice paused-reason" id="paused-reason" role="status">
          {pausedWords(r.pausedReason).map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </div>
      )}
      {can(role, "ADMIN") && <RolloutActions rollout={r} onChanged={setRollout} />}
      <section class="card" aria-labelledby="rollout-progress-title">
        <h2 id="rollout-progress-title">Progress</h2>
        <Facts r={r} />
        <div id="rollout-total">
          <ProgressBar counts={r.counts} devices={r.devices} label="All devices" />
        </div>
        <ol class="wave-bars" id="wave-bars">
          {r.waveCounts.map((w) => (
            <li key={w.wave} data-wave={w.wave} aria-current={r.status === "running" && w.wave === r.wave ? "step" : undefined}>
              <span class="wave-label">
                Wave {w.wave + 1}: {w.devices} device{w.devices === 1 ? "" : "s"}
              </span>
              <ProgressBar counts={w.counts} devices={w.devices} label={`Wave ${w.wave + 1}`} />
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="gates-title">
        <h2 id="gates-title">Health gate</h2>
        <GateTable gates={r.gates} />
      </section>
      <RolloutDevices rolloutId={r.id} waves={r.waves} refreshKey={`${r.updatedAt}/${JSON.stringify(r.counts)}`} />
    </section>
  );
}
