import { expect } from "vitest";
import { MqttDecoder, MqttProtocolError, type MqttPacket, type ProtocolLevel } from "../../../domain/mqtt";

/** A decoder that already knows the version, as after a CONNECT. */
export function decoderFor(protocolLevel: ProtocolLevel, maxPacketSize = 1 << 20): MqttDecoder {
  return new MqttDecoder({ maxPacketSize, protocolLevel });
}

/**
 * A decoder in the state a connection is in when `packet` can arrive: fresh for a CONNECT (which
 * must come first and only once), past the CONNECT for anything else.
 */
export function decoderBefore(packet: MqttPacket, protocolLevel: ProtocolLevel, maxPacketSize = 1 << 20): MqttDecoder {
  return packet.type === "connect" ? new MqttDecoder({ maxPacketSize }) : decoderFor(protocolLevel, maxPacketSize);
}

/** Decodes `bytes` fed in the given chunk sizes (the rest in one last chunk). */
export function decodeInChunks(decoder: MqttDecoder, bytes: Uint8Array, cuts: number[]): MqttPacket[] {
  const packets: MqttPacket[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    packets.push(...decoder.push(bytes.subarray(start, cut)));
    start = cut;
  }
  return packets;
}

export function concat(parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Runs `decode` and returns the MqttProtocolError it must throw. */
export function protocolErrorOf(decode: () => unknown): MqttProtocolError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(MqttProtocolError);
    return error as MqttProtocolError;
  }
  throw new Error("expected an MqttProtocolError, but decoding succeeded");
}
