/**
 * A rollout's devices: each one's state, attempt, progress and error, filterable by state and
 * wave; a row expands (a real button, so keyboards reach it) to every transition with its time.
 * `refreshKey` changes when the rollout's figures do, so the table follows a running rollout.
 */
import { useEffect, useState } from "preact/hooks";
import { describe } from "../components/Field";
import { EXECUTION_STATES, rolloutsApi, type ExecutionState, type RolloutExecution } from "./api";
import { STATE_WORDS } from "./words";

function DeviceRow({ e }: { e: RolloutExecution }) {
  const [open, setOpen] = useState(false);
  const historyId = `history-${e.deviceId}`;
  return (
    <>
      <tr data-device={e.deviceId} data-state={e.state}>
        <td data-label="Device">
          <button type="button" class="expand" aria-expanded={open} aria-controls={historyId} onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? "▾" : "▸"}</span> <code>{e.deviceId}</code>
          </button>
        </td>
        <td data-label="Wave">{e.wave + 1}</td>
        <td data-label="State">
          <span class={`status st-${e.state}`}>{STATE_WORDS[e.state]}</span>
          {e.progress !== null && e.state === "downloading" && <span class="muted"> {e.progress} %</span>}
        </td>
        <td data-label="Attempt">{e.attempt}</td>
        <td data-label="From">{e.fromVersion ?? "—"}</td>
        <td data-label="Error">{e.error ?? ""}</td>
      </tr>
      {open && (
        <tr class="history-row" id={historyId}>
          <td colSpan={6}>
            <ol class="exec-history">
              {e.history.map((h, i) => (
                <li key={i} data-state={h.state}>
                  <time dateTime={new Date(h.at).toISOString()}>{new Date(h.at).toLocaleTimeString()}</time> {STATE_WORDS[h.state]}
                  {h.attempt > 1 && ` (attempt ${h.attempt})`}
                  {h.error && <span class="field-error"> — {h.error}</span>}
                </li>
              ))}
            </ol>
          </td>
        </tr>
      )}
    </>
  );
}

export function RolloutDevices({ rolloutId, waves, refreshKey }: { rolloutId: string; waves: number; refreshKey: string }) {
  const [state, setState] = useState<ExecutionState | "">("");
  const [wave, setWave] = useState<string>("");
  const [items, setItems] = useState<RolloutExecution[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const filter = { ...(state ? { state } : {}), ...(wave !== "" ? { wave: Number(wave) } : {}) };

  useEffect(() => {
    rolloutsApi.devices(rolloutId, filter).then(
      (p) => {
        setItems(p.items);
        setNext(p.nextCursor);
        setError(null);
      },
      (err) => setError(describe(err as Error)),
    );
  }, [rolloutId, state, wave, refreshKey]);

  const more = async () => {
    if (!next) return;
    try {
      const p = await rolloutsApi.devices(rolloutId, { ...filter, cursor: next });
      setItems([...(items ?? []), ...p.items]);
      setNext(p.nextCursor);
    } catch (err) {
      setError(describe(err as Error));
    }
  };

  return (
    <section aria-labelledby="rollout-devices-title" id="rollout-devices">
      <h2 id="rollout-devices-title">Devices</h2>
      <div class="rollouts-filter">
        <label for="device-state-filter">State</label>
        <select id="device-state-filter" value={state} onChange={(e) => setState((e.currentTarget as HTMLSelectElement).value as ExecutionState | "")}>
          <option value="">any</option>
          {EXECUTION_STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_WORDS[s]}
            </option>
          ))}
        </select>
        <label for="device-wave-filter">Wave</label>
        <select id="device-wave-filter" value={wave} onChange={(e) => setWave((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">any</option>
          {Array.from({ length: waves }, (_, i) => (
            <option key={i} value={String(i)}>
              {i + 1}
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
        <p class="muted" id="rollout-devices-empty">
          No device{state ? ` ${STATE_WORDS[state]}` : ""}.
        </p>
      ) : (
        <div class="table-wrap">
          <table id="rollout-devices-table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Wave</th>
                <th scope="col">State</th>
                <th scope="col">Attempt</th>
                <th scope="col">From version</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody id="rollout-device-rows">
              {items.map((e) => (
                <DeviceRow key={e.deviceId} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" id="more-devices" onClick={() => void more()}>
          More devices
        </button>
      )}
    </section>
  );
}
