/**
 * A simulated device for rollout tests inside workerd: a real MQTT connection through the
 * Worker, subscribed to its `…/ota` topic; on a notice it downloads the artifact through its
 * link, checks the SHA-256 and reports states on `…/ota/status` as its behaviour says.
 */
import { exports } from "cloudflare:workers";
import type { OtaNotice } from "../../../domain/schemas/rollouts";
import { bytes, connect, text, type TestClient } from "../hub/mqtt-client";

export type Behaviour = "succeed" | "fail" | "silent" | "boot_old_image" | "reject";

export class SimDevice {
  readonly notices: OtaNotice[] = [];
  version: string;
  private client: TestClient | null = null;
  private running = false;

  constructor(
    private readonly tenantId: string,
    readonly id: string,
    private readonly secret: string,
    public behaviour: Behaviour,
    version = "1.0.0",
  ) {
    this.version = version;
  }

  async start(): Promise<void> {
    this.client = await connect(this.tenantId, { clientId: this.id, username: this.id, password: this.secret, keepAlive: 600 });
    this.client.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${this.tenantId}/devices/${this.id}/ota`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] } as never);
    await this.client.next("suback");
    this.running = true;
    void this.loop();
  }

  /** A telemetry reading, as the device would publish it. */
  telemetry(values: Record<string, number>): void {
    this.client?.send({ type: "publish", topic: `t/${this.tenantId}/devices/${this.id}/telemetry`, payload: bytes(JSON.stringify(values)), qos: 0, retain: false, dup: false } as never);
  }

  stop(): void {
    this.running = false;
    this.client?.close();
    this.client = null;
  }

  private report(body: Record<string, unknown>): void {
    this.client?.send({ type: "publish", topic: `t/${this.tenantId}/devices/${this.id}/ota/status`, payload: bytes(JSON.stringify(body)), qos: 0, retain: false, dup: false } as never);
  }

  private async loop(): Promise<void> {
    while (this.running && this.client) {
      let packet;
      try {
        packet = await this.client.next("publish", 60_000);
      } catch {
        // A closed connection (the device was deleted, or stopped) ends the loop; a quiet minute does not.
        if (this.client?.closed !== false) break;
        continue;
      }
      if (packet.payload.byteLength === 0) continue;
      const notice = JSON.parse(text(packet.payload)) as OtaNotice;
      this.notices.push(notice);
      await this.act(notice);
    }
  }

  private async act(n: OtaNotice): Promise<void> {
    const base = { rolloutId: n.rolloutId };
    if (this.behaviour === "silent") return;
    if (this.behaviour === "reject") return this.report({ ...base, state: "rejected", error: "battery too low" });
    this.report({ ...base, state: "downloading", progress: 0 });
    const res = await exports.default.fetch(`http://localhost${n.url}`);
    const image = new Uint8Array(await res.arrayBuffer());
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", image))].map((b) => b.toString(16).padStart(2, "0")).join("");
    if (res.status !== 200 || digest !== n.sha256) return this.report({ ...base, state: "failed", error: `download ${res.status}, sha256 ${digest}` });
    this.report({ ...base, state: "downloaded", progress: 100 });
    this.report({ ...base, state: "verified" });
    this.report({ ...base, state: "installing" });
    if (this.behaviour === "fail") return this.report({ ...base, state: "failed", error: "flash write error" });
    if (this.behaviour === "succeed") this.version = n.version;
    this.report({ ...base, state: "succeeded", version: this.version });
  }
}
