/** The Skylark Worker: HTTP API and MQTT edge (fetch), telemetry consumers (queue). */
import { app } from "./app";

export { ApiLimiter } from "../durable-objects/api-limiter/limiter";
export { TenantHub } from "../durable-objects/tenant-hub/hub";
export { TenantLifecycle } from "./workflows/tenant-lifecycle";

export default {
  fetch: app.fetch,
  async queue(_batch: MessageBatch, _env: Env): Promise<void> {
    // The telemetry consumer arrives with the telemetry pipeline; until then batches are retried.
    _batch.retryAll();
  },
} satisfies ExportedHandler<Env>;
