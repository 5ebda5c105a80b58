import { page } from "../../domain/schemas/common";
import { AuditEntry, AuditQuery } from "../../domain/schemas/identity";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

export const auditRoutes = tenantRouter().get(
  "/",
  doc({
    summary: "Read the tenant's audit log",
    description: "Newest first: logins, failed logins, key and credential issuance, role changes, denied cross-tenant attempts.",
    tags: ["audit"],
    ok: { schema: page(AuditEntry) },
    errors: [400],
  }),
  requireRole("ADMIN"),
  validate("query", AuditQuery),
  async (c) => c.json(await c.get("data").audit.list(c.req.valid("query"))),
);
