import { timingSafeEqual, toHex } from "./hashing";

/** The Workers runtime refuses PBKDF2 above 100 000 iterations. */
export const PBKDF2_ITERATIONS = 100_000;
const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return toHex(bits);
}

/** Encodes as `pbkdf2-sha256$iterations$saltHex$hashHex` so the cost can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toHex(salt)}$${await derive(password, salt, PBKDF2_ITERATIONS)}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, iter, saltHex, hash] = encoded.split("$");
  if (scheme !== "pbkdf2-sha256" || !iter || !saltHex || !hash) return false;
  const salt = new Uint8Array(saltHex.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
  return timingSafeEqual(await derive(password, salt, Number(iter)), hash);
}

/** A hash of a random password, for spending the same time on unknown users as on known ones. */
export const DUMMY_PASSWORD_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$00000000000000000000000000000000$${"0".repeat(64)}`;
