/** The Health section's two tables: the last heartbeat's vitals against their bounds, and the policy in force. */
import type { Device } from "../../../domain/schemas/devices";
import type { DeviceHealth } from "../../../domain/schemas/health";
import { breachWords, seconds } from "./words";

const bounds = (b: { min?: number; max?: number } | undefined) => (b ? [b.min !== undefined ? `≥ ${b.min}` : "", b.max !== undefined ? `≤ ${b.max}` : ""].filter(Boolean).join(" and ") : "—");

export function VitalsTable({ health }: { health: DeviceHealth }) {
  const names = [...new Set([...Object.keys(health.vitals), ...Object.keys(health.policy.vitals)])].sort();
  return (
    <div>
      <h3 id="vitals-title">Vitals of the last heartbeat</h3>
      {names.length === 0 ? (
        <p class="muted" id="vitals-empty">
          No heartbeat with numbers yet.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="vitals-table" id="vitals-table" aria-labelledby="vitals-title">
            <thead>
              <tr>
                <th scope="col">Vital</th>
                <th scope="col">Value</th>
                <th scope="col">Bounds</th>
                <th scope="col">Within?</th>
              </tr>
            </thead>
            <tbody>
              {names.map((name) => {
                const breach = health.breaches.find((b) => b.vital === name);
                const value = health.vitals[name];
                return (
                  <tr key={name} class={breach ? "breach" : ""} data-vital={name} data-breach={breach ? "true" : "false"}>
                    <th scope="row" data-label="Vital">
                      <code>{name}</code>
                    </th>
                    <td data-label="Value">{value ?? "—"}</td>
                    <td data-label="Bounds">{bounds(health.policy.vitals[name])}</td>
                    <td data-label="Within?">{breach ? `no: ${breachWords(breach)}` : value === undefined ? "not reported" : "yes"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function PolicyInForce({ policy, own }: { policy: DeviceHealth["policy"]; own: Device["healthPolicy"] }) {
  const from = (key: "heartbeatIntervalSeconds" | "inactivityTimeoutSeconds" | "vitals") => (own?.[key] !== undefined ? "this device" : "profile or default");
  const vitals = Object.entries(policy.vitals);
  return (
    <div>
      <h3>Policy in force</h3>
      <dl class="facts" id="health-policy">
        <div>
          <dt>Heartbeat interval</dt>
          <dd id="policy-heartbeat">
            {policy.heartbeatIntervalSeconds === null ? "no heartbeats expected" : `every ${seconds(policy.heartbeatIntervalSeconds)}`} <span class="muted">({from("heartbeatIntervalSeconds")})</span>
          </dd>
        </div>
        <div>
          <dt>Inactivity timeout</dt>
          <dd id="policy-inactivity">
            {seconds(policy.inactivityTimeoutSeconds)} <span class="muted">({from("inactivityTimeoutSeconds")})</span>
          </dd>
        </div>
        <div>
          <dt>Vital bounds</dt>
          <dd id="policy-vitals">
            {vitals.length === 0 ? "none" : vitals.map(([name, b]) => `${name} ${bounds(b)}`).join("; ")} <span class="muted">({from("vitals")})</span>
          </dd>
        </div>
      </dl>
    </div>
  );
}
