/**
 * The fleet at a glance, for the console's Fleet overview: device counts (computed by the
 * registry, never by loading the devices), rejected messages of the last hour (the hot store),
 * plan limits hit this month (usage) and the MQTT clients connected now (the tenant's hub).
 */
import { FleetSummary } from "../../domain/schemas/fleet";
import { FleetHealth, FleetHealthQuery } from "../../domain/schemas/health";
import { currentMonth, usageReport } from "../../domain/telemetry/usage";
import { hubFor } from "../control-plane/residency";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { telemetryStore } from "../telemetry/store-client";
import { errorFields } from "../../domain/log";
import { requestLog } from "../http/log";

const HOUR_MS = 3_600_000;

export const fleetRoutes = tenantRouter()
  .get(
    "/health",
    doc({
      summary: "Fleet health",
      description:
        "Enabled devices by health state (online, degraded, offline, never_seen), per profile and per tag (the 50 most used), disabled devices apart, and the worst devices first: offline, then degraded, longest in that state first. Filter by `profile` or `tag`.",
      tags: ["fleet", "fleet health"],
      ok: { schema: FleetHealth },
      errors: [400],
    }),
    requireRole("VIEWER"),
    validate("query", FleetHealthQuery),
    async (c) => c.json(await c.get("data").deviceHealth.fleet(c.req.valid("query"))),
  )
  .get(
    "/summary",
    doc({
      summary: "Fleet summary",
      description:
        "Device counts by status (online + offline + neverSeen = total; disabled overlaps them), by type and by kind; devices with a location; rejected messages of the last hour; plan limits hit this month; MQTT clients connected now (null when the hub did not answer).",
      tags: ["fleet"],
      ok: { schema: FleetSummary },
    }),
    requireRole("VIEWER"),
    async (c) => {
      const tenant = c.get("tenant");
      const data = c.get("data");
      const [counts, usage, rejectedLastHour, connectedClients] = await Promise.all([
        data.devices.fleetCounts(),
        data.usage.month(currentMonth()),
        telemetryStore(c.env, tenant).rejectedCount(Date.now() - HOUR_MS),
        hubFor(c.env, tenant)
          .stats(tenant.id)
          .then((s) => s.connectedClients)
          .catch((err: unknown) => {
            requestLog(c, "fleet").error("fleet summary: hub stats failed", errorFields(err));
            return null;
          }),
      ]);
      const { withLocation, ...devices } = counts;
      const body: FleetSummary = { devices, withLocation, rejectedLastHour, limitHitsThisMonth: usageReport(tenant.id, currentMonth(), usage).limitHits, connectedClients };
      return c.json(body);
    },
  );
