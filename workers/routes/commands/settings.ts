/**
 * A device's command settings: how many commands it may have in flight at once (default 1).
 * Device profiles have no place for it yet, so it is per device, kept in the tenant's hub next to
 * the device's queue. Mounted under /api/v1/devices next to the devices router, which authenticates.
 */
import { Hono } from "hono";
import { z } from "zod";
import { DeviceId } from "../../../domain/ids";
import { CommandSettings } from "../../../domain/schemas/commands";
import type { AppEnv } from "../../http/app-env";
import { audit } from "../../http/audit";
import { requireRole } from "../../http/auth";
import { doc } from "../../http/doc";
import { validate } from "../../http/validate";
import { hubCommands } from "./hub-call";

const tags = ["commands"];
const DeviceParam = z.object({ id: DeviceId });

export const commandSettingsRoutes = new Hono<AppEnv>()
  .get(
    "/:id/command-settings",
    doc({ summary: "Get a device's command settings", description: "maxInFlight: commands PUBLISHed and unfinished at once (default 1).", tags, ok: { schema: CommandSettings }, errors: [404, 503] }),
    requireRole("VIEWER"),
    validate("param", DeviceParam),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").devices.get(id);
      return c.json(await hubCommands(c, { op: "settings", deviceId: id }));
    },
  )
  .put(
    "/:id/command-settings",
    doc({ summary: "Set a device's command settings", description: "A larger maxInFlight sends waiting commands at once; a smaller one lets those in flight finish.", tags, ok: { schema: CommandSettings }, errors: [400, 404, 503] }),
    requireRole("MEMBER"),
    validate("param", DeviceParam),
    validate("json", CommandSettings),
    async (c) => {
      const { id } = c.req.valid("param");
      await c.get("data").devices.get(id);
      const settings = await hubCommands(c, { op: "settings", deviceId: id, maxInFlight: c.req.valid("json").maxInFlight });
      await audit(c, { action: "command.settings_update", targetType: "device", targetId: id, outcome: "success", details: settings });
      return c.json(settings);
    },
  );
