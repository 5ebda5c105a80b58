import { DurableObject } from "cloudflare:workers";
export class TenantHub extends DurableObject<Env> {
  async ping(): Promise<string> { return "pong"; }
}
