/** Dead letters as the API shows them: telemetry queue messages that exhausted their retries. */
import { z } from "zod";
import { PageQuery, Timestamp } from "../schemas/common";

const DeadLetterStatus = z.enum(["dead", "redriven"]);
const DeadLetterKind = z.enum(["envelope", "ae-spill", "malformed"]);
export const DeadLetter = z.object({
  id: z.string(),
  kind: DeadLetterKind,
  msgId: z.string().nullable(),
  topic: z.string().nullable(),
  /** When the hub received the original publish (envelopes only). */
  receivedAt: Timestamp.nullable(),
  attempts: z.number().int(),
  status: DeadLetterStatus,
  deadAt: Timestamp,
  redrivenAt: Timestamp.nullable(),
  /** The queue body, as enqueued. */
  body: z.unknown(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
export const DeadLetterQuery = PageQuery.extend({ status: DeadLetterStatus.optional() }).strict();
export type DeadLetterQuery = z.infer<typeof DeadLetterQuery>;
/** Dead-letter ids are sortable ids: 26 lowercase base32 characters. */
export const DeadLetterId = z.string().regex(/^[0-9a-z]{26}$/, "a dead-letter id");
