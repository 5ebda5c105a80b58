/**
 * Refuses a tenant id that reads like an existing tenant's under the same display name: a phishing
 * host for that tenant's users (the rule is in domain/tenant-look-alike.ts). Checked when a tenant
 * is created and when a tenant renames itself or changes the name its login page shows, since
 * either would otherwise get around the check at creation.
 */
import type { PlatformData } from "../../domain/data/platform";
import { AppError } from "../../domain/errors";
import { displayNameKey, isLookAlikeTenantId } from "../../domain/tenant-look-alike";

export async function refuseLookAlikeTenantId(platform: PlatformData, id: string, displayNames: ReadonlyArray<string | undefined>): Promise<void> {
  const keys = new Set(displayNames.filter((n): n is string => !!n && n.trim() !== "").map(displayNameKey));
  for (const key of keys) {
    const original = (await platform.tenants.withDisplayName(key)).find((t) => isLookAlikeTenantId(t.id, id));
    if (original) {
      throw new AppError("conflict", `tenant id '${id}' is too close to the existing tenant '${original.id}' with the same name; choose a more distinct id or another name`, { similarTo: original.id });
    }
  }
}
