import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
it("serves", async () => {
  const res = await exports.default.fetch("http://localhost/healthz");
  expect(await res.text()).toBe("ok");
  const stub = env.TENANT_HUB.getByName("acme");
  expect(await (stub as any).ping()).toBe("pong");
});
