/** What the signed-in role may do, by the API's own role order (domain/roles.ts). */
import { ROLES, roleAtLeast, type Role } from "../../domain/roles";

export const can = (role: Role, required: Role) => roleAtLeast(role, required);
export const asRole = (value: string): Role => ((ROLES as readonly string[]).includes(value) ? (value as Role) : "VIEWER");
