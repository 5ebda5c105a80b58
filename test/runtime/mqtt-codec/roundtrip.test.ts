import { describe, expect, it } from "vitest";
import { encodePacket, MqttDecoder, MqttEncoder, type MqttPacket } from "../../../domain/mqtt";
import { ALL_FIXTURES, CANONICAL_FIXTURES } from "./fixtures";
import { decoderBefore } from "./helpers";

describe("hand-written fixtures decode to the expected packet", () => {
  for (const fixture of ALL_FIXTURES) {
    it(fixture.name, () => {
      const packets = decoderBefore(fixture.packet, fixture.protocolLevel).push(Uint8Array.from(fixture.bytes));
      expect(packets).toStrictEqual([fixture.packet]);
    });
  }
});

describe("the expected packet encodes back to the exact fixture bytes", () => {
  for (const fixture of CANONICAL_FIXTURES) {
    it(fixture.name, () => {
      expect(Array.from(encodePacket(fixture.packet, fixture.protocolLevel))).toEqual(fixture.bytes);
    });
  }
});

describe("protocol version", () => {
  it("is learned from CONNECT and used for the packets after it", () => {
    const decoder = new MqttDecoder({ maxPacketSize: 1024 });
    expect(decoder.protocolLevel).toBeUndefined();
    const connect = encodePacket({ type: "connect", protocolLevel: 5, clientId: "c", keepAlive: 0, cleanStart: true }, 5);
    // A v5 PUBACK with a reason code: three bytes of body that 3.1.1 would call malformed.
    const puback = Uint8Array.of(0x40, 0x03, 0x00, 0x01, 0x10);
    const packets = decoder.push(Uint8Array.from([...connect, ...puback]));
    expect(decoder.protocolLevel).toBe(5);
    expect(packets[1]).toEqual({ type: "puback", packetId: 1, reasonCode: 0x10 });
  });

  it("refuses levels other than 4 and 5", () => {
    expect(() => new MqttDecoder({ maxPacketSize: 1024, protocolLevel: 3 as 4 })).toThrow(RangeError);
    expect(() => new MqttDecoder({ maxPacketSize: 1 })).toThrow(RangeError);
  });

  it("can be set from outside, e.g. by a client that sent the CONNECT itself", () => {
    const decoder = new MqttDecoder({ maxPacketSize: 1024 });
    decoder.protocolLevel = 4;
    expect(decoder.push(Uint8Array.of(0x20, 0x02, 0x00, 0x00))).toEqual([{ type: "connack", sessionPresent: false, reasonCode: 0 }]);
  });
});

describe("encoding across versions", () => {
  it("drops v5 properties when forwarding a PUBLISH to a 3.1.1 client", () => {
    const publish = {
      type: "publish" as const,
      topic: "a",
      payload: Uint8Array.of(1),
      qos: 1 as const,
      retain: false,
      dup: false,
      packetId: 9,
      properties: { userProperties: [["k", "v"]] as [string, string][], messageExpiryInterval: 5 },
    };
    expect(Array.from(encodePacket(publish, 4))).toEqual([0x32, 0x06, 0x00, 0x01, 0x61, 0x00, 0x09, 0x01]);
  });

  it("drops reason codes from 3.1.1 acknowledgements and DISCONNECT", () => {
    expect(Array.from(encodePacket({ type: "puback", packetId: 1, reasonCode: 0x80 }, 4))).toEqual([0x40, 0x02, 0x00, 0x01]);
    expect(Array.from(encodePacket({ type: "disconnect", reasonCode: 0x8e }, 4))).toEqual([0xe0, 0x00]);
  });

  it("refuses what 3.1.1 cannot express", () => {
    expect(() => encodePacket({ type: "auth", reasonCode: 0 }, 4)).toThrow(RangeError);
    expect(() => encodePacket({ type: "connack", sessionPresent: false, reasonCode: 0x87 }, 4)).toThrow(RangeError);
    expect(() => encodePacket({ type: "suback", packetId: 1, reasonCodes: [0x87] }, 4)).toThrow(RangeError);
    const passwordOnly = { type: "connect", protocolLevel: 4, clientId: "c", keepAlive: 0, cleanStart: true, password: Uint8Array.of(1) } as const;
    expect(() => encodePacket(passwordOnly, 4)).toThrow(RangeError);
  });

  it("refuses values that would make a malformed packet", () => {
    const publish = { type: "publish", topic: "a", payload: new Uint8Array(0), retain: false } as const;
    expect(() => encodePacket({ ...publish, qos: 1, dup: false }, 5)).toThrow(RangeError); // no packet id
    expect(() => encodePacket({ ...publish, qos: 0, dup: true }, 5)).toThrow(RangeError); // [MQTT-3.3.1-2]
    expect(() => encodePacket({ ...publish, topic: "a\0b", qos: 0, dup: false }, 5)).toThrow(RangeError);
    expect(() => encodePacket({ ...publish, topic: "\ud800", qos: 0, dup: false }, 5)).toThrow(RangeError);
    expect(() => encodePacket({ ...publish, topic: "x".repeat(65536), qos: 0, dup: false }, 5)).toThrow(RangeError);
    expect(() => encodePacket({ ...publish, qos: 0, dup: false, properties: { topicAlias: 0 } }, 5)).toThrow(RangeError);
    expect(() => encodePacket({ ...publish, topic: "a/#", qos: 0, dup: false }, 5)).toThrow(RangeError); // [MQTT-3.3.2-2]
    expect(() => encodePacket({ ...publish, topic: "", qos: 0, dup: false }, 4)).toThrow(RangeError); // [MQTT-4.7.3-1]
    expect(() => encodePacket({ type: "subscribe", packetId: 1, subscriptions: [] }, 5)).toThrow(RangeError);
    const shared = { topicFilter: "$share/g/t", qos: 0, noLocal: true, retainAsPublished: false, retainHandling: 0 } as const;
    expect(() => encodePacket({ type: "subscribe", packetId: 1, subscriptions: [shared] }, 5)).toThrow(RangeError); // [MQTT-3.8.3-4]
    expect(() => encodePacket({ type: "puback", packetId: 1, reasonCode: 0x01 }, 5)).toThrow(RangeError);
    expect(() => encodePacket({ type: "disconnect", reasonCode: 0x05 }, 5)).toThrow(RangeError);
    expect(() => encodePacket({ type: "connack", sessionPresent: true, reasonCode: 0x80 }, 5)).toThrow(RangeError);
  });
});

describe("MqttEncoder", () => {
  it("produces the same bytes as encodePacket", () => {
    const encoder = new MqttEncoder();
    for (const fixture of CANONICAL_FIXTURES) {
      expect(Array.from(encoder.encode(fixture.packet, fixture.protocolLevel)), fixture.name).toEqual(fixture.bytes);
    }
  });

  it("never hands out the same memory twice", () => {
    const encoder = new MqttEncoder();
    const packets: MqttPacket[] = Array.from({ length: 500 }, (_, i) => ({
      type: "publish",
      topic: `t/${i}`,
      payload: new Uint8Array(i % 200).fill(i & 0xff),
      qos: 0,
      retain: false,
      dup: false,
    }));
    const encoded = packets.map((packet) => encoder.encode(packet, 5));
    packets.forEach((packet, i) => expect(encoded[i]).toStrictEqual(encodePacket(packet, 5)));
  });

  it("gives large packets, and packets from encodePacket, a buffer of their own", () => {
    const encoder = new MqttEncoder();
    const large = encoder.encode({ type: "publish", topic: "t", payload: new Uint8Array(5000), qos: 0, retain: false, dup: false }, 4);
    expect(large.buffer.byteLength).toBe(large.length);
    expect(() => encoder.encode({ type: "auth", reasonCode: 0 }, 4)).toThrow(RangeError);
    const oneOff = encodePacket({ type: "connack", sessionPresent: false, reasonCode: 0 }, 4);
    expect(oneOff.buffer.byteLength).toBe(oneOff.length); // the failed encode left no slab active
  });
});
