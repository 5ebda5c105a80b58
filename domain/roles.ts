import { z } from "zod";

/** Membership roles inside one tenant, weakest first. */
export const ROLES = ["VIEWER", "MEMBER", "ADMIN", "OWNER"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const rank: Record<Role, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

/** True when `role` is at least as strong as `required`. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return rank[role] >= rank[required];
}
