/**
 * Who is on the other end of an MQTT connection, as the ACL needs to know it. The hub builds a
 * principal from verified credentials at CONNECT; parse it with these schemas there, so the
 * ACL can rely on well-formed ids (it still fails closed on a malformed tenant or device id).
 */
import { z } from "zod";
import { Role } from "../roles";
import { DEVICE_ID_PATTERN, TENANT_ID_PATTERN } from "./topic-ids";

const TenantLevel = z.string().regex(TENANT_ID_PATTERN);
const DeviceLevel = z.string().regex(DEVICE_ID_PATTERN);

export const DevicePrincipal = z.object({
  kind: z.literal("device"),
  tenant: TenantLevel,
  deviceId: DeviceLevel,
  deviceType: z.enum(["device", "gateway"]),
  /** Registered child device ids; only consulted when `deviceType` is "gateway". */
  children: z.array(DeviceLevel),
});
export type DevicePrincipal = z.infer<typeof DevicePrincipal>;

export const ApplicationPrincipal = z.object({
  kind: z.literal("application"),
  tenant: TenantLevel,
  role: Role,
  clientId: z.string().min(1),
});
export type ApplicationPrincipal = z.infer<typeof ApplicationPrincipal>;

export const Principal = z.discriminatedUnion("kind", [DevicePrincipal, ApplicationPrincipal]);
export type Principal = z.infer<typeof Principal>;
