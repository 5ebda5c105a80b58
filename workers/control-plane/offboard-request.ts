/**
 * Asking for a tenant's offboarding, from the owner or the operator. The first request decides the
 * download window: it is recorded once in the tenant's audit log (first writer wins), the workflow
 * runs with that window, and a later request naming another window is refused with 409 instead of
 * silently getting the first one.
 */
import { z } from "zod";
import { openRegistry } from "../../domain/data/db";
import type { AuditEvent } from "../../domain/data/repos/audit";
import { forTenant } from "../../domain/data/tenant-scope";
import { AppError } from "../../domain/errors";
import type { OffboardParams } from "../../domain/lifecycle/params";
import { startOffboarding } from "./lifecycle";

export type OffboardRequest = {
  downloadWindowHours: number;
  requestedBy: OffboardParams["requestedBy"];
  /** Who asked, as the audit log names them (request id and address included). */
  actor: Pick<AuditEvent, "actorType" | "actorId" | "requestId" | "ip">;
};

const RecordedWindow = z.object({ downloadWindowHours: z.number().int().nonnegative() });

/** What the caller is told about the owner's download of the export. */
export function downloadNotice(hours: number) {
  return {
    downloadWindowHours: hours,
    exportDownloadable: hours > 0,
    notice:
      hours > 0
        ? `The export can be downloaded (GET /api/v1/exports) for ${hours} hours after it is written; then it is deleted with everything else.`
        : "downloadWindowHours is 0: the tenant is deleted as soon as its export is written, so there is no download of the export.",
  };
}

export async function requestOffboarding(env: Env, tenantId: string, req: OffboardRequest): Promise<{ instance: WorkflowInstance; downloadWindowHours: number }> {
  const first = await forTenant(openRegistry(env.REGISTRY), tenantId).audit.recordFirst({
    ...req.actor,
    action: "tenant.offboard",
    targetType: "tenant",
    targetId: tenantId,
    outcome: "success",
    details: { downloadWindowHours: req.downloadWindowHours },
  });
  const recorded = RecordedWindow.safeParse(first.details);
  const running = recorded.success ? recorded.data.downloadWindowHours : req.downloadWindowHours;
  // Started (or found) with the recorded window, so whatever this request is told, the run exists.
  const instance = await startOffboarding(env, { kind: "offboard", tenantId, downloadWindowHours: running, requestedBy: req.requestedBy });
  if (running !== req.downloadWindowHours) {
    throw new AppError("conflict", `offboarding is already running with a download window of ${running} hours; it cannot be changed to ${req.downloadWindowHours}`, {
      downloadWindowHours: running,
      workflow: instance.id,
      errors: [{ path: "body.downloadWindowHours", message: `the running offboarding's window is ${running} hours` }],
    });
  }
  return { instance, downloadWindowHours: running };
}
