/**
 * Commands (RPC) as the API takes and returns them, shared with the console. A command is sent to
 * one device; the fleet form sends the same command to a list of devices or a tag.
 */
import { z } from "zod";
import { COMMAND_TIMING, MAX_IN_FLIGHT } from "../commands/deadlines";
import { CommandStatus } from "../commands/states";
import { DeviceId } from "../ids";
import { PageQuery, Timestamp } from "./common";

const MAX_PARAMS_BYTES = 16 * 1024;

const CommandFields = z.object({
  method: z.string().trim().min(1).max(128).describe("what the device should do, e.g. 'reboot'"),
  params: z
    .unknown()
    .optional()
    .refine((p) => p === undefined || JSON.stringify(p).length <= MAX_PARAMS_BYTES, `at most ${MAX_PARAMS_BYTES} bytes of JSON`)
    .describe("any JSON value, handed to the device as is"),
  expiresInSeconds: z.number().int().min(1).max(COMMAND_TIMING.maxExpiresInSeconds).optional().describe(`default ${COMMAND_TIMING.defaultExpiresInSeconds}`),
  expiresAt: Timestamp.optional().describe("absolute expiry instead of expiresInSeconds"),
  responseRequired: z.boolean().default(true).describe("two-way (the device answers on …/cmd/{id}/response) or one-way (ends at delivered)"),
  responseTimeoutSeconds: z.number().int().min(1).max(COMMAND_TIMING.maxResponseTimeoutSeconds).optional().describe(`two-way only: how long after delivery an answer may take (default ${COMMAND_TIMING.defaultResponseTimeoutSeconds})`),
  idempotencyKey: z.string().min(1).max(128).optional().describe("the same key for the same device within 24 h returns the first command"),
});

/** Expiry given once, in the future, within the longest allowed. */
function checkExpiry(input: { expiresAt?: number | undefined; expiresInSeconds?: number | undefined }, ctx: z.RefinementCtx) {
  if (input.expiresAt === undefined) return;
  if (input.expiresInSeconds !== undefined) ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "give expiresAt or expiresInSeconds, not both" });
  const now = Date.now();
  if (input.expiresAt <= now) ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "must be in the future" });
  else if (input.expiresAt > now + COMMAND_TIMING.maxExpiresInSeconds * 1000) ctx.addIssue({ code: "custom", path: ["expiresAt"], message: `at most ${COMMAND_TIMING.maxExpiresInSeconds} s ahead` });
}

export const CreateCommand = CommandFields.superRefine(checkExpiry);
export type CreateCommand = z.infer<typeof CreateCommand>;

/** The same command to several devices: `devices` (up to 1 000 ids) or every device with `tag`. */
export const FleetCommand = CommandFields.extend({
  devices: z.array(DeviceId).min(1).max(1000).optional(),
  tag: z.string().min(1).max(64).optional(),
}).superRefine((input, ctx) => {
  checkExpiry(input, ctx);
  if ((input.devices === undefined) === (input.tag === undefined)) ctx.addIssue({ code: "custom", path: ["devices"], message: "give devices or tag, exactly one" });
});
export type FleetCommand = z.infer<typeof FleetCommand>;

const CommandTransition = z.object({
  status: CommandStatus,
  at: Timestamp,
  by: z.enum(["api", "puback", "response", "deadline"]).optional().describe("puback: the device's PUBACK; response: the device's answer arrived before its PUBACK"),
});

export const Command = z.object({
  id: z.string(),
  deviceId: z.string(),
  method: z.string(),
  params: z.unknown(),
  responseRequired: z.boolean(),
  responseTimeoutSeconds: z.number().int(),
  status: CommandStatus,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  idempotencyKey: z.string().nullable(),
  createdBy: z.object({ type: z.string(), id: z.string().nullable() }),
  /** Every state the command went through, oldest first, each with its time. */
  history: z.array(CommandTransition),
  /** How many times it was PUBLISHed (again after a reconnect). */
  attempts: z.number().int(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
});
export type Command = z.infer<typeof Command>;

/** A device's commands page by sequence number: the cursor is the last one of the previous page. */
export const CommandListQuery = PageQuery.extend({
  status: CommandStatus.optional(),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "not a cursor from this list (use nextCursor as given)")
    .optional(),
});
export type CommandListQuery = z.infer<typeof CommandListQuery>;

export const CommandPage = z.object({ items: z.array(Command), nextCursor: z.string().nullable() });

export const FleetCommandResult = z.object({
  commands: z.array(Command),
  rejected: z.array(z.object({ deviceId: z.string(), code: z.string(), detail: z.string() })),
  summary: z.object({ requested: z.number().int(), queued: z.number().int(), replayed: z.number().int(), rejected: z.number().int() }),
});
export type FleetCommandResult = z.infer<typeof FleetCommandResult>;

/** Per-device command settings. */
export const CommandSettings = z.object({
  maxInFlight: z.number().int().min(1).max(MAX_IN_FLIGHT).describe("commands PUBLISHed and not yet finished at once; default 1"),
});
export type CommandSettings = z.infer<typeof CommandSettings>;
