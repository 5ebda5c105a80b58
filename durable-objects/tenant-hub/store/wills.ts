/** Will messages of connected sessions, and wills waiting out their v5 Will Delay Interval. */
import type { QoS } from "../../../domain/mqtt";
import { decodeProperties, encodeProperties, type HubMessage } from "../message";
import { RetainedStore } from "./retained";

type Raw = { client_id: string; topic: string; payload: ArrayBuffer; qos: number; retain: number; properties: string | null; delay_seconds: number; fire_at: number | null };

export class WillStore {
  private readonly retained: RetainedStore;

  constructor(private readonly sql: SqlStorage) {
    this.retained = new RetainedStore(sql);
  }

  set(clientId: string, will: HubMessage, delaySeconds: number): void {
    this.sql.exec(
      `INSERT INTO wills (client_id, topic, payload, qos, retain, properties, delay_seconds, fire_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT(client_id) DO UPDATE SET topic = excluded.topic, payload = excluded.payload, qos = excluded.qos, retain = excluded.retain,
         properties = excluded.properties, delay_seconds = excluded.delay_seconds, fire_at = NULL`,
      clientId,
      will.topic,
      will.payload,
      will.qos,
      will.retain ? 1 : 0,
      encodeProperties(will.properties),
      delaySeconds,
    );
  }

  /** A normal DISCONNECT (or a new connection) discards the will [MQTT-3.1.2-10]. */
  clear(clientId: string): void {
    this.sql.exec("DELETE FROM wills WHERE client_id = ?", clientId);
  }

  /** Schedules the will after an abnormal close; returns the fire time, or null when there is no will. */
  arm(clientId: string, now: number): number | null {
    const row = this.sql.exec<{ delay_seconds: number }>("SELECT delay_seconds FROM wills WHERE client_id = ?", clientId).toArray()[0];
    if (!row) return null;
    const fireAt = now + row.delay_seconds * 1000;
    this.sql.exec("UPDATE wills SET fire_at = ? WHERE client_id = ?", fireAt, clientId);
    return fireAt;
  }

  /**
   * Takes (removes and returns) the wills due now, or of the given client regardless of delay.
   * Every caller publishes what it takes, so a will with Will Retain becomes the topic's retained
   * message here, for all of them ([MQTT-3.1.2-17], v5 [MQTT-3.1.2-15]).
   */
  takeDue(now: number, clientId?: string): { clientId: string; message: HubMessage }[] {
    const rows = clientId ? this.sql.exec<Raw>("SELECT * FROM wills WHERE client_id = ? AND fire_at IS NOT NULL", clientId).toArray() : this.sql.exec<Raw>("SELECT * FROM wills WHERE fire_at IS NOT NULL AND fire_at <= ?", now).toArray();
    for (const r of rows) this.sql.exec("DELETE FROM wills WHERE client_id = ?", r.client_id);
    const taken = rows.map((r) => ({
      clientId: r.client_id,
      message: { topic: r.topic, payload: new Uint8Array(r.payload), qos: r.qos as QoS, retain: r.retain === 1, properties: decodeProperties(r.properties), publisher: r.client_id } satisfies HubMessage,
    }));
    for (const { message } of taken) if (message.retain) this.retained.put(message, now);
    return taken;
  }

  nextFireAt(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT MIN(fire_at) AS at FROM wills WHERE fire_at IS NOT NULL").one().at;
  }
}
