/** Custom domains (Cloudflare for SaaS): register, verify over DNS-over-HTTPS, list, remove. */
import type { Context } from "hono";
import { normalizeCustomHostname } from "../../domain/domains/hostname";
import { AppError } from "../../domain/errors";
import { page, PageQuery } from "../../domain/schemas/common";
import { CreateDomain, Domain, HostnameParam, VerificationResult } from "../../domain/schemas/domains";
import { domainServices, domainView, hostnameOrThrow, registerDomain, removeDomain, verifyDomain } from "../control-plane/domains";
import type { AppEnv } from "../http/app-env";
import { audit } from "../http/audit";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["domains"];

/** A hostname from the path, normalized; one that cannot be a hostname is simply not one of ours. */
function pathHostname(c: Context<AppEnv>, raw: string): string {
  const checked = normalizeCustomHostname(raw, c.env.PLATFORM_DOMAIN);
  if (!checked.ok) throw new AppError("not_found", "domain not found");
  return checked.hostname;
}

export const domainRoutes = tenantRouter()
  .post(
    "/",
    doc({
      summary: "Add a custom domain",
      description:
        "Registers the hostname with Cloudflare for SaaS and returns the DNS records to create: a CNAME to the platform, a TXT `_skylark-challenge.{hostname}` with this domain's token, and Cloudflare's own validation records when it asks for them. Then call verify.",
      tags,
      ok: { status: 201, schema: Domain },
      errors: [400, 403, 409],
    }),
    requireRole("ADMIN"),
    validate("json", CreateDomain),
    async (c) => {
      const hostname = hostnameOrThrow(c.req.valid("json").hostname, c.env.PLATFORM_DOMAIN, "body.hostname");
      const svc = domainServices(c.env);
      const record = await registerDomain(svc, c.get("platform"), c.get("data"), hostname);
      await audit(c, { action: "domain.add", targetType: "domain", targetId: hostname, outcome: "success" });
      return c.json(domainView(record, svc.target), 201);
    },
  )
  .get("/", doc({ summary: "List custom domains", tags, ok: { schema: page(Domain) }, errors: [400, 403] }), requireRole("ADMIN"), validate("query", PageQuery), async (c) => {
    const { target } = domainServices(c.env);
    const result = await c.get("data").domains.list(c.req.valid("query"));
    return c.json({ ...result, items: result.items.map((r) => domainView(r, target)) });
  })
  .get("/:hostname", doc({ summary: "Get a custom domain", tags, ok: { schema: Domain }, errors: [403, 404] }), requireRole("ADMIN"), validate("param", HostnameParam), async (c) => {
    const record = await c.get("data").domains.find(pathHostname(c, c.req.valid("param").hostname));
    if (!record) throw new AppError("not_found", "domain not found");
    return c.json(domainView(record, domainServices(c.env).target));
  })
  .post(
    "/:hostname/verify",
    doc({
      summary: "Verify a custom domain",
      description:
        "Looks up the CNAME and the `_skylark-challenge` TXT record over DNS-over-HTTPS and asks Cloudflare for the hostname's and certificate's status. Active when all pass; otherwise `failed` with the reason. 409 when the hostname is active for another tenant.",
      tags,
      ok: { schema: VerificationResult },
      errors: [403, 404, 409],
    }),
    requireRole("ADMIN"),
    validate("param", HostnameParam),
    async (c) => {
      const hostname = pathHostname(c, c.req.valid("param").hostname);
      const svc = domainServices(c.env);
      try {
        const { record, checks } = await verifyDomain(svc, c.get("data"), hostname);
        await audit(c, { action: "domain.verify", targetType: "domain", targetId: hostname, outcome: record.status === "active" ? "success" : "failure", details: record.failureReason ? { reason: record.failureReason } : {} });
        return c.json({ domain: domainView(record, svc.target), checks });
      } catch (err) {
        if (err instanceof AppError && err.code === "conflict") await audit(c, { action: "domain.verify", targetType: "domain", targetId: hostname, outcome: "denied", details: { reason: err.message } });
        throw err;
      }
    },
  )
  .delete(
    "/:hostname",
    doc({ summary: "Remove a custom domain", description: "Routing stops at once; the custom hostname is also deleted at Cloudflare.", tags, ok: { status: 204, description: "Removed" }, errors: [403, 404] }),
    requireRole("ADMIN"),
    validate("param", HostnameParam),
    async (c) => {
      const hostname = pathHostname(c, c.req.valid("param").hostname);
      const { providerRemoved } = await removeDomain(domainServices(c.env), c.get("data"), hostname);
      await audit(c, { action: "domain.remove", targetType: "domain", targetId: hostname, outcome: "success", details: { providerRemoved } });
      return c.body(null, 204);
    },
  );
