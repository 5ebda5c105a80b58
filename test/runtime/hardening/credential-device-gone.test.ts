/**
 * POST /devices/:id/credentials reads the device, then inserts the credential. A device deleted
 * between the two is caught by the registry's foreign key, and the repository answers 404 `not_found`
 * for it (not a 500): the branch is only reachable in that race, so it is driven here directly.
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { openRegistry } from "../../../domain/data/db";
import { forTenant } from "../../../domain/data/tenant-scope";
import { AppError } from "../../../domain/errors";
import { createDevice, signup } from "../helpers";

it("a credential for a device that is gone is not_found, and nothing is stored", async () => {
  const t = await signup();
  await createDevice(t.ownerToken, { id: "still-here" });
  const data = forTenant(openRegistry(env.REGISTRY), t.tenantId);
  const credential = { type: "jwk" as const, algorithm: "ES256", material: "{}", fingerprint: "fp-gone" };

  const refused = await data.deviceCredentials.create({ ...credential, deviceId: "deleted-meanwhile" }).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(AppError);
  expect((refused as AppError).code).toBe("not_found");

  // The same credential for a device that exists is stored: the refusal was about the device.
  const stored = await data.deviceCredentials.create({ ...credential, deviceId: "still-here" });
  expect(stored.deviceId).toBe("still-here");
  expect(await data.deviceCredentials.list("deleted-meanwhile")).toEqual([]);
});
