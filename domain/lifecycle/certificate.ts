/**
 * The deletion certificate: what was deleted for a tenant, when, and proof that nothing remains,
 * signed with the platform key (a JWT whose `typ` is CERTIFICATE_TYPE; verify with the JWKS).
 * It holds counts and hashes only, never tenant data, so it can be kept after the tenant is gone.
 */
import { z } from "zod";
import { TenantId } from "../ids";

export const CERTIFICATE_TYPE = "skylark-deletion-certificate+jwt";

const Counts = z.record(z.string(), z.number().int().nonnegative());

export const DeletionCertificateClaims = z.object({
  sub: TenantId,
  tenant: z.object({ id: TenantId, region: z.string(), plan: z.string(), createdAt: z.number().int() }),
  requestedBy: z.object({ type: z.string(), id: z.string() }),
  requestedAt: z.number().int(),
  deletedAt: z.number().int(),
  export: z.object({ id: z.string(), manifestSha256: z.string().regex(/^[0-9a-f]{64}$/), files: z.number().int() }),
  /** Per store: rows/objects in the export, found just before deletion, and found after it (all zero). */
  stores: z.record(z.string(), z.object({ exported: Counts.nullable(), beforeDeletion: Counts, afterDeletion: Counts })),
  /** Everything that writes tenant rows on its own schedule, and how it was stopped before the counts (absent from older certificates). */
  writersStopped: z.array(z.object({ writer: z.string(), how: z.string() })).default([]),
  /** What the platform keeps, and why. */
  retained: z.array(z.string()),
  /** Data the platform cannot delete on request, and when it expires by itself. */
  notDeletable: z.array(z.object({ store: z.string(), reason: z.string(), expiresBy: z.number().int() })),
});
export type DeletionCertificateClaims = z.infer<typeof DeletionCertificateClaims>;

export const DeletionCertificate = z.object({
  id: z.string(),
  tenantId: TenantId,
  issuedAt: z.number().int(),
  manifestSha256: z.string(),
  /** The signed certificate (compact JWS). */
  jws: z.string(),
  claims: DeletionCertificateClaims,
  /** Whether the signature checks out with the platform's current key. */
  signatureValid: z.boolean(),
});
