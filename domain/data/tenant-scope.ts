/**
 * The only door to tenant-owned rows. `forTenant()` is built from a *verified* tenant id (a JWT
 * claim, an API key, device credentials) and every repository below pins `tenant_id` in every
 * query it makes, so a route handler cannot reach another tenant's rows even by mistake.
 */
import type { Db } from "./db";
import { alarmRuleRepo, alarmWebhookRepo } from "./repos/alarms";
import { apiKeyRepo } from "./repos/api-keys";
import { assetRepo, sensorRepo } from "./repos/assets";
import { auditRepo } from "./repos/audit";
import { dashboardRepo } from "./repos/dashboards";
import { deadLetterRepo } from "./repos/dead-letters";
import { deviceCredentialRepo } from "./repos/device-credentials";
import { deviceHealthRepo } from "./repos/device-health";
import { deviceRepo } from "./repos/devices";
import { domainRepo } from "./repos/domains";
import { firmwareRepo } from "./repos/firmware";
import { invitationRepo, memberRepo } from "./repos/members";
import { profileRepo } from "./repos/profiles";
import { rolloutExecutionRepo } from "./repos/rollout-executions";
import { rolloutRepo } from "./repos/rollouts";
import { usageRepo } from "./repos/usage";

export function forTenant(db: Db, tenantId: string) {
  return {
    tenantId,
    devices: deviceRepo(db, tenantId),
    deviceCredentials: deviceCredentialRepo(db, tenantId),
    deviceHealth: deviceHealthRepo(db, tenantId),
    profiles: profileRepo(db, tenantId),
    assets: assetRepo(db, tenantId),
    sensors: sensorRepo(db, tenantId),
    members: memberRepo(db, tenantId),
    invitations: invitationRepo(db, tenantId),
    apiKeys: apiKeyRepo(db, tenantId),
    audit: auditRepo(db, tenantId),
    usage: usageRepo(db, tenantId),
    deadLetters: deadLetterRepo(db, tenantId),
    domains: domainRepo(db, tenantId),
    dashboards: dashboardRepo(db, tenantId),
    firmware: firmwareRepo(db, tenantId),
    rollouts: rolloutRepo(db, tenantId),
    rolloutExecutions: rolloutExecutionRepo(db, tenantId),
    alarmRules: alarmRuleRepo(db, tenantId),
    alarmWebhooks: alarmWebhookRepo(db, tenantId),
  };
}

export type TenantData = ReturnType<typeof forTenant>;
