export { TenantHub } from "../durable-objects/tenant-hub/hub";
export { TenantLifecycle } from "./workflows/tenant-lifecycle";

export default {
  async fetch(_req: Request, _env: Env): Promise<Response> {
    return new Response("ok");
  },
  async queue(_batch: MessageBatch, _env: Env): Promise<void> {},
} satisfies ExportedHandler<Env>;
