/**
 * Fleet health of one device: its health now (computed by the tenant's hub) and its
 * connectivity history. Mounted under /api/v1/devices next to the devices router. Health is
 * read-only; what can be changed is the policy it is computed with, on the device (PATCH
 * /devices/{id} `healthPolicy`) or its profile (`health`).
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { resolveHealthPolicy } from "../../domain/health/policy";
import { AppError } from "../../domain/errors";
import { DeviceId } from "../../domain/ids";
import type { Device } from "../../domain/schemas/devices";
import { ConnectivityPage, DeviceHealth } from "../../domain/schemas/health";
import type { HealthCall, HealthCallResult } from "../../durable-objects/tenant-hub/health/rpc";
import type { AppEnv } from "../http/app-env";
import { callHub } from "../http/hub-call";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { validate } from "../http/validate";
import { TimeParam } from "../telemetry/params";

const tags = ["fleet health"];
const DeviceParam = z.object({ id: DeviceId });
const RETENTION_MS = 30 * 86_400_000;

const ConnectivityQuery = z.strictObject({
  from: TimeParam.optional().describe("start (inclusive); default: 30 days ago, as far as the history goes"),
  to: TimeParam.optional().describe("end (exclusive); default: now"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "not a cursor from this API")
    .optional(),
});

/** One call into the tenant's hub; a hub that cannot be reached is 503. */
function hubHealth<Op extends HealthCall["op"]>(c: Context<AppEnv>, call: HealthCall & { op: Op }): Promise<HealthCallResult[Op]> {
  return callHub(c, `hub.health.${call.op}`, async (hub, tenantId) => (await hub.health(tenantId, call)) as HealthCallResult[Op], "the tenant's hub did not answer; try again");
}

/**
 * A device's health policy or profile changed: its hub applies the new policy at once. The
 * change is committed in the registry already; an unreachable hub is logged, and the device
 * gets the policy at its next connection.
 */
export async function devicePolicyChanged(c: Context<AppEnv>, device: Device): Promise<void> {
  const profile = device.profileId ? await c.get("data").profiles.find(device.profileId) : null;
  await hubHealth(c, { op: "inputs", deviceId: device.id, inputs: { profileId: device.profileId, profilePolicy: profile?.health ?? null, devicePolicy: device.healthPolicy } }).catch(() => undefined);
}

export async function profilePolicyChanged(c: Context<AppEnv>, profileId: string, policy: Device["healthPolicy"]): Promise<void> {
  await hubHealth(c, { op: "profile", profileId, policy }).catch(() => undefined);
}

export const deviceHealthRoutes = new Hono<AppEnv>()
  .get(
    "/:id/health",
    doc({
      summary: "A device's health",
      description:
        "online, degraded (heartbeat late or vitals out of bounds), offline (disconnected, or connected but silent past its inactivity timeout) or never_seen; why, since when, the last heartbeat's vitals and the policy in force.",
      tags,
      ok: { schema: DeviceHealth },
      errors: [404, 503],
    }),
    requireRole("VIEWER"),
    validate("param", DeviceParam),
    async (c) => {
      const device = await c.get("data").devices.get(c.req.valid("param").id);
      const health = await hubHealth(c, { op: "device", deviceId: device.id });
      if (health) return c.json(health);
      const profile = device.profileId ? await c.get("data").profiles.find(device.profileId) : null;
      const policy = resolveHealthPolicy(profile?.health, device.healthPolicy);
      const body: DeviceHealth = {
        deviceId: device.id,
        state: "never_seen",
        reason: "never_connected",
        since: null,
        connected: false,
        connectionSeq: 0,
        connectedAt: null,
        lastHeardAt: null,
        lastHeartbeatAt: null,
        vitals: {},
        breaches: [],
        policy,
        nextCheckAt: null,
      };
      return c.json(body);
    },
  )
  .get(
    "/:id/connectivity",
    doc({
      summary: "A device's connectivity events",
      description: "connected, disconnected (with the cause) and health_changed, newest first; kept 30 days. A disconnect marked `stale` belonged to an older connection than the current one and changed nothing.",
      tags,
      ok: { schema: ConnectivityPage },
      errors: [400, 404, 503],
    }),
    requireRole("VIEWER"),
    validate("param", DeviceParam),
    validate("query", ConnectivityQuery),
    async (c) => {
      const device = await c.get("data").devices.get(c.req.valid("param").id);
      const q = c.req.valid("query");
      const to = q.to ?? Date.now() + 1;
      const from = q.from ?? to - RETENTION_MS;
      if (from >= to) throw new AppError("validation_failed", "from must be before to", { errors: [{ path: "from", message: "must be before to" }] });
      const rows = await hubHealth(c, { op: "events", deviceId: device.id, from, to, limit: q.limit + 1, ...(q.cursor ? { beforeId: Number(q.cursor) } : {}) });
      const items = rows.slice(0, q.limit);
      const body: ConnectivityPage = { items, nextCursor: rows.length > q.limit ? String(items[items.length - 1]!.id) : null };
      return c.json(body);
    },
  );
