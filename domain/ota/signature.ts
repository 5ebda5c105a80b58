/**
 * Firmware signatures: Ed25519 over the artifact's SHA-256 digest (the 32 bytes, not the hex),
 * so the platform can verify a signature of any size of image from the digest it computed while
 * the bytes streamed in, and a device can verify it the same way after downloading.
 */
import { z } from "zod";

const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

export const Base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64");
/** A raw 32-byte Ed25519 public key, base64. */
export const Ed25519PublicKey = Base64.refine((s) => fromBase64(s).byteLength === 32, "a raw Ed25519 public key is 32 bytes");
/** A 64-byte Ed25519 signature, base64. */
export const Ed25519Signature = Base64.refine((s) => fromBase64(s).byteLength === 64, "an Ed25519 signature is 64 bytes");

export async function importSigningKey(publicKeyBase64: string): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.importKey("raw", fromBase64(publicKeyBase64), { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return null;
  }
}

export async function signatureMatches(publicKeyBase64: string, signatureBase64: string, sha256Hex: string): Promise<boolean> {
  const key = await importSigningKey(publicKeyBase64);
  if (!key) return false;
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64(signatureBase64), fromHex(sha256Hex));
  } catch {
    return false;
  }
}
