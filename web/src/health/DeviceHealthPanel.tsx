/**
 * The device page's Health section: the state and why in words, since when, the connection, the
 * last heartbeat's vitals (breaching rows marked), the policy in force and, for MEMBER and up, the
 * device's own policy; below it the connectivity history. Re-read whenever the page re-reads the
 * device (its refresh cadence) and when live messages say the health may have moved.
 */
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Device } from "../../../domain/schemas/devices";
import type { DeviceHealth } from "../../../domain/schemas/health";
import { describe } from "../components/Field";
import { healthApi } from "./api";
import { ConnectivityHistory } from "./ConnectivityHistory";
import { HealthBadge } from "./HealthBadge";
import { HealthPolicyForm } from "./HealthPolicyForm";
import { PolicyInForce, VitalsTable } from "./HealthTables";
import { useLiveHealthTrigger } from "./live-refresh";
import { absolute, relative, whyWords } from "./words";
import "./health.css";

type Props = { device: Device; canEdit: boolean; onDeviceSaved: (d: Device) => void };

function When({ ms, none = "never" }: { ms: number | null; none?: string }) {
  if (ms === null) return <>{none}</>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={absolute(ms)}>
      {relative(ms)} <span class="muted">({absolute(ms)})</span>
    </time>
  );
}

export function DeviceHealthPanel({ device, canEdit, onDeviceSaved }: Props) {
  const [health, setHealth] = useState<DeviceHealth | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const load = useCallback(
    () =>
      healthApi.device(device.id).then(
        (h) => {
          setHealth(h);
          setError(null);
        },
        (err: Error) => setError(err),
      ),
    [device.id],
  );
  // `device` is a new object at each of the page's re-reads: health follows the same cadence.
  useEffect(() => void load(), [device, load]);
  useLiveHealthTrigger(device.id, () => void load());

  // The history is re-read when the health says something happened: a new state or a new connection.
  const historyKey = health ? `${health.state}/${health.since}/${health.connectionSeq}/${health.connected}` : "";

  return (
    <section class="device-section card health-section" aria-labelledby="health-title" id="device-health">
      <div class="health-title-row">
        <h2 id="health-title">Health</h2>
        {health && (
          <span id="health-state">
            <HealthBadge state={health.state} reason={health.reason} why={whyWords(health)} />
          </span>
        )}
      </div>
      {error && (
        <p class="error" role="alert" id="health-error">
          {describe(error)}
        </p>
      )}
      {!health && !error && <p class="muted">Loading health…</p>}
      {health && (
        <>
          <p class="health-why" id="health-why">
            {whyWords(health)}
            {health.since !== null && (
              <>
                {" "}
                — since <When ms={health.since} />
              </>
            )}
          </p>
          <dl class="facts" id="health-facts">
            <div>
              <dt>Connection</dt>
              <dd id="health-connection">{health.connected ? `connected (connection #${health.connectionSeq})` : health.connectionSeq > 0 ? `not connected (last was connection #${health.connectionSeq})` : "never connected"}</dd>
            </div>
            <div>
              <dt>{health.connected ? "Connected since" : "Last connected"}</dt>
              <dd>
                <When ms={health.connectedAt} />
              </dd>
            </div>
            <div>
              <dt>Last heard</dt>
              <dd id="health-last-heard">
                <When ms={health.lastHeardAt} />
              </dd>
            </div>
            <div>
              <dt>Last heartbeat</dt>
              <dd id="health-last-heartbeat">
                <When ms={health.lastHeartbeatAt} />
              </dd>
            </div>
            {health.nextCheckAt !== null && (
              <div>
                <dt>Changes by itself unless heard from</dt>
                <dd>
                  <When ms={health.nextCheckAt} />
                </dd>
              </div>
            )}
          </dl>
          <div class="health-grid">
            <VitalsTable health={health} />
            <PolicyInForce policy={health.policy} own={device.healthPolicy} />
          </div>
        </>
      )}
      {canEdit ? (
        <HealthPolicyForm
          device={device}
          onSaved={(d) => {
            onDeviceSaved(d);
            void load();
          }}
        />
      ) : (
        <p class="muted" id="health-policy-viewer-note">
          Your role can see the health policy but cannot change it.
        </p>
      )}
      <ConnectivityHistory deviceId={device.id} refreshKey={historyKey} />
    </section>
  );
}
