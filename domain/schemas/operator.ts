/**
 * What the operator API (/api/v1/admin/tenants) answers, shared by the route and the console's
 * operator pages so neither keeps its own copy of the shapes.
 */
import { z } from "zod";
import { DeletionCertificate } from "../lifecycle/certificate";
import { PlanLimits } from "../plans";
import { Tenant } from "./identity";

export const TenantSummary = Tenant.extend({ deviceCount: z.number(), effectiveLimits: PlanLimits, usage: z.record(z.string(), z.number()).describe("this month's usage metrics") });
export type TenantSummary = z.infer<typeof TenantSummary>;
export const TenantSummaryPage = z.object({ items: z.array(TenantSummary), nextCursor: z.string().nullable() });

/** A lifecycle Workflow run (onboarding or offboarding), or null when there is none. */
export const WorkflowState = z.object({ id: z.string(), status: z.string(), error: z.object({ name: z.string(), message: z.string() }).nullable(), output: z.unknown() }).nullable();
export type WorkflowState = z.infer<typeof WorkflowState>;
export const TenantLifecycle = z.object({ tenant: Tenant, onboarding: WorkflowState, offboarding: WorkflowState });
export type TenantLifecycle = z.infer<typeof TenantLifecycle>;
/** What an accepted offboarding says about the owner's download of the export (none with a 0-hour window). */
export const OffboardDownload = z.object({ downloadWindowHours: z.number().int().nonnegative(), exportDownloadable: z.boolean(), notice: z.string() });
export type OffboardDownload = z.infer<typeof OffboardDownload>;
export const OffboardStarted = z.object({ workflow: WorkflowState, ...OffboardDownload.shape });

export const DeletionCertificateList = z.object({ items: z.array(DeletionCertificate) });
export type DeletionCertificateList = z.infer<typeof DeletionCertificateList>;
export type DeletionCertificate = z.infer<typeof DeletionCertificate>;

/** Why the operator suspends or resumes a tenant (kept in the audit log). */
export const OperatorReason = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
