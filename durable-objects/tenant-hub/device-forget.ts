/**
 * A deleted device leaves nothing in its tenant's hub. Its id can be registered again, and the
 * new device must not inherit the old one's retained desired attributes (which may hold secrets),
 * its session with queued messages and subscriptions, or its will. Commands are the command
 * center's to forget (`CommandCenter.deviceDeleted`).
 */
import { ReasonCode } from "../../domain/mqtt";
import type { Broker } from "./broker";

export type ForgottenDevice = { disconnected: number; sessions: number; retained: number };

/** Every retained topic that belongs to the device: its own tree, its gateway tree and its alarm topic. */
function deviceTopicRoots(tenantId: string, deviceId: string): string[] {
  return [`t/${tenantId}/devices/${deviceId}`, `t/${tenantId}/gateways/${deviceId}`, `t/${tenantId}/alarms/${deviceId}`];
}

function deleteRetainedUnder(sql: SqlStorage, root: string): number {
  // A range, not LIKE: device ids may contain LIKE's wildcards.
  const exact = sql.exec("DELETE FROM retained WHERE topic = ?", root).rowsWritten;
  const below = sql.exec("DELETE FROM retained WHERE topic >= ? AND topic < ? || char(1114111)", `${root}/`, `${root}/`).rowsWritten;
  return exact + below;
}

/** Client ids of the sessions the device's own credentials created (never a gateway's or an application's). */
function sessionsOfDevice(sql: SqlStorage, deviceId: string): string[] {
  return sql
    .exec<{ client_id: string }>("SELECT client_id FROM sessions WHERE json_extract(principal, '$.credential.kind') = 'device' AND json_extract(principal, '$.credential.id') = ?", deviceId)
    .toArray()
    .map((r) => r.client_id);
}

/**
 * Disconnects the device, then discards its sessions (subscriptions, queued and in-flight
 * messages) and its wills without firing them — a deleted device's last words could otherwise be
 * retained on its topics again — and deletes the retained messages on its topics.
 */
export function forgetDevice(broker: Broker, sql: SqlStorage, deviceId: string): ForgottenDevice {
  const disconnected = broker.disconnectWhere((conn) => conn.state.principal?.credential.kind === "device" && conn.state.principal.credential.id === deviceId, ReasonCode.AdministrativeAction, "device deleted");
  const sessions = sessionsOfDevice(sql, deviceId);
  for (const clientId of sessions) {
    broker.wills.clear(clientId);
    broker.discardSession(clientId);
  }
  let retained = 0;
  for (const root of deviceTopicRoots(broker.tenantId, deviceId)) retained += deleteRetainedUnder(sql, root);
  broker.effects.reschedule();
  return { disconnected, sessions: sessions.length, retained };
}
