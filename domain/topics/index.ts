/**
 * MQTT topic domain logic for the tenant hub: validation (MQTT 3.1.1 / 5.0 §4.7), matching,
 * the subscription trie, the Skylark topic scheme, mountpoints and the ACL. Pure functions.
 */
export { DEFAULT_TOPIC_LIMITS, SPEC_MAX_TOPIC_BYTES, SPEC_TOPIC_LIMITS, type TopicLimits } from "./limits";
export { validateTopicFilter, validateTopicName, type TopicRejection, type TopicValidation } from "./validate";
export { parseSubscription, SHARE_PREFIX, type Subscription } from "./shared-subscription";
export { compileFilter, topicMatches, type CompiledFilter } from "./match";
export { SubscriptionIndex } from "./subscription-index";
export {
  DEVICE_ID_PATTERN,
  isDeviceId,
  isResourceId,
  isTenantId,
  RESOURCE_ID_PATTERN,
  TENANT_ID_PATTERN,
} from "./topic-ids";
export {
  DEVICE_CHANNELS,
  DEVICE_DOWNLINK_CHANNELS,
  DEVICE_UPLINK_CHANNELS,
  deviceDownlinkFilters,
  deviceTopic,
  formatSkylarkTopic,
  GATEWAY_CHANNELS,
  gatewayTopic,
  parseSkylarkTopic,
  sensorTelemetryTopic,
  tenantNamespaceFilters,
  tenantStatsTopic,
  type DeviceChannel,
  type DeviceTopic,
  type GatewayChannel,
  type GatewayTopic,
  type OtherTenantTopic,
  type SensorTopic,
  type SkylarkTopic,
  type StructuredSkylarkTopic,
  type TenantStatsTopic,
} from "./scheme";
export {
  expandMountpoint,
  mountFilter,
  mountTopic,
  TENANT_MOUNTPOINT_TEMPLATE,
  unmountTopic,
  validateMountpoint,
  type MountpointCheck,
  type MountpointExpansion,
  type MountpointRejection,
  type MountpointVariables,
} from "./mountpoint";
export { ApplicationPrincipal, DevicePrincipal, Principal } from "./principal";
export { type AclDecision, type AclDenyReason } from "./acl-decision";
export { canPublish, canSubscribe } from "./acl";
