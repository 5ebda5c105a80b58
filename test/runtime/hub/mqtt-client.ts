/**
 * A raw MQTT test client over a WebSocket opened through the Worker (exports.default.fetch),
 * built on the project's codec: it sends exact packets (including broken ones) and lets a test
 * await what the hub answers.
 */
import { exports } from "cloudflare:workers";
import { encodePacket, MqttDecoder, type MqttPacket, type MqttPacketType, type PacketOfType, type ProtocolLevel } from "../../../domain/mqtt";

export type OpenOptions = { path?: string; host?: string; subprotocol?: string | null; headers?: Record<string, string> };

export class TestClient {
  readonly received: MqttPacket[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  closeCode: number | null = null;
  private readonly decoder: MqttDecoder;

  constructor(
    readonly ws: WebSocket,
    readonly level: ProtocolLevel,
  ) {
    this.decoder = new MqttDecoder({ maxPacketSize: 1 << 24, protocolLevel: level });
    // Client-side sockets deliver binary frames as Blobs: read them in arrival order.
    let chain = Promise.resolve();
    ws.addEventListener("message", (e) => {
      chain = chain.then(async () => {
        const data = e.data instanceof ArrayBuffer ? new Uint8Array(e.data) : e.data instanceof Blob ? new Uint8Array(await e.data.arrayBuffer()) : new TextEncoder().encode(String(e.data));
        this.received.push(...this.decoder.push(data));
        this.wake();
      });
    });
    ws.addEventListener("close", (e) => {
      chain = chain.then(() => {
        this.closed = true;
        this.closeCode = e.code;
        this.wake();
      });
    });
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(packet: MqttPacket): void {
    this.ws.send(encodePacket(packet, this.level));
  }

  sendRaw(bytes: Uint8Array | number[]): void {
    this.ws.send(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  }

  /** Waits for (and removes) the first received packet of `type`. */
  async next<T extends MqttPacketType>(type: T, timeoutMs = 2000): Promise<PacketOfType<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((p) => p.type === type);
      if (i >= 0) return this.received.splice(i, 1)[0] as PacketOfType<T>;
      if (this.closed) throw new Error(`connection closed (code ${this.closeCode}) while waiting for ${type}; got ${JSON.stringify(this.received.map((p) => p.type))}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${type}; got ${JSON.stringify(this.received.map((p) => p.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Asserts nothing of `type` arrives within `ms`. */
  async nothing(type: MqttPacketType, ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const got = this.received.filter((p) => p.type === type);
    if (got.length) throw new Error(`expected no ${type}, got ${JSON.stringify(got)}`);
  }

  async waitClosed(timeoutMs = 2000): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("connection did not close");
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closeCode;
  }

  close(): void {
    try {
      this.ws.close(1000);
    } catch {
      // already closed
    }
  }
}

export async function openSocket(tenantId: string, level: ProtocolLevel = 5, opts: OpenOptions = {}): Promise<TestClient> {
  const headers: Record<string, string> = { ...opts.headers, upgrade: "websocket" };
  if (opts.subprotocol !== null) headers["sec-websocket-protocol"] = opts.subprotocol ?? "mqtt";
  const res = await exports.default.fetch(`http://${opts.host ?? "localhost"}${opts.path ?? `/t/${tenantId}/mqtt`}`, { headers });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  res.webSocket.accept();
  return new TestClient(res.webSocket, level);
}

const enc = new TextEncoder();
export const bytes = (s: string) => enc.encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Opens a socket and completes CONNECT; throws unless CONNACK succeeds. */
export async function connect(
  tenantId: string,
  o: { clientId: string; username?: string; password?: string; level?: ProtocolLevel; cleanStart?: boolean; keepAlive?: number; properties?: Record<string, unknown>; will?: any; headers?: Record<string, string> },
): Promise<TestClient> {
  const client = await openSocket(tenantId, o.level ?? 5, o.headers ? { headers: o.headers } : {});
  client.send({
    type: "connect",
    protocolLevel: o.level ?? 5,
    clientId: o.clientId,
    keepAlive: o.keepAlive ?? 60,
    cleanStart: o.cleanStart ?? true,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: bytes(o.password) } : {}),
    ...(o.properties ? { properties: o.properties } : {}),
    ...(o.will ? { will: o.will } : {}),
  } as MqttPacket);
  const connack = await client.next("connack");
  if (connack.reasonCode !== 0) throw new Error(`CONNACK ${connack.reasonCode}: ${JSON.stringify(connack.properties)}`);
  return client;
}
