import { describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup } from "./helpers";

describe("smoke", () => {
  it("signs up, registers a device and reads it back", async () => {
    const t = await signup();
    const created = await createDevice(t.ownerToken, { id: "dev-1", name: "Device 1", tags: ["a"] });
    expect(created.credentials.username).toBe("dev-1");
    const got = await expectOk(api("GET", "/api/v1/devices/dev-1", { token: t.ownerToken }));
    expect(got.id).toBe("dev-1");
  });
});
