import { Hono } from "hono";
import { publicJwks } from "../domain/auth/tokens";
import { outcomeOfSignupStatus } from "../domain/limits/auth-throttle";
import type { AppEnv } from "./http/app-env";
import { accountByApiKey, accountByEmail, accountByEmailToken, accountByInvitation, authThrottle } from "./http/auth-throttle";
import { doc } from "./http/doc";
import { health } from "./http/health";
import { DOCS_PAGE, docsPageCsp } from "./http/docs-page";
import { resolveHost } from "./http/host";
import { buildOpenApi } from "./http/openapi";
import { onError, onNotFound } from "./http/problem";
import { requestId } from "./http/request-id";
import { securityHeaders } from "./http/security-headers";
import { refuseQueryWhereNoneIsTaken } from "./http/validate";
import { adminMetricsRoutes } from "./routes/admin-metrics";
import { adminTenantRoutes } from "./routes/admin-tenants";
import { alarmRuleRoutes } from "./routes/alarm-rules";
import { alarmWebhookRoutes } from "./routes/alarm-webhooks";
import { alarmRoutes } from "./routes/alarms";
import { apiKeyRoutes } from "./routes/api-keys";
import { assetRoutes } from "./routes/assets";
import { auditRoutes } from "./routes/audit";
import { authRoutes } from "./routes/auth";
import { brandingRoutes } from "./routes/branding";
import { dashboardRoutes } from "./routes/dashboards";
import { deviceProfileRoutes } from "./routes/device-profiles";
import { deviceRoutes } from "./routes/devices";
import { deviceCommandRoutes } from "./routes/commands/device";
import { commandSettingsRoutes } from "./routes/commands/settings";
import { fleetCommandRoutes } from "./routes/commands/fleet";
import { devOutboxRoutes } from "./routes/dev-outbox";
import { domainRoutes } from "./routes/domains";
import { exportRoutes } from "./routes/exports";
import { firmwareRoutes } from "./routes/firmware";
import { fleetRoutes } from "./routes/fleet";
import { otaDownloadRoutes } from "./routes/ota-download";
import { rolloutRoutes } from "./routes/rollouts";
import { deviceHealthRoutes } from "./routes/health";
import { invitationRoutes } from "./routes/invitations";
import { memberRoutes } from "./routes/members";
import { mqttRoutes } from "./routes/mqtt";
import { statusRoutes } from "./routes/status";
import { telemetryRoutes } from "./routes/telemetry";
import { telemetryTraceRoutes } from "./routes/telemetry-trace";
import { tenantRoutes } from "./routes/tenant";
import { adminUsageRoutes, usageRoutes } from "./routes/usage";

/** The HTTP surface: one sub-app per resource under /api/v1, problem+json everywhere. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(onNotFound);
  // securityHeaders first, so that every response, problem bodies included, leaves with them.
  app.use(securityHeaders, requestId, resolveHost);
  // One rule for query strings: routes that take none refuse one (the others validate theirs).
  app.use("/api/v1/*", refuseQueryWhereNoneIsTaken);

  app.get("/healthz", health);
  app.route("/", mqttRoutes);
  app.get("/.well-known/jwks.json", async (c) => c.json(await publicJwks(c.env), 200, { "cache-control": "public, max-age=300" }));

  // The unauthenticated endpoints are throttled per address and per account before their handlers (http/auth-throttle.ts).
  app.use("/api/v1/auth/signup", authThrottle({ endpoint: "signup", account: accountByEmail, outcomeOf: outcomeOfSignupStatus }));
  app.use("/api/v1/auth/login", authThrottle({ endpoint: "login", account: accountByEmail }));
  app.use("/api/v1/auth/token", authThrottle({ endpoint: "token", account: accountByApiKey }));
  app.use("/api/v1/auth/invitations/accept", authThrottle({ endpoint: "accept", account: accountByInvitation }));
  app.use("/api/v1/auth/verify-email", authThrottle({ endpoint: "verify_email", account: accountByEmailToken }));
  app.route("/api/v1/auth", authRoutes);
  app.route("/api/v1/tenant", tenantRoutes);
  app.route("/api/v1/devices", deviceRoutes);
  // After the devices router, whose authentication and rate limit cover these paths too.
  app.route("/api/v1/devices", deviceCommandRoutes);
  app.route("/api/v1/devices", commandSettingsRoutes);
  app.route("/api/v1/devices", deviceHealthRoutes);
  app.route("/api/v1/commands", fleetCommandRoutes);
  app.route("/api/v1/device-profiles", deviceProfileRoutes);
  app.route("/api/v1/assets", assetRoutes);
  app.route("/api/v1/members", memberRoutes);
  app.route("/api/v1/invitations", invitationRoutes);
  app.route("/api/v1/api-keys", apiKeyRoutes);
  app.route("/api/v1/audit", auditRoutes);
  app.route("/api/v1/admin/tenants", adminTenantRoutes);
  app.route("/api/v1/admin/metrics", adminMetricsRoutes);
  app.route("/api/v1/domains", domainRoutes);
  app.route("/api/v1/exports", exportRoutes);
  app.route("/api/v1/branding", brandingRoutes);
  app.route("/api/v1/telemetry", telemetryRoutes);
  // After the telemetry router, whose authentication and rate limit cover this path too.
  app.route("/api/v1/telemetry", telemetryTraceRoutes);
  app.route("/api/v1/dashboards", dashboardRoutes);
  app.route("/api/v1/fleet", fleetRoutes);
  app.route("/api/v1/status", statusRoutes);
  app.route("/api/v1/firmware", firmwareRoutes);
  app.route("/api/v1/ota", otaDownloadRoutes);
  app.route("/api/v1/rollouts", rolloutRoutes);
  app.route("/api/v1/alarm-rules", alarmRuleRoutes);
  app.route("/api/v1/alarms", alarmRoutes);
  app.route("/api/v1/alarm-webhooks", alarmWebhookRoutes);
  app.route("/api/v1/usage", usageRoutes);
  app.route("/api/v1/admin/usage", adminUsageRoutes);
  app.route("/api/v1/dev", devOutboxRoutes);

  app.get("/api/v1/openapi.json", doc({ summary: "This API's OpenAPI 3.1 document", tags: ["meta"] }), (c) => c.json(buildOpenApi(app, new URL(c.req.url).origin)));
  app.get("/api/v1/docs", doc({ summary: "Readable API reference", tags: ["meta"], ok: { contentType: "text/html" } }), async (c) => c.html(DOCS_PAGE, 200, { "content-security-policy": await docsPageCsp() }));
  return app;
}

export const app = createApp();
