import { malformed, protocolError } from "./errors";
import { decodeUtf8 } from "./utf8";

const EMPTY = new Uint8Array(0);

/**
 * A cursor over one packet's body, bounded by `end`. The decoder keeps a single instance and
 * re-aims it at each packet, so reading allocates nothing but the values it returns. Reading
 * past `end` means the packet is shorter than its contents claim: MalformedPacket.
 */
export class ByteReader {
  bytes: Uint8Array = EMPTY;
  pos = 0;
  end = 0;

  reset(bytes: Uint8Array, start: number, end: number): void {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) throw truncated();
    return this.bytes[this.pos++]!;
  }

  /** Two Byte Integer, big-endian (§1.5.2). */
  u16(): number {
    const pos = this.pos;
    if (pos + 2 > this.end) throw truncated();
    this.pos = pos + 2;
    return (this.bytes[pos]! << 8) | this.bytes[pos + 1]!;
  }

  /** Four Byte Integer, big-endian (§1.5.3). */
  u32(): number {
    const pos = this.pos;
    if (pos + 4 > this.end) throw truncated();
    this.pos = pos + 4;
    const b = this.bytes;
    return b[pos]! * 0x1000000 + ((b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!);
  }

  /** Variable Byte Integer (§1.5.5): at most 4 bytes, in the fewest bytes [MQTT-1.5.5-1]. */
  vbi(): number {
    let value = 0;
    let multiplier = 1;
    for (let count = 1; count <= 4; count++) {
      const byte = this.u8();
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        if (byte === 0 && count > 1) throw malformed("variable byte integer not minimally encoded");
        return value;
      }
      multiplier *= 128;
    }
    throw malformed("variable byte integer longer than 4 bytes");
  }

  /** UTF-8 Encoded String (§1.5.4). */
  string(): string {
    const length = this.u16();
    const start = this.pos;
    if (start + length > this.end) throw truncated();
    this.pos = start + length;
    return decodeUtf8(this.bytes, start, start + length);
  }

  /** Binary Data (§1.5.6), as a view into the packet bytes. */
  binary(): Uint8Array {
    const length = this.u16();
    const start = this.pos;
    if (start + length > this.end) throw truncated();
    this.pos = start + length;
    return this.bytes.subarray(start, start + length);
  }

  /** Everything left in the packet, as a view (a PUBLISH payload). */
  rest(): Uint8Array {
    const start = this.pos;
    this.pos = this.end;
    return this.bytes.subarray(start, this.end);
  }

  /** A Packet Identifier that the spec requires to be non-zero [MQTT-2.2.1-3]. */
  nonZeroPacketId(): number {
    const id = this.u16();
    if (id === 0) throw protocolError("packet identifier 0");
    return id;
  }
}

function truncated() {
  return malformed("packet shorter than its contents");
}
