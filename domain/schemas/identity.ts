import { z } from "zod";
import { DeviceId, TenantId } from "../ids";
import { DEFAULT_DOWNLOAD_WINDOW_HOURS, MAX_DOWNLOAD_WINDOW_HOURS } from "../lifecycle/policy";
import { LimitOverrides, Plan, PlanLimits } from "../plans";
import { Role } from "../roles";
import { ApiCursor, DisplayName, Email, Password, QueryTime, Timestamp } from "./common";
import { Mountpoint } from "./assets";

export const TenantStatus = z.enum(["provisioning", "active", "suspended", "offboarding", "deleted"]);
export const Region = z.enum(["default", "eu", "fedramp"]);
export const Branding = z.strictObject({
  displayName: z.string().max(120).optional(),
  logoUrl: z
    .url({ protocol: /^https$/ })
    .max(500)
    .optional(),
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .optional(),
});

export const Tenant = z.object({
  id: TenantId,
  name: z.string(),
  status: TenantStatus,
  plan: Plan,
  region: Region,
  limits: z.record(z.string(), z.number()),
  branding: z.record(z.string(), z.string()),
  /** When offboarding finished (status `deleted`); the id stays reserved for a retention period. */
  deletedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Tenant = z.infer<typeof Tenant>;

export const User = z.object({ id: z.string(), email: z.string(), name: z.string(), emailVerified: z.boolean(), createdAt: Timestamp });
export type User = z.infer<typeof User>;

export const Signup = z.strictObject({
  email: Email,
  password: Password,
  name: DisplayName.optional(),
  tenant: z.strictObject({ id: TenantId, name: DisplayName, region: Region.default("default") }),
});
export const Login = z.strictObject({ email: Email, password: z.string().min(1).max(256), tenant: TenantId.optional() });
export const TokenExchange = z.strictObject({ apiKey: z.string().min(1).max(200) });
export const SwitchTenant = z.strictObject({ tenant: TenantId });
export const AcceptInvitation = z.strictObject({
  token: z.string().min(1).max(200),
  name: DisplayName.optional(),
  password: Password.optional().describe("required when the invited email has no account yet"),
});
export const TokenResponse = z.object({ token: z.string(), tokenType: z.literal("Bearer"), expiresIn: z.number(), tenant: TenantId, role: Role });

/** POST /auth/login: the token, whether the address is proven, and the user's workspaces. */
export const LoginResponse = TokenResponse.extend({ emailVerified: z.boolean(), workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })) });
export type LoginResponse = z.infer<typeof LoginResponse>;
/** GET /auth/workspaces. */
export const WorkspaceList = z.object({ items: z.array(z.object({ tenant: Tenant, role: z.string() })) });
export type WorkspaceList = z.infer<typeof WorkspaceList>;
/** GET /branding (public, on a tenant's own host). */
export const PublicBranding = z.object({ tenant: z.object({ id: z.string(), name: z.string() }), branding: Branding });
export type PublicBranding = z.infer<typeof PublicBranding>;
/** GET /tenant: the active tenant, the caller's role in it, and its effective limits. */
export const TenantView = z.object({ tenant: Tenant, role: Role, limits: PlanLimits, deviceCount: z.number(), certificatesExpiringSoon: z.number().describe("active device certificates that expire within 30 days") });
export type TenantView = z.infer<typeof TenantView>;

export const UpdateTenant = z.strictObject({ name: DisplayName, branding: Branding, plan: Plan.describe("refused (403): plans are changed by the platform operator or billing, not by the tenant") }).partial();

export const Member = z.object({ userId: z.string(), email: z.string(), name: z.string(), role: Role, createdAt: Timestamp });
export type Member = z.infer<typeof Member>;
export const UpdateMember = z.strictObject({ role: Role });

export const Invitation = z.object({ id: z.string(), email: z.string(), role: Role, invitedBy: z.string(), expiresAt: Timestamp, acceptedAt: Timestamp.nullable(), createdAt: Timestamp });
export type Invitation = z.infer<typeof Invitation>;
export const CreateInvitation = z.strictObject({ email: Email, role: Role.default("MEMBER") });

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: Role,
  mountpoint: z.string().nullable(),
  createdBy: z.string(),
  expiresAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type ApiKey = z.infer<typeof ApiKey>;
export const CreateApiKey = z.strictObject({
  name: DisplayName,
  role: Role.default("VIEWER"),
  mountpoint: Mountpoint.nullable().optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const AuditEntry = z.object({
  id: z.string(),
  ts: Timestamp,
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.enum(["success", "denied", "failure"]),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: ApiCursor.optional(),
  action: z.string().max(64).optional(),
  outcome: z.enum(["success", "denied", "failure"]).optional(),
  since: QueryTime.optional().describe("rows at or after this time: milliseconds since the epoch or ISO 8601"),
  device: DeviceId.optional().describe("rows about this device (its target) or by it (its actor)"),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AdminCreateTenant = z.strictObject({
  id: TenantId,
  name: DisplayName,
  plan: Plan.default("starter"),
  region: Region.default("default"),
  ownerEmail: Email,
  /** A custom hostname to register during onboarding (it still needs DNS and verification). */
  customDomain: z.string().min(1).max(253).optional(),
});
export const OffboardTenant = z.strictObject({
  /** The tenant id again, so a mistyped id in the path cannot delete the wrong tenant. */
  confirm: TenantId,
  downloadWindowHours: z.number().int().min(0).max(MAX_DOWNLOAD_WINDOW_HOURS).default(DEFAULT_DOWNLOAD_WINDOW_HOURS),
});
export const AdminUpdateTenant = z.strictObject({ name: DisplayName, plan: Plan, limits: LimitOverrides, status: z.enum(["active", "suspended"]) }).partial();
