import { describe, expect, it } from "vitest";
import { MqttDecoder, MqttProtocolError } from "../../../domain/mqtt";
import { CONNECT_CASES, CONTROL_CASES, FIXED_HEADER_CASES, PUBLISH_CASES, SESSION_CASES, type MalformedCase } from "./malformed-cases";
import { decoderBefore, protocolErrorOf } from "./helpers";

const hex = (code: number) => `0x${code.toString(16).padStart(2, "0")}`;

function checkCase({ level, bytes, reasonCode }: MalformedCase) {
  // Whole, and one byte at a time: the error must not depend on how the stream is cut.
  const whole = new MqttDecoder({ maxPacketSize: 1 << 20, protocolLevel: level });
  expect(hex(protocolErrorOf(() => whole.push(Uint8Array.from(bytes))).reasonCode)).toBe(hex(reasonCode));
  const bytewise = new MqttDecoder({ maxPacketSize: 1 << 20, protocolLevel: level });
  const error = protocolErrorOf(() => {
    for (const byte of bytes) bytewise.push(Uint8Array.of(byte));
  });
  expect(hex(error.reasonCode)).toBe(hex(reasonCode));
  expect(error.message.length).toBeGreaterThan(0);
}

for (const [title, cases] of [
  ["fixed header", FIXED_HEADER_CASES],
  ["CONNECT", CONNECT_CASES],
  ["PUBLISH, properties and strings", PUBLISH_CASES],
  ["other packets", CONTROL_CASES],
  ["packet order", SESSION_CASES],
] as const) {
  describe(`malformed ${title}`, () => {
    for (const testCase of cases) it(testCase.name, () => checkCase(testCase));
  });
}

describe("UnsupportedProtocolVersion", () => {
  it("[MQTT-3.1.2-2] tells the broker which level the client asked for", () => {
    const mqtt31 = CONNECT_CASES[0]!;
    const error = protocolErrorOf(() => new MqttDecoder({ maxPacketSize: 1024 }).push(Uint8Array.from(mqtt31.bytes)));
    expect(error.requestedProtocolLevel).toBe(3);
    const level6 = CONNECT_CASES[1]!;
    const error6 = protocolErrorOf(() => new MqttDecoder({ maxPacketSize: 1024 }).push(Uint8Array.from(level6.bytes)));
    expect(error6.requestedProtocolLevel).toBe(6);
  });
});

describe("fuzzing", () => {
  // Corrupting valid packets must only ever produce packets or MqttProtocolError, never another
  // exception (a RangeError from a bad read would mean a bounds check is missing).
  it("mutated fixtures never throw anything but MqttProtocolError", async () => {
    const { ALL_FIXTURES } = await import("./fixtures");
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 3000; round++) {
      const fixture = ALL_FIXTURES[Math.floor(random() * ALL_FIXTURES.length)]!;
      const bytes = Uint8Array.from(fixture.bytes);
      const flips = 1 + Math.floor(random() * 3);
      for (let k = 0; k < flips; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const decoder = decoderBefore(fixture.packet, fixture.protocolLevel, 1 << 16);
      try {
        decoder.push(bytes);
      } catch (error) {
        if (!(error instanceof MqttProtocolError)) throw error;
      }
    }
  });
});
