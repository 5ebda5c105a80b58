/**
 * Which backend answers a series query: the hot store for anything inside the plan's hot-store
 * retention (and always when Analytics Engine is not configured, as in local development), the
 * Analytics Engine SQL API for ranges reaching further back when AE_ACCOUNT_ID and AE_API_TOKEN
 * are set. Both are built for the verified tenant only.
 */
import { effectiveLimits } from "../../domain/plans";
import type { Tenant } from "../../domain/schemas/identity";
import { AeApiConfig, analyticsEngineBackend } from "../../domain/telemetry/ae-backend";
import { hotStoreBackend, type SeriesQuery, type TelemetryBackend } from "../../domain/telemetry/query";
import { telemetryStore } from "./store-client";

const DAY_MS = 86_400_000;

/** Optional configuration, not declared in wrangler.toml: `wrangler secret put AE_API_TOKEN`. */
type AnalyticsEngineEnv = { AE_ACCOUNT_ID?: string; AE_API_TOKEN?: string };

function analyticsEngineConfig(env: Env): AeApiConfig | null {
  const e = env as Env & AnalyticsEngineEnv;
  const parsed = AeApiConfig.safeParse({ accountId: e.AE_ACCOUNT_ID, apiToken: e.AE_API_TOKEN });
  return parsed.success ? parsed.data : null;
}

export function chooseBackend(env: Env, tenant: Tenant, query: Pick<SeriesQuery, "from">, now = Date.now()): TelemetryBackend {
  const config = analyticsEngineConfig(env);
  const hotFrom = now - effectiveLimits(tenant.plan, tenant.limits).hotStoreRetentionDays * DAY_MS;
  if (config && query.from < hotFrom) return analyticsEngineBackend({ ...config, tenant: tenant.id });
  return hotStoreBackend(telemetryStore(env, tenant));
}
