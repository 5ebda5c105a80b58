import { z } from "zod";
import { profilePolicyChanged } from "./health";
import { ResourceId } from "../../domain/ids";
import { CreateDeviceProfile, DeviceProfile, UpdateDeviceProfile } from "../../domain/schemas/assets";
import { page, PageQuery } from "../../domain/schemas/common";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { requireMountpointInTenant } from "../http/mountpoint-field";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["device profiles"];
const IdParam = z.object({ id: ResourceId });

/** Device profiles: allowed telemetry metrics with type, unit and range, and an MQTT mountpoint. */
export const deviceProfileRoutes = tenantRouter()
  .post(
    "/",
    doc({ summary: "Create a device profile", description: "`mountpoint` must lie inside this tenant's topics (`t/${tenant}/…`, ending in `/`), else 400.", tags, ok: { status: 201, schema: DeviceProfile }, errors: [400, 409] }),
    requireRole("MEMBER"),
    validate("json", CreateDeviceProfile),
    async (c) => {
      const input = c.req.valid("json");
      requireMountpointInTenant(c.get("tenant").id, input.mountpoint);
      const profile = await c.get("data").profiles.create(input);
      await audit(c, { action: "device_profile.create", targetType: "device_profile", targetId: profile.id, outcome: "success" });
      return c.json(profile, 201);
    },
  )
  .get("/", doc({ summary: "List device profiles", tags, ok: { schema: page(DeviceProfile) }, errors: [400] }), requireRole("VIEWER"), validate("query", PageQuery), async (c) =>
    c.json(await c.get("data").profiles.list(c.req.valid("query"))),
  )
  .get("/:id", doc({ summary: "Get a device profile", tags, ok: { schema: DeviceProfile }, errors: [404] }), requireRole("VIEWER"), validate("param", IdParam), async (c) => c.json(await c.get("data").profiles.get(c.req.valid("param").id)))
  .patch("/:id", doc({ summary: "Update a device profile", tags, ok: { schema: DeviceProfile }, errors: [400, 404] }), requireRole("MEMBER"), validate("param", IdParam), validate("json", UpdateDeviceProfile), async (c) => {
    const patch = c.req.valid("json");
    requireMountpointInTenant(c.get("tenant").id, patch.mountpoint);
    const profile = await c.get("data").profiles.update(c.req.valid("param").id, patch);
    await audit(c, { action: "device_profile.update", targetType: "device_profile", targetId: profile.id, outcome: "success" });
    if ("health" in patch) await profilePolicyChanged(c, profile.id, profile.health);
    return c.json(profile);
  })
  .delete(
    "/:id",
    doc({ summary: "Delete a device profile", description: "Refused with 409 while devices use it.", tags, ok: { status: 204, description: "Deleted" }, errors: [404, 409] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").profiles.delete(id);
      await audit(c, { action: "device_profile.delete", targetType: "device_profile", targetId: id, outcome: "success" });
      return c.body(null, 204);
    },
  );
