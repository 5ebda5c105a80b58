/**
 * One device's page (`/devices/:id`): identity and status, actions (MEMBER), health, twin, telemetry,
 * rejected messages, audit trail (ADMIN) and, for a gateway, its children.
 */
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { Device } from "../../../domain/schemas/devices";
import { ApiError } from "../api";
import { describe } from "../components/Field";
import { can } from "../roles";
import { linkHandler } from "../router";
import { devicesApi, type Credentials } from "./api";
import { CommandsPanel } from "../commands/CommandsPanel";
import { DeviceAlarmsPanel } from "../alarms/DeviceAlarmsPanel";
import { DeviceHealthPanel } from "../health/DeviceHealthPanel";
import { DeviceActions } from "./DeviceActions";
import { DeviceEdit } from "./DeviceEdit";
import { AuditTrail, GatewayChildren, RejectedMessages } from "./DeviceRecords";
import { DeviceTelemetry } from "./DeviceTelemetry";
import { DeviceTwinPanel } from "./DeviceTwinPanel";
import { StatusBadge, when } from "./format";
import { SecretOnce } from "./SecretOnce";
import "./devices.css";

/** How often status and last-seen are re-read while the page is visible. */
const REFRESH_MS = 10_000;

const deviceLink = (id: string) => {
  const href = `/devices/${encodeURIComponent(id)}`;
  return (
    <a href={href} onClick={linkHandler(href)}>
      <code>{id}</code>
    </a>
  );
};

function Facts({ device }: { device: Device }) {
  const rows: [string, ComponentChildren][] = [
    ["Type", device.type],
    ["Kind", device.kind],
    ["Parent gateway", device.parentId ? deviceLink(device.parentId) : "none"],
    ["Profile", device.profileId ?? "none"],
    ["Last seen", when(device.lastSeenAt)],
    ["Firmware", device.firmwareVersion ?? "—"],
    ["Hardware", device.hardwareRevision ?? "—"],
    ["Tags", device.tags.length ? device.tags.join(", ") : "—"],
    ["Location", device.location ? `${device.location.lat}, ${device.location.lon}` : "—"],
    ["Registered", when(device.createdAt)],
    ["Secret last rotated", when(device.credentialsRotatedAt)],
  ];
  return (
    <dl class="facts card" id="device-facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DeviceDetail({ id, role, tenant }: { id: string; role: Role; tenant: string }) {
  const [device, setDevice] = useState<Device | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [secret, setSecret] = useState<Credentials | null>(null);

  const load = useCallback(
    () =>
      devicesApi.get(id).then(
        (d) => {
          setDevice(d);
          setError(null);
        },
        (err: Error) => setError(err),
      ),
    [id],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => document.visibilityState === "visible" && void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <section id="device-view" aria-labelledby="page-title">
      <p>
        <a href="/devices" onClick={linkHandler("/devices")}>
          ← All devices
        </a>
      </p>
      <div class="device-header">
        <h1 id="page-title" tabIndex={-1}>
          {device ? device.name : id}
        </h1>
        {device && (
          <>
            <code id="device-id">{device.id}</code>
            <span id="device-status">
              <StatusBadge device={device} />
            </span>
          </>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {notFound ? `There is no device ${id} in this workspace.` : describe(error)}
        </p>
      )}
      {device && (
        <>
          <Facts device={device} />
          {secret && <SecretOnce tenant={tenant} id={device.id} credentials={secret} title={`New secret for ${device.id}`} onDismiss={() => setSecret(null)} />}
          {can(role, "MEMBER") && <DeviceActions device={device} onChanged={setDevice} onRotated={setSecret} />}
          {can(role, "MEMBER") && <DeviceEdit device={device} onSaved={setDevice} />}
          {device.type === "gateway" && <GatewayChildren gatewayId={device.id} />}
          <DeviceHealthPanel device={device} canEdit={can(role, "MEMBER")} onDeviceSaved={setDevice} />
          <DeviceAlarmsPanel deviceId={device.id} role={role} />
          <DeviceTelemetry deviceId={device.id} />
          <DeviceTwinPanel deviceId={device.id} canEdit={can(role, "MEMBER")} />
          <CommandsPanel deviceId={device.id} canEdit={can(role, "MEMBER")} />
          <RejectedMessages deviceId={device.id} />
          {can(role, "ADMIN") && <AuditTrail deviceId={device.id} />}
        </>
      )}
    </section>
  );
}
