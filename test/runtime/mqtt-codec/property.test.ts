import { describe, expect, it } from "vitest";
import { encodePacket, MqttDecoder, type MqttPacket, type MqttPacketType } from "../../../domain/mqtt";
import { concat, decoderBefore } from "./helpers";
import { Random, randomPacket } from "./random-packets";

const ALL_TYPES: MqttPacketType[] = ["connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect", "auth"];

describe.each([4, 5] as const)("random valid %s packets", (level) => {
  it("survive encode → decode unchanged, one at a time", () => {
    const random = new Random(0x5eed + level);
    for (let i = 0; i < 3000; i++) {
      const packet = randomPacket(random, level);
      const bytes = encodePacket(packet, level);
      const decoded = decoderBefore(packet, level).push(bytes);
      expect(decoded, `packet #${i}`).toStrictEqual([packet]);
      // And the canonical form encodes back to the same bytes.
      expect(encodePacket(decoded[0]!, level)).toStrictEqual(bytes);
    }
  });

  it("survive encode → decode as one stream cut into random chunks", () => {
    const random = new Random(0xc0ffee + level);
    for (let round = 0; round < 20; round++) {
      // As on a real connection: one CONNECT, then anything else.
      const others = ALL_TYPES.filter((type) => type !== "connect");
      const packets: MqttPacket[] = [randomPacket(random, level, ["connect"]), ...Array.from({ length: 200 }, () => randomPacket(random, level, others))];
      const stream = concat(packets.map((p) => encodePacket(p, level)));
      const decoder = new MqttDecoder({ maxPacketSize: 1 << 20 });
      const decoded: MqttPacket[] = [];
      for (let at = 0; at < stream.length;) {
        const size = random.chance(0.1) ? random.int(0, 2) : random.int(1, 300);
        decoded.push(...decoder.push(stream.subarray(at, at + size)));
        at += size;
      }
      expect(decoded).toStrictEqual(packets);
    }
  });
});
