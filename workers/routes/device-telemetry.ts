/** A device's latest telemetry values. Mounted inside the devices router, which authenticates. */
import { Hono } from "hono";
import { z } from "zod";
import { DeviceId } from "../../domain/ids";
import { TelemetryValue } from "../../domain/telemetry/points";
import type { AppEnv } from "../http/app-env";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { validate } from "../http/validate";
import { LatestParams } from "../telemetry/params";
import { telemetryStore } from "../telemetry/store-client";

const IdParam = z.object({ id: DeviceId });
const Latest = z.object({ device: DeviceId, values: z.record(z.string(), z.object({ ts: z.number(), value: TelemetryValue })) });

export const deviceTelemetryRoutes = new Hono<AppEnv>().get(
  "/latest",
  doc({ summary: "Latest values of a device", description: "The newest value of each metric (or of the comma-separated `metric` list).", tags: ["telemetry"], ok: { schema: Latest }, errors: [400, 404] }),
  requireRole("VIEWER"),
  validate("param", IdParam),
  validate("query", LatestParams),
  async (c) => {
    const { id } = c.req.valid("param");
    // 404 for a device this tenant does not have, like every device route.
    await c.get("data").devices.get(id);
    return c.json(await telemetryStore(c.env, c.get("tenant")).latest(id, c.req.valid("query").metric ?? []));
  },
);
