/**
 * Grammars of the ids that appear as levels in Skylark topics. They exclude `/`, `+`, `#`, `$`
 * and control characters, so an id is always exactly one literal topic level.
 *
 * The patterns live in `domain/ids.ts`, shared with the API's schemas: an id the API accepts but
 * the topic scheme rejected would make a device unreachable over MQTT.
 */

import { DEVICE_ID_PATTERN, RESOURCE_ID_PATTERN, TENANT_ID_PATTERN } from "../ids";

export { DEVICE_ID_PATTERN, TENANT_ID_PATTERN };

export function isTenantId(value: string): boolean {
  return TENANT_ID_PATTERN.test(value);
}

export function isDeviceId(value: string): boolean {
  return DEVICE_ID_PATTERN.test(value);
}

export function isResourceId(value: string): boolean {
  return RESOURCE_ID_PATTERN.test(value);
}
