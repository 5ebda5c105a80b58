/**
 * The device twin: reported attributes (client attributes, merged from the device's
 * `attributes` messages), desired attributes (shared attributes, set here and pushed to the
 * device) and the delta between them. Mounted inside the devices router, which authenticates.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { DeviceId } from "../../domain/ids";
import { DesiredAttributes, DeviceTwin, deviceTwin } from "../../domain/telemetry/twin";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { validate } from "../http/validate";
import { publishDesiredAttributes } from "../telemetry/hub-publish";

const tags = ["devices"];
const IdParam = z.object({ id: DeviceId });
const TwinAfterWrite = DeviceTwin.extend({ published: z.boolean().describe("whether the hub accepted the attributes/set message") });

async function writeDesired(c: Context<AppEnv>, id: string, attributes: Record<string, unknown>, mode: "replace" | "merge") {
  const device = await c.get("data").devices.writeSharedAttributes(id, attributes, mode);
  await audit(c, { action: "device.desired_attributes_set", targetType: "device", targetId: id, outcome: "success", details: { mode, keys: Object.keys(attributes) } });
  const published = await publishDesiredAttributes(c.env, c.get("tenant"), id, device.sharedAttributes, c.get("requestId"));
  return c.json({ ...deviceTwin(device), published });
}

export const deviceTwinRoutes = new Hono<AppEnv>()
  .get(
    "/",
    doc({ summary: "Get a device's twin", description: "Reported and desired attributes, and the delta: desired keys the device does not report (yet) with that value.", tags, ok: { schema: DeviceTwin }, errors: [404] }),
    requireRole("VIEWER"),
    validate("param", IdParam),
    async (c) => c.json(deviceTwin(await c.get("data").devices.get(c.req.valid("param").id))),
  )
  .put(
    "/desired",
    doc({ summary: "Replace a device's desired attributes", description: "Stored, then published retained to t/{tenant}/devices/{id}/attributes/set.", tags, ok: { schema: TwinAfterWrite }, errors: [400, 404] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    validate("json", DesiredAttributes),
    async (c) => writeDesired(c, c.req.valid("param").id, c.req.valid("json"), "replace"),
  )
  .patch(
    "/desired",
    doc({ summary: "Merge-patch a device's desired attributes", description: "JSON merge patch (RFC 7396): null removes a key. The whole desired document is then published.", tags, ok: { schema: TwinAfterWrite }, errors: [400, 404] }),
    requireRole("MEMBER"),
    validate("param", IdParam),
    validate("json", DesiredAttributes),
    async (c) => writeDesired(c, c.req.valid("param").id, c.req.valid("json"), "merge"),
  );
