/**
 * Just enough X.509 to register a device certificate: PEM → DER, the SHA-256 fingerprint of the
 * DER (what Cloudflare reports as `tlsClientAuth.certFingerprintSHA256`), and from the
 * TBSCertificate the serial number, issuer, subject and validity. A small DER walker rather than
 * a library: nothing here verifies signatures (Cloudflare's mTLS does that at the edge), and a
 * certificate we cannot walk is simply refused.
 */

type CertificateFacts = {
  /** Lowercase hex SHA-256 of the DER encoding, no separators. */
  fingerprint: string;
  /** Lowercase hex of the serial number's content octets. */
  serial: string;
  subject: string;
  issuer: string;
  notBefore: number;
  notAfter: number;
  /** The DER as base64, without PEM armour (what is stored). */
  derBase64: string;
};

export type ParseCertificateResult = { ok: true; certificate: CertificateFacts } | { ok: false; reason: string };

type Tlv = { tag: number; start: number; contentStart: number; end: number };

class DerError extends Error {}

/** One TLV at `at` (short and long definite lengths only, as DER requires). */
function readTlv(der: Uint8Array, at: number, limit = der.length): Tlv {
  if (at + 2 > limit) throw new DerError("truncated");
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not used in certificates");
  let length = der[at + 1]!;
  let contentStart = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) throw new DerError("unsupported length");
    if (contentStart + n > limit) throw new DerError("truncated");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += n;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError("truncated");
  return { tag, start: at, contentStart, end };
}

/** The children of a constructed TLV. */
function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const t = readTlv(der, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const OID = 0x06;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`expected ${what}`);
  return t;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const ascii = new TextDecoder("latin1");
const utf8 = new TextDecoder();

function oidString(bytes: Uint8Array): string {
  const parts: number[] = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "1.2.840.113549.1.9.1": "emailAddress",
};

function stringValue(der: Uint8Array, t: Tlv): string {
  const content = der.subarray(t.contentStart, t.end);
  if (t.tag === 0x0c) return utf8.decode(content); // UTF8String
  if (t.tag === 0x1e) {
    // BMPString: UTF-16BE
    let s = "";
    for (let i = 0; i + 1 < content.length; i += 2) s += String.fromCharCode((content[i]! << 8) | content[i + 1]!);
    return s;
  }
  if (t.tag === 0x13 || t.tag === 0x16 || t.tag === 0x14) return ascii.decode(content); // Printable, IA5, T61
  return `#${hex(der.subarray(t.start, t.end))}`;
}

/** A Name as RFC 4514 writes it: the last RDN first, `+` within an RDN, `,` between RDNs. */
function nameString(der: Uint8Array, name: Tlv): string {
  const rdns = children(der, expect(name, SEQUENCE, "Name")).map((rdn) =>
    children(der, expect(rdn, SET, "RelativeDistinguishedName"))
      .map((atv) => {
        const [type, value] = children(der, expect(atv, SEQUENCE, "AttributeTypeAndValue"));
        const oid = oidString(der.subarray(expect(type, OID, "attribute type").contentStart, type!.end));
        if (!value) throw new DerError("attribute without value");
        const text = stringValue(der, value).replace(/([,+"\\<>;=])/g, "\\$1");
        return `${ATTRIBUTE_NAMES[oid] ?? oid}=${text}`;
      })
      .join("+"),
  );
  return rdns.reverse().join(",");
}

function timeValue(der: Uint8Array, t: Tlv | undefined): number {
  if (!t || (t.tag !== UTC_TIME && t.tag !== GENERALIZED_TIME)) throw new DerError("expected a time");
  const s = ascii.decode(der.subarray(t.contentStart, t.end));
  const m = t.tag === UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new DerError("time not in DER form");
  let year = Number(m[1]);
  // RFC 5280 §4.1.2.5.1: UTCTime years 50–99 are 19xx, 00–49 are 20xx.
  if (t.tag === UTC_TIME) year += year >= 50 ? 1900 : 2000;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** PEM (one CERTIFICATE block) → DER bytes, or null. */
function pemToDer(pem: string): Uint8Array | null {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!m) return null;
  try {
    const binary = atob(m[1]!.replace(/\s+/g, ""));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

async function certificateFingerprint(der: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", der)));
}

export async function parseCertificatePem(pem: string): Promise<ParseCertificateResult> {
  const der = pemToDer(pem);
  if (!der) return { ok: false, reason: "not a PEM certificate (-----BEGIN CERTIFICATE-----)" };
  try {
    const cert = readTlv(der, 0);
    if (cert.tag !== SEQUENCE || cert.end !== der.length) throw new DerError("not a single DER certificate");
    const tbs = children(der, cert)[0];
    const fields = children(der, expect(tbs, SEQUENCE, "TBSCertificate"));
    // The version is an explicit [0] tag; v1 certificates leave it out.
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = expect(fields[offset], INTEGER, "serial number");
    const issuer = fields[offset + 2];
    const validity = children(der, expect(fields[offset + 3], SEQUENCE, "validity"));
    const subject = fields[offset + 4];
    if (!issuer || !subject) throw new DerError("truncated TBSCertificate");
    return {
      ok: true,
      certificate: {
        fingerprint: await certificateFingerprint(der),
        serial: hex(der.subarray(serial.contentStart, serial.end)),
        issuer: nameString(der, issuer),
        subject: nameString(der, subject),
        notBefore: timeValue(der, validity[0]),
        notAfter: timeValue(der, validity[1]),
        derBase64: btoa(String.fromCharCode(...der)),
      },
    };
  } catch (e) {
    if (e instanceof DerError) return { ok: false, reason: `not a certificate this platform can read: ${e.message}` };
    throw e;
  }
}
