import type { PlatformData } from "../../domain/data/platform";
import type { TenantData } from "../../domain/data/tenant-scope";
import type { AttemptOutcome } from "../../domain/limits/auth-throttle";
import type { Role } from "../../domain/roles";
import type { Tenant } from "../../domain/schemas/identity";

/** Who is calling, established only from verified credentials. */
export type Principal = {
  tenantId: string;
  role: Role;
  actorType: "user" | "api_key";
  actorId: string;
  mountpoint?: string;
  /** When the credential's authority ends by itself (an API key's expiry, or its creating key's), if ever. */
  expiresAt?: number;
};

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    platform: PlatformData;
    /** The tenant named by the request's host (subdomain or custom domain), if any. */
    hostTenant: Tenant | null;
    principal: Principal;
    tenant: Tenant;
    /** Tenant-scoped data access, pinned to the principal's tenant. */
    data: TenantData;
    /**
     * What a throttled handler learned about the credentials when its status cannot tell
     * (signup answers 201 either way); read by the auth throttle, which otherwise goes by status.
     */
    authAttempt?: AttemptOutcome;
  };
};
