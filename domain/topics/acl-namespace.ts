/**
 * Which part of the tenant's namespace a topic or filter lies in, decided level by level so
 * that the same code serves topic names and filters. A hub only carries its own tenant's
 * messages, so a foreign filter could not leak anything today; the ACL denies it anyway, so
 * that isolation never rests on hub routing alone.
 */
import type { AclDenyReason } from "./acl-decision";
import { ASSET_ROOT, STATS_LEVEL, SYS_ROOT, TENANT_ROOT } from "./scheme";

export type NamespaceRoot = typeof TENANT_ROOT | typeof ASSET_ROOT | "sys";

export type NamespaceCheck = { ok: true; root: NamespaceRoot } | { ok: false; reason: Extract<AclDenyReason, "outside_tenant_namespace" | "foreign_tenant" | "wildcard_too_broad"> };

function isWildcard(level: string): boolean {
  return level === "+" || level === "#";
}

/**
 * Check the levels that name the tenant. A wildcard in any of them (`#`, `+/#`, `t/+/#`,
 * `$SYS/t/acme/#`) could reach other tenants or non-stats `$SYS` topics, so it is too broad.
 */
export function checkNamespace(levels: readonly string[], tenant: string): NamespaceCheck {
  const [root] = levels;
  if (root === undefined) return { ok: false, reason: "outside_tenant_namespace" };
  if (isWildcard(root)) return { ok: false, reason: "wildcard_too_broad" };
  if (root === TENANT_ROOT || root === ASSET_ROOT) {
    const owner = checkTenantLevel(levels[1], tenant);
    return owner ?? { ok: true, root };
  }
  if (root === SYS_ROOT) {
    const [, tree, tenantLevel, stats] = levels;
    if (tree === undefined) return { ok: false, reason: "outside_tenant_namespace" };
    if (isWildcard(tree)) return { ok: false, reason: "wildcard_too_broad" };
    if (tree !== TENANT_ROOT) return { ok: false, reason: "outside_tenant_namespace" };
    const owner = checkTenantLevel(tenantLevel, tenant);
    if (owner) return owner;
    if (stats === undefined) return { ok: false, reason: "outside_tenant_namespace" };
    if (isWildcard(stats)) return { ok: false, reason: "wildcard_too_broad" };
    if (stats !== STATS_LEVEL) return { ok: false, reason: "outside_tenant_namespace" };
    return { ok: true, root: "sys" };
  }
  return { ok: false, reason: "outside_tenant_namespace" };
}

function checkTenantLevel(level: string | undefined, tenant: string): NamespaceCheck | undefined {
  if (level === undefined) return { ok: false, reason: "outside_tenant_namespace" };
  if (isWildcard(level)) return { ok: false, reason: "wildcard_too_broad" };
  // Exact comparison: `acme2`, `acm`, `ACME` and `acme ` are all someone else's.
  if (level !== tenant) return { ok: false, reason: "foreign_tenant" };
  return undefined;
}
