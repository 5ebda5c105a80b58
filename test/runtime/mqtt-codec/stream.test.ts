import { describe, expect, it } from "vitest";
import { encodePacket, MqttDecoder, ReasonCode, type MqttPacket } from "../../../domain/mqtt";
import { ALL_FIXTURES, type Fixture } from "./fixtures";
import { concat, decodeInChunks, decoderBefore, decoderFor, protocolErrorOf } from "./helpers";

/** One connection's worth of fixtures: the version's first CONNECT, then every non-CONNECT fixture. */
function connectionFixtures(level: 4 | 5): Fixture[] {
  const ofVersion = ALL_FIXTURES.filter((f) => f.protocolLevel === level);
  const connect = ofVersion.find((f) => f.packet.type === "connect")!;
  return [connect, ...ofVersion.filter((f) => f.packet.type !== "connect")];
}
const freshDecoder = () => new MqttDecoder({ maxPacketSize: 1 << 20 });

describe("a fixture fed one byte at a time", () => {
  for (const fixture of ALL_FIXTURES) {
    it(fixture.name, () => {
      const decoder = decoderBefore(fixture.packet, fixture.protocolLevel);
      const packets: MqttPacket[] = [];
      for (const byte of fixture.bytes) packets.push(...decoder.push(Uint8Array.of(byte)));
      expect(packets).toStrictEqual([fixture.packet]);
    });
  }
});

describe("a fixture split in three at every pair of offsets", () => {
  // Cubic in the size, so only for fixtures of ordinary length; the long one is split in two.
  for (const fixture of ALL_FIXTURES) {
    it(fixture.name, () => {
      const bytes = Uint8Array.from(fixture.bytes);
      const secondCuts = (i: number) => (bytes.length <= 128 ? range(i, bytes.length) : [i]);
      for (let i = 0; i <= bytes.length; i++) {
        for (const j of secondCuts(i)) {
          expect(decodeInChunks(decoderBefore(fixture.packet, fixture.protocolLevel), bytes, [i, j])).toStrictEqual([fixture.packet]);
        }
      }
    });
  }
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

describe.each([4, 5] as const)("a CONNECT and every other level-%s fixture as one stream", (level) => {
  const fixtures = connectionFixtures(level);
  const stream = concat(fixtures.map((f) => f.bytes));
  const expected = fixtures.map((f) => f.packet);

  it("decodes from a single chunk", () => {
    expect(freshDecoder().push(stream)).toStrictEqual(expected);
  });

  it("decodes when split in two at every offset", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(decodeInChunks(freshDecoder(), stream, [cut])).toStrictEqual(expected);
    }
  });

  it("decodes in chunks of every size from 1 to 64 bytes", () => {
    for (let size = 1; size <= 64; size++) {
      const cuts: number[] = [];
      for (let at = size; at < stream.length; at += size) cuts.push(at);
      expect(decodeInChunks(freshDecoder(), stream, cuts)).toStrictEqual(expected);
    }
  });
});

describe("chunk boundaries", () => {
  it("accepts empty chunks anywhere", () => {
    const decoder = decoderFor(5);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.push(Uint8Array.of(0x30))).toEqual([]);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.push(Uint8Array.of(0x04, 0x00, 0x01, 0x74))).toEqual([]);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.push(Uint8Array.of(0x00))).toHaveLength(1);
  });

  it("splits inside a four-byte remaining length", () => {
    const payload = new Uint8Array(2_100_000).map((_, i) => i & 0xff);
    const bytes = encodePacket({ type: "publish", topic: "big", payload, qos: 0, retain: false, dup: false }, 5);
    expect(bytes.subarray(1, 5).every((b, i) => (i < 3 ? b >= 0x80 : b < 0x80))).toBe(true);
    const decoder = decoderFor(5, 4 << 20);
    for (let cut = 1; cut <= 5; cut++) {
      const packets = decodeInChunks(decoder, bytes, [cut, cut + 1, 1000]);
      expect(packets).toHaveLength(1);
      // Compared by hand: a deep equality over 2 MB is needlessly slow.
      const decoded = (packets[0] as { payload: Uint8Array }).payload;
      expect(decoded.length).toBe(payload.length);
      expect(decoded.every((byte, i) => byte === payload[i])).toBe(true);
    }
  });

  it("copies a packet spanning chunks, so reusing the chunk buffer does not change it", () => {
    const decoder = decoderFor(4);
    const chunk = Uint8Array.of(0x30, 0x05, 0x00, 0x01, 0x74);
    expect(decoder.push(chunk)).toEqual([]);
    chunk.set([0xaa, 0xbb]); // the caller reuses its buffer for the next read
    const [packet] = decoder.push(chunk.subarray(0, 2));
    expect(packet).toMatchObject({ topic: "t", payload: Uint8Array.of(0xaa, 0xbb) });
    chunk.fill(0);
    expect(packet).toMatchObject({ topic: "t", payload: Uint8Array.of(0xaa, 0xbb) });
  });
});

describe("maximum packet size", () => {
  it("refuses an oversized packet from its fixed header alone, before the body arrives", () => {
    const decoder = decoderFor(5, 1000);
    // PUBLISH with remaining length 998 → 1001 bytes in all; only the header is pushed.
    const error = protocolErrorOf(() => decoder.push(Uint8Array.of(0x30, 0xe6, 0x07)));
    expect(error.reasonCode).toBe(ReasonCode.PacketTooLarge);
  });

  it("accepts a packet of exactly the maximum size", () => {
    const decoder = decoderFor(5, 1000);
    // first byte, 2-byte remaining length, topic "t", empty property list, payload
    const payload = new Uint8Array(1000 - 1 - 2 - 3 - 1);
    const bytes = encodePacket({ type: "publish", topic: "t", payload, qos: 0, retain: false, dup: false }, 5);
    expect(bytes.length).toBe(1000);
    expect(decoder.push(bytes)).toHaveLength(1);
  });

  it("refuses a CONNECT larger than the limit before the version is known", () => {
    const decoder = new MqttDecoder({ maxPacketSize: 64 });
    const error = protocolErrorOf(() => decoder.push(Uint8Array.of(0x10, 0xff, 0x7f)));
    expect(error.reasonCode).toBe(ReasonCode.PacketTooLarge);
  });
});

describe("after an error", () => {
  it("the decoder stays failed and rethrows the same error", () => {
    const decoder = decoderFor(4);
    const first = protocolErrorOf(() => decoder.push(Uint8Array.of(0x80, 0x00)));
    const again = protocolErrorOf(() => decoder.push(Uint8Array.of(0xc0, 0x00)));
    expect(again).toBe(first);
  });

  it("packets completed earlier in the same chunk are lost with it", () => {
    // The connection closes on error, so earlier packets of the chunk are not delivered either.
    const decoder = decoderFor(4);
    expect(() => decoder.push(Uint8Array.of(0xc0, 0x00, 0x80, 0x00))).toThrow();
  });
});

describe("pendingBytes", () => {
  it("hands over a half-received packet to a fresh decoder (e.g. across hibernation)", () => {
    const packet = encodePacket({ type: "publish", topic: "a/b", payload: new Uint8Array(300).fill(7), qos: 1, retain: false, dup: false, packetId: 5 }, 5);
    for (const cut of [1, 2, 3, 10, packet.length - 1]) {
      const first = new MqttDecoder({ maxPacketSize: 1 << 20, protocolLevel: 5 });
      expect(first.push(packet.subarray(0, cut))).toEqual([]);
      expect(first.hasPendingBytes).toBe(true);
      const pending = first.pendingBytes();
      expect([...pending]).toEqual([...packet.subarray(0, cut)]);
      const second = new MqttDecoder({ maxPacketSize: 1 << 20, protocolLevel: 5 });
      expect(second.push(pending)).toEqual([]);
      const [decoded] = second.push(packet.subarray(cut));
      expect(decoded).toMatchObject({ type: "publish", topic: "a/b", packetId: 5 });
      expect(second.hasPendingBytes).toBe(false);
    }
  });

  it("reports nothing pending between whole packets", () => {
    const decoder = new MqttDecoder({ maxPacketSize: 1 << 20, protocolLevel: 5 });
    expect(decoder.hasPendingBytes).toBe(false);
    decoder.push(encodePacket({ type: "pingreq" }, 5));
    expect(decoder.hasPendingBytes).toBe(false);
    expect(decoder.pendingBytes().length).toBe(0);
  });
});
