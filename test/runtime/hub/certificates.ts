/**
 * Certificates for tests: a real one made with OpenSSL (to check the parser against OpenSSL's own
 * reading of it), and structurally valid ones built here with any validity period. Nothing in the
 * platform checks a certificate's signature (Cloudflare does, at the edge), so the built ones
 * carry random bytes where the signature would be.
 */
import { exports } from "cloudflare:workers";
import type { ProtocolLevel } from "../../../domain/mqtt";
import { TestClient } from "./mqtt-client";

/** `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 3650 -subj "/C=DE/O=Acme Sensors, Inc./CN=thermo-42" -set_serial 0x1f2e3d4c5b6a` */
export const OPENSSL_CERT = {
  pem: `-----BEGIN CERTIFICATE-----
MIIBwjCCAWmgAwIBAgIGHy49TFtqMAoGCCqGSM49BAMCMD4xCzAJBgNVBAYTAkRF
MRswGQYDVQQKDBJBY21lIFNlbnNvcnMsIEluYy4xEjAQBgNVBAMMCXRoZXJtby00
MjAeFw0yNjEyMDIxOTU0MDJaFw0zNjExMjkxOTU0MDJaMD4xCzAJBgNVBAYTAkRF
MRswGQYDVQQKDBJBY21lIFNlbnNvcnMsIEluYy4xEjAQBgNVBAMMCXRoZXJtby00
MjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNVjZamp2QsL4Z22Fq/3Dj4uBIdj
Re4EQ9cCLOnYJw0+jZCw4LQUb8xbXQBe5HKSjxAqYs6JzmqKuUfKVVd3E/qjUzBR
MB0GA1UdDgQWBBQ9kaHmo6UrShyMJlQ9wUh66KFUyjAfBgNVHSMEGDAWgBQ9kaHm
o6UrShyMJlQ9wUh66KFUyjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cA
MEQCIDNW5/0gDenDT26sf4N92L5y90EwfD4f0qArqEmHBH+BAiAPGJorc2UJfvNK
OIGZ/oG7Wyxr8w8cDtjgsKvClDNK+g==
-----END CERTIFICATE-----`,
  // openssl x509 -noout -fingerprint -sha256 -serial -subject -startdate -enddate -nameopt RFC2253
  fingerprint: "2665954f10efb93a635d46f2d5880a3932f95c7b449e892bbe08e6d7771521d3",
  serial: "1f2e3d4c5b6a",
  subject: "CN=thermo-42,O=Acme Sensors\\, Inc.,C=DE",
  notBefore: Date.UTC(2026, 11, 2, 19, 54, 2),
  notAfter: Date.UTC(2036, 10, 29, 19, 54, 2),
};

/** Ed25519, multi-valued RDN, notAfter in 2054 (a GeneralizedTime). */
export const OPENSSL_CERT_2054 = {
  pem: `-----BEGIN CERTIFICATE-----
MIIBYjCCARSgAwIBAgIBATAFBgMrZXAwLzENMAsGA1UEAwwEZ3ctNzEeMAwGA1UE
CwwFZmllbGQwDgYDVQQFEwdTTi0wMDA3MCAXDTI2MTIwMjE5NTQwNVoYDzIwNTQw
NDE5MTk1NDA1WjAvMQ0wCwYDVQQDDARndy03MR4wDAYDVQQLDAVmaWVsZDAOBgNV
BAUTB1NOLTAwMDcwKjAFBgMrZXADIQBl6OsCafueimtdO+6yMOh5/pK3tODeHTId
okiAD/7x/6NTMFEwHQYDVR0OBBYEFJQiOkaWDT+F/L+KdtO7LJ6B7po6MB8GA1Ud
IwQYMBaAFJQiOkaWDT+F/L+KdtO7LJ6B7po6MA8GA1UdEwEB/wQFMAMBAf8wBQYD
K2VwA0EARWtxfdRaVld0B/M1z/UoH13YjG7Jz7PSqYGgOv6raRTtzNQuT4iJsIWU
wRUkqMNOoFCpi6jxfZ+ftAPZQNjADg==
-----END CERTIFICATE-----`,
  fingerprint: "0c17f2ff6b22045d25a26c2ca7841288ab8a9d385bbabae493d39d7a1c12fe5b",
  serial: "01",
  subject: "OU=field+serialNumber=SN-0007,CN=gw-7",
  notBefore: Date.UTC(2026, 11, 2, 19, 54, 5),
  notAfter: Date.UTC(2054, 3, 19, 19, 54, 5),
};

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const header = length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let at = header.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const b = (...bytes: number[]) => new Uint8Array(bytes);
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const text = (s: string) => new TextEncoder().encode(s);

function time(ms: number): Uint8Array {
  const iso = new Date(ms).toISOString(); // 2026-12-02T19:54:02.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  const year = new Date(ms).getUTCFullYear();
  return year < 2050 ? tlv(0x17, text(`${digits.slice(2)}Z`)) : tlv(0x18, text(`${digits}Z`));
}

/** A certificate-shaped DER with this subject CN and validity, PEM-armoured, and its fingerprint. */
export async function builtCertificate(o: { cn: string; notBefore?: number; notAfter: number }): Promise<{ pem: string; fingerprint: string }> {
  const ecdsaSha256 = tlv(0x30, tlv(0x06, b(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02)));
  const name = tlv(0x30, tlv(0x31, tlv(0x30, tlv(0x06, b(0x55, 0x04, 0x03)), tlv(0x0c, text(o.cn)))));
  const spki = tlv(0x30, tlv(0x30, tlv(0x06, b(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01))), tlv(0x03, b(0x00), random(65)));
  const serial = random(8);
  serial[0] = serial[0]! & 0x7f; // positive
  const tbs = tlv(0x30, tlv(0xa0, tlv(0x02, b(2))), tlv(0x02, serial), ecdsaSha256, name, tlv(0x30, time(o.notBefore ?? Date.now() - 60_000), time(o.notAfter)), name, spki);
  const der = tlv(0x30, tbs, ecdsaSha256, tlv(0x03, b(0x00), random(70)));
  const base64 = btoa(String.fromCharCode(...der)).replace(/.{64}/g, "$&\n");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return { pem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`, fingerprint: Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("") };
}

/** What Cloudflare's edge reports for a client certificate it verified (request.cf.tlsClientAuth). */
export const verifiedAtEdge = (fingerprint: string) => ({ tlsClientAuth: { certPresented: "1", certVerified: "SUCCESS", certRevoked: "0", certFingerprintSHA256: fingerprint } });

/** Opens an MQTT WebSocket through the Worker as if over mTLS: `cf` is what the edge would attach. */
export async function openWithCf(tenantId: string, cf: unknown, o: { level?: ProtocolLevel; headers?: Record<string, string> } = {}): Promise<TestClient> {
  const res = await exports.default.fetch(`http://localhost/t/${tenantId}/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt", ...o.headers }, cf } as RequestInit);
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  res.webSocket.accept();
  return new TestClient(res.webSocket, o.level ?? 5);
}
