/**
 * A mountpoint in a request body is checked against the caller's tenant when it is written (the
 * schema alone cannot: it does not know the tenant), so a key or profile that could never connect,
 * or that names another tenant's topics, is a 400 at once rather than a refused CONNECT later.
 */
import { AppError } from "../../domain/errors";
import { describeMountpointRejection, validateMountpointTemplate } from "../../domain/topics/mountpoint";

export function requireMountpointInTenant(tenantId: string, mountpoint: string | null | undefined, path = "body.mountpoint"): void {
  if (mountpoint === null || mountpoint === undefined || mountpoint === "") return;
  const check = validateMountpointTemplate(mountpoint, tenantId);
  if (check.ok) return;
  const message = describeMountpointRejection(check.reason, tenantId);
  throw new AppError("validation_failed", `invalid body: ${path}: ${message}`, { errors: [{ path, message }] });
}
