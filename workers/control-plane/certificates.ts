/** Issuing and reading deletion certificates (signed with JWT_SIGNING_KEY, stored in the registry). */
import { signStatement, verifyStatement } from "../../domain/auth/tokens";
import { openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import { CERTIFICATE_TYPE, DeletionCertificateClaims } from "../../domain/lifecycle/certificate";
import { ANALYTICS_ENGINE_RETENTION_DAYS, TENANT_ID_RETENTION_DAYS } from "../../domain/lifecycle/policy";

type Input = Omit<DeletionCertificateClaims, "sub" | "deletedAt" | "retained" | "notDeletable">;

export async function issueDeletionCertificate(env: Env, input: Input): Promise<{ id: string; issuedAt: number }> {
  const deletedAt = Date.now();
  const claims = DeletionCertificateClaims.parse({
    ...input,
    sub: input.tenant.id,
    deletedAt,
    retained: [
      `The tenant id '${input.tenant.id}' stays reserved as a tombstone (id, plan, region, dates) for ${TENANT_ID_RETENTION_DAYS} days.`,
      "This certificate (counts and hashes only).",
      "User accounts are platform-wide and are not deleted with a tenant; their membership in it is.",
    ],
    notDeletable: [
      {
        store: "analytics-engine",
        reason: "Telemetry data points written to Workers Analytics Engine cannot be deleted; they expire with the dataset's retention.",
        expiresBy: deletedAt + ANALYTICS_ENGINE_RETENTION_DAYS * 86_400_000,
      },
    ],
  });
  const id = `del-${input.tenant.id}-${input.tenant.createdAt.toString(36)}`;
  const jws = await signStatement(env, CERTIFICATE_TYPE, claims);
  await platformData(openRegistry(env.REGISTRY)).lifecycle.certificates.put({ tenantId: input.tenant.id, id, issuedAt: deletedAt, manifestSha256: input.export.manifestSha256, jws });
  return { id, issuedAt: deletedAt };
}

/** The tenant's certificates with their claims and whether each signature verifies. */
export async function readDeletionCertificates(env: Env, tenantId: string) {
  const rows = await platformData(openRegistry(env.REGISTRY)).lifecycle.certificates.list(tenantId);
  return Promise.all(
    rows.map(async (r) => {
      const verified = await verifyStatement(env, CERTIFICATE_TYPE, r.jws);
      const claims = DeletionCertificateClaims.parse(verified ?? JSON.parse(atob(r.jws.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/"))));
      return { ...r, claims, signatureValid: verified !== null };
    }),
  );
}
