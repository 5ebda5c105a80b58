/**
 * MQTT topic domain logic for the tenant hub: validation (MQTT 3.1.1 / 5.0 §4.7), matching,
 * the subscription trie, the Skylark topic scheme, mountpoints and the ACL. Pure functions.
 */
export { validateTopicFilter, validateTopicName, type TopicRejection } from "./validate";
export { parseSubscription } from "./shared-subscription";
export { compileFilter, topicMatches } from "./match";
export { SubscriptionIndex } from "./subscription-index";
export {
  DEVICE_CHANNELS,
  deviceDownlinkFilters,
  deviceTopic,
  formatSkylarkTopic,
  gatewayTopic,
  parseSkylarkTopic,
  sensorTelemetryTopic,
  tenantNamespaceFilters,
  tenantStatsTopic,
  type SkylarkTopic,
  type StructuredSkylarkTopic,
} from "./scheme";
export { expandMountpoint, mountFilter, mountTopic, TENANT_MOUNTPOINT_TEMPLATE, unmountTopic, validateMountpoint } from "./mountpoint";
export { Principal } from "./principal";
export { type AclDecision } from "./acl-decision";
export { canPublish, canSubscribe } from "./acl";
