/**
 * After a rule changes in D1, the tenant's whole rule set goes to its hot store, which evaluates
 * from memory and never reads D1 per reading. The version is taken before the set is read, so
 * when two changes race the store keeps the later read (it ignores older versions).
 */
import type { TenantData } from "../../domain/data/tenant-scope";
import type { Tenant } from "../../domain/schemas/identity";
import { telemetryStore } from "../telemetry/store-client";

export async function pushAlarmRules(env: Env, tenant: Pick<Tenant, "id" | "region">, data: TenantData): Promise<void> {
  const version = Date.now();
  const rules = await data.alarmRules.all();
  await telemetryStore(env, tenant).setAlarmRules(rules, version);
}
