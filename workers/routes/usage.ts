/** Usage metering: the tenant's own month, and (operator) every tenant's. */
import { Hono } from "hono";
import { z } from "zod";
import { effectiveLimits } from "../../domain/plans";
import { PageQuery } from "../../domain/schemas/common";
import { TenantStatus } from "../../domain/schemas/identity";
import { currentMonth, UsageMonth, UsageReport, usageReport } from "../../domain/telemetry/usage";
import type { AppEnv } from "../http/app-env";
import { authenticateOperator, requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";
import { createLogger, errorFields } from "../../domain/log";

/**
 * API requests are metered by the tenant's ApiLimiter, which writes every few seconds; flushing
 * it first makes the tenant's own view current. Best effort: the report is still right to
 * within those seconds if the flush fails.
 */
async function flushApiMetering(env: Env, tenantId: string): Promise<void> {
  try {
    await env.API_LIMITER.getByName(tenantId).flush();
  } catch (err) {
    createLogger({ component: "usage", tenant: tenantId }).error("api metering flush failed", errorFields(err));
  }
}

const TenantUsage = UsageReport.extend({ quota: z.object({ monthlyMessages: z.number() }) });
const MonthQuery = z.strictObject({ month: UsageMonth.optional().describe("YYYY-MM; default: the current month (UTC)") });

export const usageRoutes = tenantRouter().get(
  "/",
  doc({
    summary: "This tenant's usage for a month",
    description: "Messages received, bytes ingested, data points stored, rejected messages (total and per reason), API requests, devices registered and hot-store size.",
    tags: ["usage"],
    ok: { schema: TenantUsage },
    errors: [400],
  }),
  requireRole("VIEWER"),
  validate("query", MonthQuery),
  async (c) => {
    const tenant = c.get("tenant");
    const month = c.req.valid("query").month ?? currentMonth();
    await flushApiMetering(c.env, tenant.id);
    const data = c.get("data");
    const report = usageReport(tenant.id, month, await data.usage.month(month));
    // The current month's device count is live; past months keep the last count recorded.
    if (month === currentMonth()) report.devicesRegistered = await data.devices.count();
    return c.json({ ...report, quota: { monthlyMessages: effectiveLimits(tenant.plan, tenant.limits).monthlyMessageQuota } });
  },
);

const AdminUsageQuery = PageQuery.extend({ month: UsageMonth.optional(), status: TenantStatus.optional() }).strict();

export const adminUsageRoutes = new Hono<AppEnv>().use(authenticateOperator).get(
  "/",
  doc({
    summary: "Usage of every tenant for a month",
    description: "Pages over tenants (by id) with each one's usage report.",
    tags: ["operator"],
    ok: { schema: z.object({ month: UsageMonth, items: z.array(UsageReport), nextCursor: z.string().nullable() }) },
    errors: [400, 401],
  }),
  validate("query", AdminUsageQuery),
  async (c) => {
    const q = c.req.valid("query");
    const month = q.month ?? currentMonth();
    const platform = c.get("platform");
    const tenants = await platform.tenants.list({ limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.status ? { status: q.status } : {}) });
    const usage = await platform.tenants.usageFor(
      tenants.items.map((t) => t.id),
      month,
    );
    return c.json({ month, items: tenants.items.map((t) => usageReport(t.id, month, usage[t.id] ?? {})), nextCursor: tenants.nextCursor });
  },
);
