import { MAX_REMAINING_LENGTH } from "./fixed-header";
import { allocatePacket } from "./slab";
import { utf8Length, writeUtf8 } from "./utf8";

/**
 * Writes one packet into a Uint8Array of its exact final size. The encoder measures the
 * packet first (the `*Size` helpers below), then writes each field once; nothing is concatenated.
 * Values that cannot be represented throw RangeError, so a bad packet object never becomes a
 * malformed packet on the wire.
 */
export class ByteWriter {
  readonly bytes: Uint8Array;
  pos = 0;

  /** Allocates first byte + Remaining Length + body, and writes the fixed header. */
  static forPacket(firstByte: number, remainingLength: number): ByteWriter {
    if (remainingLength > MAX_REMAINING_LENGTH) throw new RangeError(`packet body of ${remainingLength} bytes is too large`);
    const writer = new ByteWriter(allocatePacket(1 + vbiSize(remainingLength) + remainingLength));
    writer.bytes[0] = firstByte;
    writer.pos = 1;
    writer.vbi(remainingLength);
    return writer;
  }

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  u8(value: number): void {
    if (!(value >= 0 && value <= 0xff)) throw new RangeError(`${value} does not fit in a byte`);
    this.bytes[this.pos++] = value;
  }

  u16(value: number): void {
    if (!(value >= 0 && value <= 0xffff)) throw new RangeError(`${value} does not fit in two bytes`);
    const pos = this.pos;
    this.bytes[pos] = value >>> 8;
    this.bytes[pos + 1] = value;
    this.pos = pos + 2;
  }

  u32(value: number): void {
    if (!(value >= 0 && value <= 0xffffffff)) throw new RangeError(`${value} does not fit in four bytes`);
    const pos = this.pos;
    const b = this.bytes;
    b[pos] = value >>> 24;
    b[pos + 1] = value >>> 16;
    b[pos + 2] = value >>> 8;
    b[pos + 3] = value;
    this.pos = pos + 4;
  }

  /** Variable Byte Integer (§1.5.5), in the fewest bytes [MQTT-1.5.5-1]. */
  vbi(value: number): void {
    const b = this.bytes;
    let pos = this.pos;
    do {
      let byte = value % 128;
      value = Math.floor(value / 128);
      if (value > 0) byte |= 0x80;
      b[pos++] = byte;
    } while (value > 0);
    this.pos = pos;
  }

  /** UTF-8 Encoded String (§1.5.4); its length was validated by `stringSize`. */
  string(text: string): void {
    const written = writeUtf8(this.bytes, this.pos + 2, text);
    this.bytes[this.pos] = written >>> 8;
    this.bytes[this.pos + 1] = written;
    this.pos += 2 + written;
  }

  /** Binary Data (§1.5.6); its length was validated by `binarySize`. */
  binary(data: Uint8Array): void {
    this.u16(data.length);
    this.raw(data);
  }

  raw(data: Uint8Array): void {
    this.bytes.set(data, this.pos);
    this.pos += data.length;
  }

  /** The finished packet; a size mismatch here is a bug in the encoder, not in the input. */
  finish(): Uint8Array {
    if (this.pos !== this.bytes.length) throw new Error(`encoder wrote ${this.pos} of ${this.bytes.length} bytes`);
    return this.bytes;
  }
}

/** Bytes taken by `value` as a Variable Byte Integer. */
export function vbiSize(value: number): number {
  if (!(value >= 0 && value <= MAX_REMAINING_LENGTH && Number.isInteger(value))) {
    throw new RangeError(`${value} does not fit in a variable byte integer`);
  }
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : 4;
}

/** Bytes taken by `text` as a length-prefixed UTF-8 string. */
export function stringSize(text: string): number {
  const length = utf8Length(text);
  if (length > 0xffff) throw new RangeError(`string of ${length} UTF-8 bytes exceeds 65535`);
  return 2 + length;
}

/** Bytes taken by `data` as length-prefixed Binary Data. */
export function binarySize(data: Uint8Array): number {
  if (data.length > 0xffff) throw new RangeError(`binary data of ${data.length} bytes exceeds 65535`);
  return 2 + data.length;
}
