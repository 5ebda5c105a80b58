/** Retained messages, one per canonical topic (an empty retained payload clears it). */
import type { QoS } from "../../../domain/mqtt";
import { topicMatches } from "../../../domain/topics";
import { decodeProperties, encodeProperties, type HubMessage } from "../message";

type Raw = { topic: string; payload: ArrayBuffer; qos: number; properties: string | null; expires_at: number | null };

export class RetainedStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Stores (or, for an empty payload, clears) the retained message of `msg.topic` [MQTT-3.3.1-6], [MQTT-3.3.1-10]. */
  put(msg: HubMessage, now: number): void {
    if (msg.payload.byteLength === 0) {
      this.sql.exec("DELETE FROM retained WHERE topic = ?", msg.topic);
      return;
    }
    this.sql.exec(
      `INSERT INTO retained (topic, payload, qos, properties, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(topic) DO UPDATE SET payload = excluded.payload, qos = excluded.qos, properties = excluded.properties, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      msg.topic,
      msg.payload,
      msg.qos,
      encodeProperties(msg.properties),
      msg.expiresAt ?? null,
      now,
    );
  }

  /**
   * Retained messages matching a (non-shared) filter. Only topics under the filter's literal
   * prefix are read, so a subscription to one device does not scan the tenant's whole tree.
   */
  matching(filter: string, now: number): HubMessage[] {
    const wildcard = filter.search(/[+#]/);
    const prefix = wildcard < 0 ? filter : filter.slice(0, wildcard);
    const rows = wildcard < 0 ? this.sql.exec<Raw>("SELECT * FROM retained WHERE topic = ?", filter).toArray() : this.sql.exec<Raw>("SELECT * FROM retained WHERE topic >= ? AND topic < ? || char(1114111)", prefix, prefix).toArray();
    const out: HubMessage[] = [];
    for (const r of rows) {
      if (r.expires_at !== null && r.expires_at <= now) {
        this.sql.exec("DELETE FROM retained WHERE topic = ?", r.topic);
        continue;
      }
      if (!topicMatches(filter, r.topic)) continue;
      out.push({ topic: r.topic, payload: new Uint8Array(r.payload), qos: r.qos as QoS, retain: true, properties: decodeProperties(r.properties), ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}), publisher: "" });
    }
    return out;
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM retained").one().n;
  }
}
