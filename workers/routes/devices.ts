import type { Context } from "hono";
import { z } from "zod";
import { hashSecret, newDeviceSecret } from "../../domain/auth/credentials";
import { AppError } from "../../domain/errors";
import { DeviceId } from "../../domain/ids";
import { effectiveLimits } from "../../domain/plans";
import { page } from "../../domain/schemas/common";
import { CreateDevice, Device, DeviceListQuery, DeviceWithCredentials, UpdateDevice } from "../../domain/schemas/devices";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { credentialChanged } from "../http/hub-notify";
import { devicePolicyChanged } from "./health";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { deviceCredentialRoutes } from "./device-credentials";
import { deviceTelemetryRoutes } from "./device-telemetry";
import { deviceTwinRoutes } from "./device-twin";

const tags = ["devices"];
const IdParam = z.object({ id: DeviceId });

/** A parent must be a gateway of this tenant, and a profile must exist in this tenant. */
async function checkReferences(c: Context<AppEnv>, input: { parentId?: string | null | undefined; profileId?: string | null | undefined }, self?: string) {
  const data = c.get("data");
  if (input.parentId) {
    if (input.parentId === self) throw new AppError("validation_failed", "a device cannot be its own parent", { errors: [{ path: "body.parentId", message: "cannot be the device itself" }] });
    const parent = await data.devices.get(input.parentId).catch(() => null);
    if (!parent || parent.type !== "gateway") throw new AppError("validation_failed", `parent '${input.parentId}' is not a gateway of this tenant`, { errors: [{ path: "body.parentId", message: "must be a gateway of this tenant" }] });
  }
  if (input.profileId && !(await data.profiles.find(input.profileId))) {
    throw new AppError("validation_failed", `device profile '${input.profileId}' does not exist`, { errors: [{ path: "body.profileId", message: "no such device profile" }] });
  }
}

function credentialsFor(deviceId: string, secret: string) {
  return { clientId: deviceId, username: deviceId, password: secret };
}

export const deviceRoutes = tenantRouter()
  .post(
    "/",
    doc({ summary: "Register a device", description: "Returns MQTT credentials; the password (device secret) is shown only here.", tags, ok: { status: 201, schema: DeviceWithCredentials }, errors: [400, 403, 409] }),
    requireRole("MEMBER"),
    validate("json", CreateDevice),
    async (c) => {
      const input = c.req.valid("json");
      const data = c.get("data");
      const tenant = c.get("tenant");
      const { maxDevices } = effectiveLimits(tenant.plan, tenant.limits);
      if ((await data.devices.count()) >= maxDevices) {
        throw new AppError("plan_limit_reached", `the ${tenant.plan} plan allows ${maxDevices} devices`, { limit: "maxDevices", max: maxDevices, plan: tenant.plan });
      }
      await checkReferences(c, input);
      const profileId = input.profileId === undefined ? ((await data.profiles.findDefault())?.id ?? null) : input.profileId;
      const secret = newDeviceSecret();
      const device = await data.devices.create({ ...input, profileId }, await hashSecret(secret));
      await audit(c, { action: "device.create", targetType: "device", targetId: device.id, outcome: "success" });
      await audit(c, { action: "device.credentials_issued", targetType: "device", targetId: device.id, outcome: "success" });
      // A new child changes what its gateway may publish for.
      if (device.parentId) await credentialChanged(c, { kind: "device", id: device.parentId, change: "updated" });
      return c.json({ device, credentials: credentialsFor(device.id, secret) }, 201);
    },
  )
  .get("/", doc({ summary: "List devices", description: "Filters combine with AND; pages with `cursor`.", tags, ok: { schema: page(Device) }, errors: [400] }), requireRole("VIEWER"), validate("query", DeviceListQuery), async (c) =>
    c.json(await c.get("data").devices.list(c.req.valid("query"))),
  )
  .get("/:id", doc({ summary: "Get a device", tags, ok: { schema: Device }, errors: [404] }), requireRole("VIEWER"), validate("param", IdParam), async (c) => c.json(await c.get("data").devices.get(c.req.valid("param").id)))
  .patch("/:id", doc({ summary: "Update a device", tags, ok: { schema: Device }, errors: [400, 404] }), requireRole("MEMBER"), validate("param", IdParam), validate("json", UpdateDevice), async (c) => {
    const { id } = c.req.valid("param");
    const patch = c.req.valid("json");
    await c.get("data").devices.get(id);
    await checkReferences(c, patch, id);
    const device = await c.get("data").devices.update(id, patch);
    await audit(c, { action: "device.update", targetType: "device", targetId: id, outcome: "success", details: { fields: Object.keys(patch) } });
    await credentialChanged(c, { kind: "device", id, change: "updated" });
    if ("healthPolicy" in patch || "profileId" in patch) await devicePolicyChanged(c, device);
    return c.json(device);
  })
  .delete(
    "/:id",
    doc({ summary: "Delete a device", description: "Its credentials stop working at once; children of a gateway are detached.", tags, ok: { status: 204, description: "Deleted" }, errors: [404] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").devices.delete(id);
      await audit(c, { action: "device.delete", targetType: "device", targetId: id, outcome: "success" });
      await credentialChanged(c, { kind: "device", id, change: "deleted" });
      return c.body(null, 204);
    },
  )
  .post(
    "/:id/credentials/rotate",
    doc({ summary: "Rotate a device's secret", description: "The old secret stops working at once; the new one is shown only here.", tags, ok: { schema: DeviceWithCredentials }, errors: [404] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const secret = newDeviceSecret();
      const device = await c.get("data").devices.rotateSecret(id, await hashSecret(secret));
      await audit(c, { action: "device.credentials_rotated", targetType: "device", targetId: id, outcome: "success" });
      await credentialChanged(c, { kind: "device", id, change: "rotated" });
      return c.json({ device, credentials: credentialsFor(id, secret) });
    },
  )
  // Nested here rather than mounted beside: a second sub-app under /devices would run
  // authentication and the rate limit twice for these paths.
  .route("/:id/telemetry", deviceTelemetryRoutes)
  .route("/:id/attributes", deviceTwinRoutes)
  .route("/:id/credentials", deviceCredentialRoutes);
