/**
 * Per-tenant objects that write into the registry on their own schedule (the REST limiter's usage
 * flush, the audit sampler's aggregates) are closed by offboarding before its final count. They
 * stay closed as long as the deleted tenant's id is reserved, and a day more; a newcomer who may
 * take the id after that gets objects that work again.
 */
import { TENANT_ID_RETENTION_DAYS } from "./policy";

export const WRITER_CLOSED_KEY = "closed-until";

export const writerClosedUntil = (now: number) => now + (TENANT_ID_RETENTION_DAYS + 1) * 86_400_000;

export const isWriterClosed = (closedUntil: number | undefined, now: number) => closedUntil !== undefined && now < closedUntil;
