/**
 * Webhook signatures. Each delivery carries `x-skylark-timestamp` (Unix seconds) and
 * `x-skylark-signature: v1=<hex>`, the HMAC-SHA256, keyed with the target's secret, of
 * `${timestamp}.${body}` (the raw body bytes as received). A receiver recomputes it, compares in
 * constant time, and refuses timestamps far from its clock, which stops replays of old deliveries.
 */
export const SIGNATURE_HEADER = "x-skylark-signature";
export const TIMESTAMP_HEADER = "x-skylark-timestamp";
const SIGNATURE_VERSION = "v1";
const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function signatureHeaders(secret: string, body: string, nowMs = Date.now()): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `${SIGNATURE_VERSION}=${await hmacHex(secret, `${timestamp}.${body}`)}` };
}

function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The receiver's side of the recipe, as documented. */
export async function verifySignature(secret: string, headers: { timestamp: string | null; signature: string | null }, body: string, nowMs = Date.now(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): Promise<boolean> {
  if (!headers.timestamp || !headers.signature || !/^\d+$/.test(headers.timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = `${SIGNATURE_VERSION}=${await hmacHex(secret, `${headers.timestamp}.${body}`)}`;
  return equalInConstantTime(expected, headers.signature);
}
