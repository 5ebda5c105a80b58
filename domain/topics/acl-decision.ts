/** The ACL's answer, with a stable machine reason when it says no. */

export type AclDenyReason =
  /** The principal itself is malformed (bad tenant or device id, unknown role). */
  | "invalid_principal"
  /** Not a valid topic name (publish) or topic filter (subscribe). */
  | "invalid_topic"
  | "invalid_filter"
  /** Neither `t/{tenant}`, `tenants/{tenant}` nor `$SYS/t/{tenant}/stats` (or below). */
  | "outside_tenant_namespace"
  /** Inside another tenant's namespace. */
  | "foreign_tenant"
  /** A wildcard could match topics the principal may not use. */
  | "wildcard_too_broad"
  /** `$SYS` stats are written by the hub only. */
  | "sys_read_only"
  /** Devices have no business reading hub statistics. */
  | "sys_not_for_devices"
  /** VIEWER may not publish at all. */
  | "read_only_role"
  /** The role may publish, but not to this topic. */
  | "insufficient_role"
  /** A device topic of a device that is neither the principal nor one of its gateway children. */
  | "not_own_device"
  /** Gateway topics are for gateways. */
  | "not_a_gateway"
  /** A device publishing on a platform → device channel. */
  | "wrong_direction"
  /** A device publishing outside the device, gateway and sensor topics. */
  | "not_device_topic"
  /** A device subscribing to something that is not addressed to it. */
  | "not_addressed_to_device";

export type AclDecision = { allowed: true } | { allowed: false; reason: AclDenyReason };

export const ALLOW: AclDecision = Object.freeze({ allowed: true });

export function deny(reason: AclDenyReason): AclDecision {
  return { allowed: false, reason };
}
