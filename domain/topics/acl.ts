/**
 * The hub's access control: asked before a PUBLISH (or will, or retained message) is accepted
 * and before a SUBSCRIBE is granted. Topics and filters are canonical, i.e. already mounted.
 * Everything fails closed: a malformed principal, topic or filter is denied.
 *
 * Delivery needs no per-message check: a subscription is only granted when every topic its
 * filter can match is readable by the principal.
 */
import { deny, type AclDecision } from "./acl-decision";
import { applicationPublish, applicationSubscribe } from "./acl-application";
import { devicePublish, deviceSubscribe } from "./acl-device";
import { checkNamespace } from "./acl-namespace";
import { SPEC_TOPIC_LIMITS } from "./limits";
import type { Principal } from "./principal";
import { parseSkylarkTopicLevels } from "./scheme";
import { parseSubscription } from "./shared-subscription";
import { isDeviceId, isTenantId } from "./topic-ids";
import { validateTopicFilter, validateTopicName } from "./validate";
import { ROLES } from "../roles";

function isWellFormed(principal: Principal): boolean {
  if (!isTenantId(principal.tenant)) return false;
  if (principal.kind === "device") return isDeviceId(principal.deviceId);
  return (ROLES as readonly string[]).includes(principal.role);
}

/** May `principal` publish to the canonical topic name `topic`? */
export function canPublish(principal: Principal, topic: string): AclDecision {
  if (!isWellFormed(principal)) return deny("invalid_principal");
  // Spec validity only: platform size limits are the hub's call and were applied already.
  if (!validateTopicName(topic, SPEC_TOPIC_LIMITS).ok) return deny("invalid_topic");
  const levels = topic.split("/");
  const namespace = checkNamespace(levels, principal.tenant);
  if (!namespace.ok) return deny(namespace.reason);
  const parsed = parseSkylarkTopicLevels(levels);
  // checkNamespace accepted the tenant level, so the topic parses; the guard is for the types.
  if (parsed === null) return deny("outside_tenant_namespace");
  return principal.kind === "device" ? devicePublish(principal, parsed) : applicationPublish(principal, parsed);
}

/**
 * May `principal` subscribe to the canonical filter `filter`? Shared subscriptions are judged
 * by their inner filter: the share group only affects who of the group gets each message.
 */
export function canSubscribe(principal: Principal, filter: string): AclDecision {
  if (!isWellFormed(principal)) return deny("invalid_principal");
  if (!validateTopicFilter(filter, SPEC_TOPIC_LIMITS).ok) return deny("invalid_filter");
  const levels = parseSubscription(filter).filter.split("/");
  const namespace = checkNamespace(levels, principal.tenant);
  if (!namespace.ok) return deny(namespace.reason);
  return principal.kind === "device" ? deviceSubscribe(principal, levels, namespace.root) : applicationSubscribe(principal);
}
