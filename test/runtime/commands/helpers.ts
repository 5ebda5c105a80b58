/** Helpers of the command tests: a tenant with devices, the command API, and devices over MQTT inside workerd. */
import type { ProtocolLevel } from "../../../domain/mqtt";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { connect, text, type TestClient } from "../hub/mqtt-client";

export type CommandWorld = TenantFixture & { secrets: Record<string, string> };

export async function commandWorld(devices: string[]): Promise<CommandWorld> {
  const t = await signup();
  const secrets: Record<string, string> = {};
  for (const id of devices) secrets[id] = (await createDevice(t.ownerToken, { id })).credentials.password;
  return { ...t, secrets };
}

export const sendCommand = (w: CommandWorld, deviceId: string, body: Record<string, unknown>, status = 201) => expectOk(api("POST", `/api/v1/devices/${deviceId}/commands`, { token: w.ownerToken, body }), status);

export const readCommand = (w: CommandWorld, deviceId: string, id: string) => expectOk(api("GET", `/api/v1/devices/${deviceId}/commands/${id}`, { token: w.ownerToken }));

export const statuses = (command: { history: { status: string }[] }) => command.history.map((h) => h.status);

/** Polls the API until the command reaches `status` (the alarm and the hub work on their own). */
export async function waitForStatus(w: CommandWorld, deviceId: string, id: string, status: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await readCommand(w, deviceId, id);
    if (c.status === status) return c;
    if (Date.now() > deadline) throw new Error(`command ${id} is ${c.status}, not ${status}: ${JSON.stringify(c.history)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A device connected and subscribed to its commands (QoS 1 unless told otherwise). */
export async function commandDevice(w: CommandWorld, deviceId: string, o: { level?: ProtocolLevel; cleanStart?: boolean; properties?: Record<string, unknown>; qos?: 0 | 1; subscribe?: boolean } = {}): Promise<TestClient> {
  const client = await connect(w.tenantId, { clientId: deviceId, username: deviceId, password: w.secrets[deviceId]!, level: o.level ?? 5, cleanStart: o.cleanStart ?? true, ...(o.properties ? { properties: o.properties } : {}) });
  if (o.subscribe !== false) {
    client.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${w.tenantId}/devices/${deviceId}/cmd/+`, qos: o.qos ?? 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await client.next("suback");
  }
  return client;
}

/** The next command PUBLISH a device receives, with its JSON body. */
export async function nextCommand(client: TestClient, timeoutMs = 3_000) {
  const packet = await client.next("publish", timeoutMs);
  return { packet, body: JSON.parse(text(packet.payload)) as { id: string; method: string; params: unknown; responseRequired: boolean; expiresAt: number } };
}

export function respond(client: TestClient, w: CommandWorld, deviceId: string, commandId: string, body: unknown, packetId = 77) {
  client.send({ type: "publish", topic: `t/${w.tenantId}/devices/${deviceId}/cmd/${commandId}/response`, payload: new TextEncoder().encode(JSON.stringify(body)), qos: 1, retain: false, dup: false, packetId });
}
