/**
 * A device's update notice: one retained message on `t/{tenant}/devices/{device}/ota`, so a
 * device that was offline when its wave started gets it when it reconnects. Publishing an empty
 * retained message takes it down (MQTT's way of clearing a retained topic).
 */
import { OtaNotice } from "../../../domain/schemas/rollouts";
import { deviceTopic } from "../../../domain/topics";
import type { Broker } from "../broker";
import { publishFromPlatform } from "../platform-publish";

export function publishNotice(broker: Broker, deviceId: string, notice: OtaNotice | null): void {
  publishFromPlatform(broker, { topic: deviceTopic(broker.tenantId, deviceId, "ota"), payload: notice ? JSON.stringify(notice) : "", qos: 1, retain: true });
}

/** The notice the device would get now, if any. */
export function currentNotice(broker: Broker, deviceId: string): OtaNotice | null {
  const [retained] = broker.retained.matching(deviceTopic(broker.tenantId, deviceId, "ota"), broker.effects.now());
  if (!retained) return null;
  try {
    const parsed = OtaNotice.safeParse(JSON.parse(new TextDecoder().decode(retained.payload)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
