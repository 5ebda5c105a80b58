/** Messages the platform itself publishes into a tenant's hub (desired attributes, commands, OTA). */
import { parseSkylarkTopic, validateTopicName } from "../../domain/topics";
import type { Broker } from "./broker";
import { publishMessage } from "./delivery";
import type { HubMessage } from "./message";

export function publishFromPlatform(broker: Broker, input: { topic: string; payload: string; qos: 0 | 1; retain: boolean }): void {
  const parsed = parseSkylarkTopic(input.topic);
  // The platform only writes inside this tenant's namespace.
  if (!validateTopicName(input.topic).ok || !parsed || parsed.tenant !== broker.tenantId) throw new Error(`not a topic of tenant ${broker.tenantId}: ${input.topic}`);
  const message: HubMessage = { topic: input.topic, payload: new TextEncoder().encode(input.payload), qos: input.qos, retain: input.retain, properties: {}, publisher: "" };
  if (message.retain) broker.retained.put(message, broker.effects.now());
  publishMessage(broker, message);
}
