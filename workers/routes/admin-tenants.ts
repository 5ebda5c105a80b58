/** The platform operator's view across tenants: list, create (onboarding), change, suspend, resume, offboard, certificates. */
import { Hono } from "hono";
import { z } from "zod";
import { hashSecret, issueInvitationToken } from "../../domain/auth/credentials";
import { offboardingInstanceId } from "../../domain/lifecycle/params";
import { AppError } from "../../domain/errors";
import { isReservedTenantId } from "../../domain/hosts";
import { invitationMail } from "../../domain/mail/messages";
import { TenantId } from "../../domain/ids";
import { effectiveLimits } from "../../domain/plans";
import { PageQuery } from "../../domain/schemas/common";
import { AdminCreateTenant, OffboardTenant, AdminUpdateTenant, Tenant, TenantStatus } from "../../domain/schemas/identity";
import { DeletionCertificateList, OffboardStarted, OperatorReason, TenantLifecycle, TenantSummary, TenantSummaryPage } from "../../domain/schemas/operator";
import { readDeletionCertificates } from "../control-plane/certificates";
import { hostnameOrThrow } from "../control-plane/domains";
import { lifecycleIds, lifecycleStatus } from "../control-plane/lifecycle";
import { downloadNotice, requestOffboarding } from "../control-plane/offboard-request";
import { createTenant } from "../control-plane/onboarding";
import { changeSuspension } from "../control-plane/suspension";
import type { AppEnv } from "../http/app-env";
import { authenticateOperator } from "../http/auth";
import { doc } from "../http/doc";
import { tenantChanged } from "../http/hub-notify";
import { dataForVerifiedTenant } from "../http/scoped";
import { validate } from "../http/validate";
import { invitationLink } from "../mail/links";
import { sendBestEffort } from "../mail/mailer";

const tags = ["operator"];
const IdParam = z.object({ id: TenantId });

/** This month in UTC, as usage is metered. */
const thisMonth = () => new Date().toISOString().slice(0, 7);

const auditOperator = (env: Env, tenantId: string, action: string, requestId: string, details: Record<string, unknown> = {}) =>
  dataForVerifiedTenant(env, tenantId).audit.record({ actorType: "operator", actorId: "operator", action, targetType: "tenant", targetId: tenantId, outcome: "success", requestId, details });

async function workflowState(env: Env, id: string) {
  const s = await lifecycleStatus(env, id);
  return s ? { id, status: s.status, error: s.error ?? null, output: s.output ?? null } : null;
}

export const adminTenantRoutes = new Hono<AppEnv>()
  .use(authenticateOperator)
  .get(
    "/",
    doc({ summary: "List tenants with status, plan, usage and device counts", tags, ok: { schema: TenantSummaryPage }, errors: [400, 401] }),
    validate("query", PageQuery.extend({ status: TenantStatus.optional(), q: z.string().max(64).optional() })),
    async (c) => {
      const platform = c.get("platform");
      const result = await platform.tenants.list(c.req.valid("query"));
      const ids = result.items.map((t) => t.id);
      const [counts, usage] = await Promise.all([platform.tenants.deviceCounts(ids), platform.tenants.usageFor(ids, thisMonth())]);
      return c.json({ ...result, items: result.items.map((t) => ({ ...t, deviceCount: counts[t.id] ?? 0, effectiveLimits: effectiveLimits(t.plan, t.limits), usage: usage[t.id] ?? {} })) });
    },
  )
  .get("/:id", doc({ summary: "Get a tenant", tags, ok: { schema: TenantSummary }, errors: [401, 404] }), validate("param", IdParam), async (c) => {
    const platform = c.get("platform");
    const tenant = await platform.tenants.get(c.req.valid("param").id);
    const [counts, usage] = await Promise.all([platform.tenants.deviceCounts([tenant.id]), platform.tenants.usageFor([tenant.id], thisMonth())]);
    return c.json({ ...tenant, deviceCount: counts[tenant.id] ?? 0, effectiveLimits: effectiveLimits(tenant.plan, tenant.limits), usage: usage[tenant.id] ?? {} });
  })
  .post(
    "/",
    doc({
      summary: "Create a tenant (runs onboarding)",
      description: "An existing verified account becomes its owner; otherwise an OWNER invitation is mailed to `ownerEmail`. Answers once onboarding finished, or after 25 s with the tenant still `provisioning`.",
      tags,
      ok: { status: 201, schema: z.object({ tenant: Tenant, invitation: z.object({ id: z.string(), email: z.string(), delivery: z.enum(["mailed", "failed"]) }).nullable() }) },
      errors: [400, 401, 409],
    }),
    validate("json", AdminCreateTenant),
    async (c) => {
      const input = c.req.valid("json");
      const platform = c.get("platform");
      if (isReservedTenantId(input.id)) throw new AppError("already_exists", `tenant id '${input.id}' is reserved`);
      const customDomain = input.customDomain ? hostnameOrThrow(input.customDomain, c.env.PLATFORM_DOMAIN, "body.customDomain") : undefined;
      // Only a verified account is made owner directly; anyone else is invited by mail (the
      // invitation proves the address when it is accepted).
      const owner = await platform.users.findVerified(input.ownerEmail);
      // The invitation secret is made here and returned once; the workflow only ever sees its hash.
      const issued = owner ? null : issueInvitationToken(input.id);
      const { tenant, onboarding } = await createTenant(
        c.env,
        platform,
        { id: input.id, name: input.name, plan: input.plan, region: input.region },
        {
          owner: owner ? { type: "user", userId: owner.id } : { type: "invitation", invitationId: issued!.id, email: input.ownerEmail, tokenHash: await hashSecret(issued!.secret) },
          ...(customDomain ? { customDomain } : {}),
          requestedBy: "operator",
        },
      );
      await auditOperator(c.env, tenant.id, "tenant.create", c.get("requestId"), owner ? { owner: owner.id, onboarding } : { ownerInvited: input.ownerEmail, onboarding });
      // The tenant exists either way; a failed delivery is reported so the operator can re-invite.
      const mailed = issued ? await sendBestEffort(c.env, invitationMail(input.ownerEmail, invitationLink(c.req.url, issued.token), tenant.name, "OWNER")) : false;
      return c.json({ tenant, invitation: issued ? { id: issued.id, email: input.ownerEmail, delivery: mailed ? ("mailed" as const) : ("failed" as const) } : null }, 201);
    },
  )
  .patch(
    "/:id",
    doc({ summary: "Change a tenant's plan, limit overrides, name, or suspend/resume it", tags, ok: { schema: Tenant }, errors: [400, 401, 404, 409] }),
    validate("param", IdParam),
    validate("json", AdminUpdateTenant),
    async (c) => {
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      const platform = c.get("platform");
      const current = await platform.tenants.get(id);
      if (current.status === "deleted" || current.status === "offboarding") throw new AppError("conflict", `a ${current.status} tenant cannot be changed`);
      if (patch.status && !["active", "suspended"].includes(current.status)) throw new AppError("conflict", `a ${current.status} tenant cannot be ${patch.status === "active" ? "resumed" : "suspended"}`);
      const tenant = await platform.tenants.update(id, patch);
      await auditOperator(c.env, id, "tenant.operator_update", c.get("requestId"), { fields: Object.keys(patch), ...patch });
      await tenantChanged(c.env, id, c.get("requestId"));
      return c.json(tenant);
    },
  )
  .post(
    "/:id/suspend",
    doc({
      summary: "Suspend a tenant",
      description: "The API answers 403 `tenant_suspended` (the owner's export excepted) and the hub closes every MQTT connection and refuses new ones.",
      tags,
      ok: { schema: Tenant },
      errors: [400, 401, 404, 409],
    }),
    validate("param", IdParam),
    validate("json", OperatorReason),
    async (c) => c.json(await changeSuspension(c.env, c.get("platform"), c.req.valid("param").id, true, { actorType: "operator", actorId: "operator", requestId: c.get("requestId") }, c.req.valid("json").reason)),
  )
  .post("/:id/resume", doc({ summary: "Resume a suspended tenant", tags, ok: { schema: Tenant }, errors: [400, 401, 404, 409] }), validate("param", IdParam), validate("json", OperatorReason), async (c) =>
    c.json(await changeSuspension(c.env, c.get("platform"), c.req.valid("param").id, false, { actorType: "operator", actorId: "operator", requestId: c.get("requestId") }, c.req.valid("json").reason)),
  )
  .post(
    "/:id/offboard",
    doc({
      summary: "Offboard a tenant: export, delete everything, issue a deletion certificate",
      description:
        "Starts the offboarding workflow (once per tenant; repeating the request returns the same run, and 409 if it names another `downloadWindowHours`). `confirm` must repeat the tenant id. A 0-hour window deletes the tenant as soon as the export is written: the answer says there is no download.",
      tags,
      ok: { status: 202, schema: OffboardStarted },
      errors: [400, 401, 404, 409],
    }),
    validate("param", IdParam),
    validate("json", OffboardTenant),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      if (input.confirm !== id) throw new AppError("validation_failed", "confirm must repeat the tenant id", { errors: [{ path: "body.confirm", message: `must be '${id}'` }] });
      const tenant = await c.get("platform").tenants.get(id);
      if (!["active", "suspended", "offboarding"].includes(tenant.status)) throw new AppError("conflict", `a ${tenant.status} tenant cannot be offboarded`);
      const { downloadWindowHours } = await requestOffboarding(c.env, id, {
        downloadWindowHours: input.downloadWindowHours,
        requestedBy: { type: "operator", id: "operator" },
        actor: { actorType: "operator", actorId: "operator", requestId: c.get("requestId") },
      });
      return c.json({ workflow: await workflowState(c.env, offboardingInstanceId(id)), ...downloadNotice(downloadWindowHours) }, 202);
    },
  )
  .get("/:id/lifecycle", doc({ summary: "The tenant's onboarding and offboarding workflow runs", tags, ok: { schema: TenantLifecycle }, errors: [401, 404] }), validate("param", IdParam), async (c) => {
    const tenant = await c.get("platform").tenants.get(c.req.valid("param").id);
    const ids = lifecycleIds(tenant.id);
    return c.json({ tenant, onboarding: await workflowState(c.env, ids.onboarding), offboarding: await workflowState(c.env, ids.offboarding) });
  })
  .get(
    "/:id/deletion-certificates",
    doc({ summary: "Deletion certificates of an offboarded tenant", description: "Signed with the platform key (verify with /.well-known/jwks.json when ES256).", tags, ok: { schema: DeletionCertificateList }, errors: [401, 404] }),
    validate("param", IdParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const items = await readDeletionCertificates(c.env, id);
      if (items.length === 0 && !(await c.get("platform").tenants.find(id))) throw new AppError("not_found", "tenant not found");
      return c.json({ items });
    },
  );
