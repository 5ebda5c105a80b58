/**
 * Fuzz: random, truncated and malformed packets thrown at a hub while a well-behaved pair keeps
 * exchanging QoS 1 messages. The bad connections are closed; the good pair loses nothing.
 */
import { describe, expect, it } from "vitest";
import { encodePacket, type MqttPacket } from "../../../domain/mqtt";
import { createDevice, signup } from "../helpers";
import { bytes, connect, openSocket, text } from "./mqtt-client";

/** Small seeded PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("fuzz", () => {
  it("survives random and truncated packets while other clients lose nothing", async () => {
    const t = await signup();
    const dev = await createDevice(t.ownerToken, { id: "steady" });
    const topic = `t/${t.tenantId}/devices/steady/telemetry`;
    const sub = await connect(t.tenantId, { clientId: "steady-sub", username: "api", password: t.ownerToken });
    sub.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: topic, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await sub.next("suback");
    const pub = await connect(t.tenantId, { clientId: "steady", username: "steady", password: dev.credentials.password });

    const rand = prng(20261123);
    const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    const connectPacket: MqttPacket = { type: "connect", protocolLevel: 5, clientId: "fuzz", keepAlive: 30, cleanStart: true, username: "steady", password: bytes("wrong") };
    const valid = [
      encodePacket(connectPacket, 5),
      encodePacket({ type: "publish", topic, payload: bytes("x"), qos: 1, retain: false, dup: false, packetId: 9 }, 5),
      encodePacket({ type: "subscribe", packetId: 3, subscriptions: [{ topicFilter: "#", qos: 2, noLocal: false, retainAsPublished: false, retainHandling: 0 }] }, 5),
    ];
    const attacks: (() => Uint8Array)[] = [
      () => randomBytes(1 + Math.floor(rand() * 64)),
      () => {
        const p = valid[Math.floor(rand() * valid.length)]!;
        return p.slice(0, Math.max(1, Math.floor(rand() * p.length)));
      },
      () => {
        const p = valid[Math.floor(rand() * valid.length)]!.slice();
        p[Math.floor(rand() * p.length)] = Math.floor(rand() * 256);
        return p;
      },
      () => Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0x7f]), // PUBLISH claiming 256 MB
      () => Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]), // five-byte remaining length
      () => Uint8Array.from([0xf0, 0x00]), // AUTH before CONNECT
    ];

    let sent = 0;
    const received: string[] = [];
    const fuzzers: Promise<void>[] = [];
    for (let round = 0; round < 40; round++) {
      fuzzers.push(
        (async () => {
          const bad = await openSocket(t.tenantId, 5);
          const frames = 1 + Math.floor(rand() * 3);
          for (let f = 0; f < frames && !bad.closed; f++) bad.sendRaw(attacks[Math.floor(rand() * attacks.length)]!());
          bad.close();
        })(),
      );
      pub.send({ type: "publish", topic, payload: bytes(`m${sent}`), qos: 1, retain: false, dup: false, packetId: (sent % 60000) + 1 });
      sent++;
      await pub.next("puback");
      const got = await sub.next("publish");
      received.push(text(got.payload));
      sub.send({ type: "puback", packetId: got.packetId!, reasonCode: 0 });
    }
    await Promise.all(fuzzers);
    // And the hub still serves new clients normally.
    pub.send({ type: "pingreq" });
    await pub.next("pingresp");
    expect(received).toEqual(Array.from({ length: sent }, (_, i) => `m${i}`));
    expect(pub.closed || sub.closed).toBe(false);
    pub.close();
    sub.close();
  });
});
