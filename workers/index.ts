/** The Skylark Worker: HTTP API and MQTT edge (fetch), telemetry consumers (queue). */
import { app } from "./app";
import { ALARM_EVENTS_QUEUE_NAME, alarmNotificationDeps, consumeAlarmEvents } from "./queue/alarm-notifications";
import { consumeDeadLetters, deadLetterDeps } from "./queue/dead-letter-consumer";
import { TELEMETRY_DLQ_NAME, TELEMETRY_QUEUE_NAME } from "./queue/messages";
import { consumeTelemetry, consumerDeps } from "./queue/telemetry-consumer";

export { ApiLimiter } from "../durable-objects/api-limiter/limiter";
export { AuthAuditSampler } from "../durable-objects/auth-throttle/audit-sampler";
export { AuthThrottle } from "../durable-objects/auth-throttle/throttle";
export { MqttCooldown } from "../durable-objects/mqtt-cooldown/cooldown";
export { TenantHub } from "../durable-objects/tenant-hub/hub";
export { TelemetryStore } from "../durable-objects/telemetry-store/store";
export { TenantLifecycle } from "./workflows/tenant-lifecycle";
export { FirmwareRollout } from "./workflows/firmware-rollout";

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch, env: Env): Promise<void> {
    if (batch.queue === TELEMETRY_QUEUE_NAME) await consumeTelemetry(batch, consumerDeps(env));
    else if (batch.queue === TELEMETRY_DLQ_NAME) await consumeDeadLetters(batch, deadLetterDeps(env));
    else if (batch.queue === ALARM_EVENTS_QUEUE_NAME) await consumeAlarmEvents(batch, alarmNotificationDeps(env));
    // A queue this Worker does not know: keep the messages for a consumer that does.
    else batch.retryAll();
  },
} satisfies ExportedHandler<Env>;
