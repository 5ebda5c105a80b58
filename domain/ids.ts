import { z } from "zod";

/**
 * Tenant slug, a hostname label that reads as itself: 2 to 32 of lowercase letters, digits, `-`;
 * starting and ending with a letter or digit (RFC 1123); no `--` in positions 3 and 4, which IDNA
 * reserves for encoded labels (`xn--…` is punycode for another spelling; RFC 5891 §4.2.3.1).
 */
export const TENANT_ID_PATTERN = /^(?!..--)[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/;
/** Device (and gateway) id; also the device's MQTT client id. Up to 128 characters. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Asset, sensor, profile and command ids: same alphabet as device ids, up to 64 characters. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Tenant ids are immutable slugs; they appear in hostnames and MQTT topics. */
export const TenantId = z.string().regex(TENANT_ID_PATTERN, "lowercase letters, digits and '-', 2 to 32 characters, starting and ending with a letter or digit, no '--' as 3rd and 4th characters (IDNA, e.g. 'xn--')");
/** Device ids are also MQTT client ids and topic levels: no `/`, `+`, `#`. */
export const DeviceId = z.string().regex(DEVICE_ID_PATTERN, "letters, digits and . _ : -, up to 128 characters");
/** Ids of assets, sensors, profiles: topic-safe, chosen by the tenant. */
export const ResourceId = z.string().regex(RESOURCE_ID_PATTERN, "letters, digits and . _ : -, up to 64 characters");

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford, lowercase: no i, l, o, u

/** Random string over a 32-letter alphabet; 5 bits per character. */
export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/** Time-ordered unique id (ULID-like: 10 chars of milliseconds, then 16 random), so that
 * sorting by id sorts by creation time, which cursor pagination relies on. */
export function sortableId(now = Date.now()): string {
  return sortableTimePrefix(now) + randomBase32(16);
}

/** The 10-character time part of a sortable id. */
function sortableTimePrefix(now: number): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = BASE32[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/**
 * A sortable id whose random part is derived from `key`: the same (time, key) always gives the
 * same id, so a retried step that inserts it with ON CONFLICT DO NOTHING writes it once.
 */
export async function deterministicSortableId(now: number, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  let tail = "";
  for (let i = 0; i < 16; i++) tail += BASE32[digest[i]! & 31];
  return sortableTimePrefix(now) + tail;
}
