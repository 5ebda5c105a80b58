/**
 * ACL rules for device connections (plain devices and gateways). Namespace and tenant have
 * already been checked by the caller; these functions decide within the tenant.
 */
import { ALLOW, deny, type AclDecision } from "./acl-decision";
import type { NamespaceRoot } from "./acl-namespace";
import type { DevicePrincipal } from "./principal";
import { DEVICE_UPLINK_CHANNELS, type SkylarkTopic } from "./scheme";
import { isDeviceId } from "./topic-ids";

/** The device itself, or (for a gateway) one of its registered children. */
function speaksFor(principal: DevicePrincipal, device: string): boolean {
  if (device === principal.deviceId) return true;
  return principal.deviceType === "gateway" && isDeviceId(device) && principal.children.includes(device);
}

/**
 * Devices publish device → platform channels for themselves (gateways also for children),
 * their own gateway topics when they are gateways, and sensor telemetry. The sensor form does
 * not name a device, so any device of the tenant may use it; binding assets to devices is
 * left to the ingest path, which knows the asset registry.
 */
export function devicePublish(principal: DevicePrincipal, topic: SkylarkTopic): AclDecision {
  switch (topic.kind) {
    case "sys":
      return deny("sys_read_only");
    case "sensor":
      return ALLOW;
    case "device":
      if (!speaksFor(principal, topic.device)) return deny("not_own_device");
      return DEVICE_UPLINK_CHANNELS.has(topic.channel) ? ALLOW : deny("wrong_direction");
    case "gateway":
      if (topic.gateway !== principal.deviceId) return deny("not_own_device");
      return principal.deviceType === "gateway" ? ALLOW : deny("not_a_gateway");
    case "other":
      return deny("not_device_topic");
  }
}

/**
 * What a device may receive: for each device it speaks for, these topics (relative to
 * `t/{tenant}/devices/{device}/`), where `*` is any single level (any command id).
 */
const ANY_LEVEL = Symbol("any level");
type Slot = string | typeof ANY_LEVEL;
const DOWNLINK_SUFFIXES: readonly (readonly Slot[])[] = [["attributes", "set"], ["cmd", ANY_LEVEL], ["ota"]];
const DEVICE_SLOT = 3; // t / {tenant} / devices / {device} / ...

type Coverage = "all" | "some" | "none";

/**
 * How the topics the filter matches relate to the set `t/{tenant}/devices/{owned}/{suffix}`:
 * "all" when every one of them is in the set, "some" when they lie both in and out of it,
 * "none" when none is in it. The first two levels are the tenant's (checked by the caller).
 */
function coverage(principal: DevicePrincipal, levels: readonly string[], suffix: readonly Slot[]): Coverage {
  const patternLength = DEVICE_SLOT + 1 + suffix.length;
  let exact = true;
  for (let i = 2; i < levels.length; i++) {
    const level = levels[i]!;
    // `#` at level i matches topics with i levels (its parent) or more, so it meets the set
    // when the pattern is at least that long, and always also matches deeper topics.
    if (level === "#") return patternLength >= i ? "some" : "none";
    if (i >= patternLength) return "none";
    if (i === DEVICE_SLOT) {
      // `+` here stands for any device id, of which only a few are the principal's.
      if (level === "+") exact = false;
      else if (!speaksFor(principal, level)) return "none";
      continue;
    }
    const slot: Slot = i < DEVICE_SLOT ? "devices" : suffix[i - DEVICE_SLOT - 1]!;
    if (slot === ANY_LEVEL) continue; // literal or `+`: every value is in the set
    if (level === "+") exact = false;
    else if (level !== slot) return "none";
  }
  if (levels.length !== patternLength) return "none";
  return exact ? "all" : "some";
}

/**
 * Devices subscribe only to what is addressed to them. A filter is allowed exactly when every
 * topic it can match is addressed to the device (or a gateway's child), so `.../d1/cmd/+` is
 * fine, `.../+/cmd/+` and `.../d1/#` are not (the latter matches the device's own uplink).
 */
export function deviceSubscribe(principal: DevicePrincipal, levels: readonly string[], root: NamespaceRoot): AclDecision {
  if (root === "sys") return deny("sys_not_for_devices");
  if (root !== "t") return deny("not_addressed_to_device");
  const device = levels[DEVICE_SLOT];
  if (levels[2] === "devices" && device !== undefined && device !== "+" && device !== "#" && !speaksFor(principal, device)) {
    return deny("not_own_device");
  }
  let partial = false;
  for (const suffix of DOWNLINK_SUFFIXES) {
    const c = coverage(principal, levels, suffix);
    if (c === "all") return ALLOW;
    if (c === "some") partial = true;
  }
  return deny(partial ? "wildcard_too_broad" : "not_addressed_to_device");
}
