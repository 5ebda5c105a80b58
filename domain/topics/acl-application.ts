/**
 * ACL rules for application clients (dashboards, integrations, people), by tenant role.
 * Namespace and tenant have already been checked by the caller.
 *
 *   VIEWER  subscribe anywhere in the namespace; publish nothing.
 *   MEMBER  also publish commands (`cmd/{id}`) and desired attributes (`attributes/set`).
 *   ADMIN   also OTA (`ota`) and anything else in the namespace.
 *   OWNER   as ADMIN.
 *   Nobody publishes to `$SYS`: the hub writes its own statistics.
 *
 * OTA needs ADMIN because it changes what code runs on the fleet: a bad image can brick
 * devices in the field, which is a different class of risk from a command or a setting.
 */
import { ALLOW, deny, type AclDecision } from "./acl-decision";
import type { ApplicationPrincipal } from "./principal";
import type { SkylarkTopic } from "./scheme";
import { roleAtLeast } from "../roles";

export function applicationPublish(principal: ApplicationPrincipal, topic: SkylarkTopic): AclDecision {
  if (topic.kind === "sys") return deny("sys_read_only");
  if (!roleAtLeast(principal.role, "MEMBER")) return deny("read_only_role");
  if (roleAtLeast(principal.role, "ADMIN")) return ALLOW;
  const memberMayPublish = topic.kind === "device" && (topic.channel === "cmd" || topic.channel === "attributes/set");
  return memberMayPublish ? ALLOW : deny("insufficient_role");
}

/** Every role may read its whole namespace, `$SYS` stats included. */
export function applicationSubscribe(_principal: ApplicationPrincipal): AclDecision {
  return ALLOW;
}
