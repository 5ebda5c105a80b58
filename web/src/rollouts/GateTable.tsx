/** The health gate's decisions, wave by wave: what it compared (updated against not-yet-updated devices), the figures, and its verdict. */
import type { GateRecord } from "../../../domain/schemas/rollouts";
import { findingWords, measureWords, pct } from "./words";

const INSUFFICIENT: Record<GateRecord["insufficient"][number], string> = {
  updated_cohort: "too few updated devices to compare",
  control_cohort: "too few devices not updated to compare",
  executed: "too few finished updates to judge the failure rate",
  metric: "too few values of the chosen metric to compare",
};

const share = (n: number, of: number) => (of > 0 ? pct((n / of) * 100) : "—");

export function GateTable({ gates }: { gates: GateRecord[] }) {
  if (gates.length === 0)
    return (
      <p class="muted" id="gates-empty">
        No gate decision yet: the gate judges after each wave.
      </p>
    );
  return (
    <div class="table-wrap">
      <table id="gates-table">
        <caption class="visually-hidden">Health-gate decisions</caption>
        <thead>
          <tr>
            <th scope="col">Wave</th>
            <th scope="col">Verdict</th>
            <th scope="col">Updated devices (offline / degraded / alarmed)</th>
            <th scope="col">Not yet updated (offline / degraded / alarmed)</th>
            <th scope="col">Failed updates</th>
            <th scope="col">Findings</th>
          </tr>
        </thead>
        <tbody>
          {gates.map((g) => (
            <tr key={`${g.wave}-${g.at}`} data-wave={g.wave} data-verdict={g.verdict}>
              <td data-label="Wave">
                {g.wave + 1}
                <div class="muted">{new Date(g.at).toLocaleTimeString()}</div>
              </td>
              <td data-label="Verdict">
                <span class={`status verdict-${g.verdict}`}>{g.verdict === "pause" ? "paused" : "continued"}</span>
              </td>
              <td data-label="Updated">
                {g.updated.devices}: {share(g.updated.offline, g.updated.devices)} / {share(g.updated.degraded, g.updated.devices)} / {share(g.updated.alarmed, g.updated.devices)}
              </td>
              <td data-label="Not yet updated">
                {g.control.devices}: {share(g.control.offline, g.control.devices)} / {share(g.control.degraded, g.control.devices)} / {share(g.control.alarmed, g.control.devices)}
              </td>
              <td data-label="Failed updates">
                {g.outcomes.failed} of {g.outcomes.executed}
              </td>
              <td data-label="Findings">
                <ul class="findings">
                  {g.findings.map((f) => (
                    <li key={f.measure}>{f.metric ? findingWords(f) : `${measureWords(f.measure)} ${pct(f.updatedPercent)}${f.controlPercent !== null ? ` vs ${pct(f.controlPercent)}` : ""} (limit ${pct(f.limitPercent)})`}</li>
                  ))}
                  {g.insufficient.map((i) => (
                    <li key={i} class="muted">
                      {INSUFFICIENT[i]}
                    </li>
                  ))}
                  {g.findings.length === 0 && g.insufficient.length === 0 && <li class="muted">nothing worse than allowed</li>}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
