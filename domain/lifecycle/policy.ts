/** Lifecycle rules that are policy rather than mechanism, in one place. */

/** A deleted tenant's id stays reserved this long (its tombstone row), so links, tokens and topics naming it cannot reach a newcomer. */
export const TENANT_ID_RETENTION_DAYS = 180;

/** How long the owner can download the offboarding export before everything, the export included, is deleted. */
export const DEFAULT_DOWNLOAD_WINDOW_HOURS = 7 * 24;
export const MAX_DOWNLOAD_WINDOW_HOURS = 30 * 24;

/** How long signup and operator creation wait for onboarding before answering with a still-provisioning tenant. */
export const ONBOARDING_WAIT_MS = 25_000;

/** Analytics Engine keeps rows for its fixed retention and offers no delete; certificates say so. */
export const ANALYTICS_ENGINE_RETENTION_DAYS = 90;

export const isIdReusable = (tenant: { status: string; deletedAt: number | null }, now = Date.now()) => tenant.status === "deleted" && tenant.deletedAt !== null && now - tenant.deletedAt > TENANT_ID_RETENTION_DAYS * 86_400_000;
