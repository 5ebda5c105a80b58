/**
 * The few MQTT 3.1.1 packets a console needs to watch its tenant's hub: CONNECT, SUBSCRIBE,
 * UNSUBSCRIBE, PINGREQ and DISCONNECT out; CONNACK, SUBACK, UNSUBACK, PUBLISH and PINGRESP in.
 * The console only subscribes (at QoS 0) and never publishes, so a full client library (MQTT.js's
 * browser build is about 340 KiB minified) would be mostly dead weight; this is a few KiB.
 *
 * `PacketReader` reassembles packets from WebSocket frames: a frame may carry part of a packet
 * or several (the hub sends both).
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type Incoming =
  | { type: "connack"; returnCode: number; sessionPresent: boolean }
  | { type: "suback"; packetId: number; granted: number[] }
  | { type: "unsuback"; packetId: number }
  | { type: "publish"; topic: string; payload: Uint8Array; qos: number; packetId: number | null; retain: boolean }
  | { type: "pingresp" }
  | { type: "other"; packetType: number };

function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return bytes;
}

function utf8String(text: string): number[] {
  const bytes = encoder.encode(text);
  if (bytes.length > 0xffff) throw new RangeError("MQTT strings are at most 65535 bytes");
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

function packet(firstByte: number, body: number[]): Uint8Array {
  return Uint8Array.from([firstByte, ...remainingLength(body.length), ...body]);
}

export function connectPacket(o: { clientId: string; username: string; password: string; keepAliveSeconds: number }): Uint8Array {
  // Username + password + clean session: the console keeps no session on the hub between visits.
  const flags = 0x80 | 0x40 | 0x02;
  const variable = [...utf8String("MQTT"), 4, flags, o.keepAliveSeconds >> 8, o.keepAliveSeconds & 0xff];
  return packet(0x10, [...variable, ...utf8String(o.clientId), ...utf8String(o.username), ...utf8String(o.password)]);
}

export function subscribePacket(packetId: number, filters: string[]): Uint8Array {
  return packet(0x82, [packetId >> 8, packetId & 0xff, ...filters.flatMap((f) => [...utf8String(f), 0])]);
}

export function unsubscribePacket(packetId: number, filters: string[]): Uint8Array {
  return packet(0xa2, [packetId >> 8, packetId & 0xff, ...filters.flatMap(utf8String)]);
}

export const pingPacket = (): Uint8Array => Uint8Array.of(0xc0, 0);
export const disconnectPacket = (): Uint8Array => Uint8Array.of(0xe0, 0);
export const pubackPacket = (packetId: number): Uint8Array => Uint8Array.of(0x40, 2, packetId >> 8, packetId & 0xff);

function decode(first: number, body: Uint8Array): Incoming {
  const type = first >> 4;
  const u16 = (at: number) => (body[at]! << 8) | body[at + 1]!;
  switch (type) {
    case 2:
      return { type: "connack", sessionPresent: (body[0]! & 1) === 1, returnCode: body[1] ?? 0xff };
    case 3: {
      const qos = (first >> 1) & 3;
      const topicLength = u16(0);
      const topic = decoder.decode(body.subarray(2, 2 + topicLength));
      let at = 2 + topicLength;
      const packetId = qos > 0 ? u16(at) : null;
      if (qos > 0) at += 2;
      return { type: "publish", topic, payload: body.subarray(at), qos, packetId, retain: (first & 1) === 1 };
    }
    case 9:
      return { type: "suback", packetId: u16(0), granted: [...body.subarray(2)] };
    case 11:
      return { type: "unsuback", packetId: u16(0) };
    case 13:
      return { type: "pingresp" };
    default:
      return { type: "other", packetType: type };
  }
}

/** Collects frames and yields whole packets. Throws on a malformed length (the caller drops the connection). */
export class PacketReader {
  private buffer = new Uint8Array(0);

  push(frame: Uint8Array): Incoming[] {
    const joined = new Uint8Array(this.buffer.length + frame.length);
    joined.set(this.buffer);
    joined.set(frame, this.buffer.length);
    const packets: Incoming[] = [];
    let at = 0;
    for (;;) {
      if (joined.length - at < 2) break;
      let length = 0;
      let multiplier = 1;
      let i = at + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < joined.length; n++, i++) {
        const byte = joined[i]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
        if (n === 3) throw new Error("malformed remaining length");
      }
      if (!complete || joined.length - i < length) break;
      packets.push(decode(joined[at]!, joined.slice(i, i + length)));
      at = i + length;
    }
    this.buffer = joined.slice(at);
    return packets;
  }
}
