import { malformed } from "./errors";

// MQTT strings are UTF-8 with a 2-byte length prefix (§1.5.4). The decoder must refuse ill-formed
// UTF-8, including encoded surrogates [MQTT-1.5.4-1], and U+0000 [MQTT-1.5.4-2]; `fatal` gives
// the first (the WHATWG decoder rejects overlong forms and surrogates), and a BOM must be kept as
// a character, not stripped [MQTT-1.5.4-3], hence `ignoreBOM`.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Strings up to this many bytes are tried as ASCII in JS first (see decodeUtf8). */
const SHORT_STRING = 16;

/** Decodes bytes[start, end) as an MQTT UTF-8 string, throwing MalformedPacket if it is not one. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_STRING) {
    // A TextDecoder call costs about as much as building 15–20 ASCII characters in JS (measured
    // in workerd and Node), and user property keys and values are mostly that short.
    let text = "";
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte === 0 || byte >= 0x80) return decodeUtf8Strict(bytes, start, end);
      text += String.fromCharCode(byte);
    }
    return text;
  }
  return decodeUtf8Strict(bytes, start, end);
}

function decodeUtf8Strict(bytes: Uint8Array, start: number, end: number): string {
  let text: string;
  try {
    text = strictDecoder.decode(bytes.subarray(start, end));
  } catch {
    throw malformed("ill-formed UTF-8 string"); // [MQTT-1.5.4-1]
  }
  // A 0x00 byte can only encode U+0000 (overlong forms were refused above); searching the
  // decoded string is native code, cheaper than a byte loop in JS.
  if (text.indexOf("\0") !== -1) throw malformed("U+0000 in UTF-8 string"); // [MQTT-1.5.4-2]
  return text;
}

const ASCII_WITHOUT_NUL = /^[\x01-\x7f]*$/;

/**
 * The UTF-8 length of `text`, refusing what the encoder must never send: U+0000 [MQTT-1.5.4-2]
 * and lone surrogates, which have no UTF-8 form [MQTT-1.5.4-1].
 */
export function utf8Length(text: string): number {
  // Native regex matching beats a charCodeAt loop about twofold on the usual all-ASCII strings.
  if (ASCII_WITHOUT_NUL.test(text)) return text.length;
  const units = text.length;
  let length = units;
  for (let i = 0; i < units; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      if (unit === 0) throw new RangeError("MQTT strings must not contain U+0000");
    } else if (unit < 0x800) {
      length += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const low = text.charCodeAt(i + 1); // NaN past the end
      if (unit > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
        throw new RangeError("MQTT strings must not contain lone surrogates");
      }
      length += 2; // two UTF-16 units become four bytes
      i++;
    } else {
      length += 2;
    }
  }
  return length;
}

/** Writes `text` as UTF-8 at `bytes[offset]`; returns the number of bytes written. */
export function writeUtf8(bytes: Uint8Array, offset: number, text: string): number {
  // ASCII, the usual case for topics and identifiers, is copied inline; encodeInto takes over at
  // the first wider character.
  const units = text.length;
  for (let i = 0; i < units; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) {
      return i + encoder.encodeInto(text.slice(i), bytes.subarray(offset + i)).written;
    }
    bytes[offset + i] = unit;
  }
  return units;
}

/** True if `topic` holds a wildcard, which a Topic Name must not [MQTT-3.3.2-2]. */
export function hasWildcard(topic: string): boolean {
  return topic.indexOf("+") !== -1 || topic.indexOf("#") !== -1;
}
