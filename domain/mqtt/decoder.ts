import { ByteReader } from "./byte-reader";
import { decodeConnack, decodeConnect } from "./decode-connect";
import { decodeAck, decodeAuth, decodeDisconnect, decodePublish, decodeSuback, decodeSubscribe, decodeUnsuback, decodeUnsubscribe } from "./decode-packets";
import { malformed, MqttProtocolError, protocolError } from "./errors";
import { MAX_PACKET_SIZE, REQUIRED_FLAGS } from "./fixed-header";
import type { MqttPacket, ProtocolLevel } from "./packets";
import { ReasonCode } from "./reason-codes";

export interface MqttDecoderOptions {
  /**
   * Largest whole packet accepted, in bytes (fixed header included, as v5's Maximum Packet Size
   * counts it, §3.1.2.11.4). Checked as soon as a fixed header is complete, before any of the body
   * is buffered.
   */
  maxPacketSize: number;
  /**
   * The connection's protocol version, when known up front (a client decoding a server, or a
   * connection resumed after its CONNECT). Otherwise the first packet must be a CONNECT, which
   * sets it. Either way, a CONNECT after the version is known is a Protocol Error.
   */
  protocolLevel?: ProtocolLevel;
}

/**
 * Turns a byte stream into packets. Chunks may split packets anywhere, the Remaining Length
 * included, or hold several packets. A packet that lies entirely inside one chunk is decoded in
 * place, so its byte fields are views into that chunk; only a packet spanning chunks is copied,
 * once, into a buffer of its exact size.
 *
 * Any violation throws MqttProtocolError; the decoder is then spent (every later `push` rethrows
 * the same error), because the stream can no longer be framed and the connection must close.
 */
export class MqttDecoder {
  readonly maxPacketSize: number;
  #protocolLevel: ProtocolLevel | undefined;
  #error: unknown = undefined;
  readonly #reader = new ByteReader();

  // A fixed header cut short by the end of a chunk: at most 1 type byte + 4 length bytes.
  readonly #header = new Uint8Array(5);
  #headerLength = 0;

  // The fixed header just parsed, and the body of a packet spanning chunks.
  #firstByte = 0;
  #remainingLength = 0;
  #body: Uint8Array | null = null;
  #bodyFilled = 0;
  readonly #completed: MqttPacket[] = [];

  constructor(options: MqttDecoderOptions) {
    const { maxPacketSize, protocolLevel } = options;
    if (!Number.isInteger(maxPacketSize) || maxPacketSize < 2) {
      throw new RangeError("maxPacketSize must be an integer of at least 2");
    }
    this.maxPacketSize = Math.min(maxPacketSize, MAX_PACKET_SIZE);
    if (protocolLevel !== undefined) this.protocolLevel = protocolLevel;
  }

  /** The connection's protocol version: as given, or as learned from CONNECT. */
  get protocolLevel(): ProtocolLevel | undefined {
    return this.#protocolLevel;
  }

  set protocolLevel(level: ProtocolLevel) {
    if (level !== 4 && level !== 5) throw new RangeError(`unsupported protocol level ${String(level)}`);
    this.#protocolLevel = level;
  }

  /** Feeds the next chunk of the stream; returns the packets it completed, in order. */
  push(chunk: Uint8Array): MqttPacket[] {
    return [...this.packets(chunk)];
  }

  /**
   * Feeds the next chunk and yields its packets one at a time, decoding each only when asked for
   * it. A consumer that stops early (the connection is being closed) leaves the rest of the chunk
   * undecoded: a frame packed with thousands of tiny packets costs what is looked at, and never
   * an array of all of them. The decoder must not be fed again after an abandoned iteration.
   */
  *packets(chunk: Uint8Array): Generator<MqttPacket, void, undefined> {
    if (this.#error !== undefined) throw this.#error;
    try {
      yield* this.#consume(chunk);
    } catch (error) {
      this.#error = error;
      throw error;
    }
  }

  /** Whether a packet was started but not completed: a per-frame check, so it allocates nothing. */
  get hasPendingBytes(): boolean {
    return this.#body !== null || this.#headerLength > 0;
  }

  /**
   * The bytes of a packet started but not completed, exactly as received. Feeding them to a
   * fresh decoder (same protocol level) restores this one, e.g. after the owner hibernated.
   */
  pendingBytes(): Uint8Array {
    if (this.#body !== null) {
      const header: number[] = [this.#firstByte];
      let n = this.#remainingLength;
      do {
        let byte = n % 128;
        n = Math.floor(n / 128);
        if (n > 0) byte |= 0x80;
        header.push(byte);
      } while (n > 0);
      const out = new Uint8Array(header.length + this.#bodyFilled);
      out.set(header);
      out.set(this.#body.subarray(0, this.#bodyFilled), header.length);
      return out;
    }
    return this.#header.slice(0, this.#headerLength);
  }

  *#consume(chunk: Uint8Array): Generator<MqttPacket, void, undefined> {
    // #startBody and #fillBody complete at most one packet each, which they leave here.
    const done = this.#completed;
    const end = chunk.length;
    let pos = 0;

    if (this.#body !== null) {
      pos = this.#fillBody(chunk, done);
      if (done.length) yield done.pop()!;
      if (this.#body !== null) return;
    } else if (this.#headerLength > 0) {
      // Top up the saved header with the first bytes of this chunk and try again.
      const saved = this.#headerLength;
      const taken = Math.min(this.#header.length - saved, end);
      for (let i = 0; i < taken; i++) this.#header[saved + i] = chunk[i]!;
      const headerLength = this.#readFixedHeader(this.#header, 0, saved + taken);
      if (headerLength === 0) {
        this.#headerLength = saved + taken;
        return;
      }
      this.#headerLength = 0;
      pos = this.#startBody(chunk, headerLength - saved, done);
      if (done.length) yield done.pop()!;
    }

    while (pos < end) {
      const headerLength = this.#readFixedHeader(chunk, pos, end);
      if (headerLength === 0) {
        for (let i = pos; i < end; i++) this.#header[i - pos] = chunk[i]!;
        this.#headerLength = end - pos;
        return;
      }
      pos = this.#startBody(chunk, pos + headerLength, done);
      if (done.length) yield done.pop()!;
    }
  }

  /**
   * Parses a fixed header (§2.1) at bytes[start], refusing bad types and flags from the very first
   * byte and oversized packets as soon as the Remaining Length is complete. Records the header and
   * returns its length, or 0 if the bytes end before it does.
   */
  #readFixedHeader(bytes: Uint8Array, start: number, end: number): number {
    if (start >= end) return 0;
    const firstByte = bytes[start]!;
    this.#checkTypeAndFlags(firstByte);

    // Remaining Length: a Variable Byte Integer of at most 4 bytes (§1.5.5, §2.1.4).
    let remainingLength = 0;
    let multiplier = 1;
    for (let i = start + 1; i <= start + 4; i++) {
      if (i >= end) return 0;
      const byte = bytes[i]!;
      remainingLength += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        if (byte === 0 && i > start + 1) throw malformed("remaining length not minimally encoded"); // [MQTT-1.5.5-1]
        const headerLength = i + 1 - start;
        if (headerLength + remainingLength > this.maxPacketSize) {
          throw new MqttProtocolError(ReasonCode.PacketTooLarge, `packet of ${headerLength + remainingLength} bytes exceeds ${this.maxPacketSize}`);
        }
        this.#firstByte = firstByte;
        this.#remainingLength = remainingLength;
        return headerLength;
      }
      multiplier *= 128;
    }
    throw malformed("remaining length longer than 4 bytes");
  }

  #checkTypeAndFlags(firstByte: number): void {
    const type = firstByte >> 4;
    const flags = firstByte & 0x0f;
    const level = this.#protocolLevel;
    if (type === 0) throw malformed("reserved packet type 0"); // §2.1.2: "Forbidden"
    if (level === undefined) {
      // Until a CONNECT says which version this is, nothing else can be decoded. [MQTT-3.1.0-1]
      if (type !== 1) throw protocolError("first packet is not CONNECT");
    } else if (type === 1) {
      // Once the version is known (from a CONNECT, or set for a resumed connection), another
      // CONNECT must not switch it mid-stream. [MQTT-3.1.0-2]
      throw protocolError("second CONNECT");
    }
    if (type === 3) {
      const qos = (flags >> 1) & 0b11;
      if (qos === 3) throw malformed("PUBLISH with QoS 3"); // [MQTT-3.3.1-4]
      if (qos === 0 && flags & 0b1000) throw malformed("PUBLISH with QoS 0 and DUP set"); // [MQTT-3.3.1-2]
      return;
    }
    if (type === 15 && level === 4) throw malformed("AUTH is not a 3.1.1 packet"); // 3.1.1 §2.2.1: 15 is reserved
    // PUBREL [MQTT-3.6.1-1], SUBSCRIBE [MQTT-3.8.1-1], UNSUBSCRIBE [MQTT-3.10.1-1] need 0b0010; the
    // rest need 0b0000 (v5 §2.1.3, 3.1.1 [MQTT-2.2.2-1] [MQTT-2.2.2-2]).
    if (flags !== REQUIRED_FLAGS[type]) throw malformed(`invalid fixed header flags for packet type ${type}`);
  }

  /** Decodes the body at chunk[pos] if the chunk holds all of it, else starts buffering it. */
  #startBody(chunk: Uint8Array, pos: number, packets: MqttPacket[]): number {
    const bodyEnd = pos + this.#remainingLength;
    if (bodyEnd <= chunk.length) {
      packets.push(this.#decodeBody(chunk, pos, bodyEnd));
      return bodyEnd;
    }
    const body = new Uint8Array(this.#remainingLength);
    body.set(chunk.subarray(pos));
    this.#body = body;
    this.#bodyFilled = chunk.length - pos;
    return chunk.length;
  }

  /** Continues a spanning packet's body; returns how many bytes of `chunk` it used. */
  #fillBody(chunk: Uint8Array, packets: MqttPacket[]): number {
    const body = this.#body!;
    const taken = Math.min(body.length - this.#bodyFilled, chunk.length);
    body.set(taken === chunk.length ? chunk : chunk.subarray(0, taken), this.#bodyFilled);
    this.#bodyFilled += taken;
    if (this.#bodyFilled === body.length) {
      this.#body = null;
      packets.push(this.#decodeBody(body, 0, body.length));
    }
    return taken;
  }

  #decodeBody(bytes: Uint8Array, start: number, end: number): MqttPacket {
    const reader = this.#reader;
    reader.reset(bytes, start, end);
    const firstByte = this.#firstByte;
    let packet: MqttPacket;
    if (firstByte >> 4 === 1) {
      const connect = decodeConnect(reader);
      this.#protocolLevel = connect.protocolLevel;
      packet = connect;
    } else {
      packet = decodeAfterConnect(reader, firstByte, this.#protocolLevel!);
    }
    if (reader.pos !== end) throw malformed(`${packet.type} has trailing bytes (${end - reader.pos})`);
    return packet;
  }
}

function decodeAfterConnect(reader: ByteReader, firstByte: number, level: ProtocolLevel): MqttPacket {
  switch (firstByte >> 4) {
    case 2:
      return decodeConnack(reader, level);
    case 3:
      return decodePublish(reader, firstByte & 0x0f, level);
    case 4:
      return decodeAck(reader, "puback", level);
    case 5:
      return decodeAck(reader, "pubrec", level);
    case 6:
      return decodeAck(reader, "pubrel", level);
    case 7:
      return decodeAck(reader, "pubcomp", level);
    case 8:
      return decodeSubscribe(reader, level);
    case 9:
      return decodeSuback(reader, level);
    case 10:
      return decodeUnsubscribe(reader, level);
    case 11:
      return decodeUnsuback(reader, level);
    case 12:
      return { type: "pingreq" };
    case 13:
      return { type: "pingresp" };
    case 14:
      return decodeDisconnect(reader, level);
    default:
      return decodeAuth(reader);
  }
}
