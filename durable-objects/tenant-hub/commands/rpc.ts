/**
 * The Worker's calls into the hub's commands (RPC is a boundary: every call is validated).
 * The Worker has already checked the device belongs to the tenant and the caller's role.
 */
import { z } from "zod";
import { MAX_IN_FLIGHT } from "../../../domain/commands/deadlines";
import { CommandStatus } from "../../../domain/commands/states";
import { DeviceId } from "../../../domain/ids";
import type { Command } from "../../../domain/schemas/commands";
import type { CommandCenter, CancelOutcome, CreateOutcome } from "./center";
import { toApi } from "./store";

const NewCommandInput = z.object({
  deviceId: DeviceId,
  method: z.string().min(1).max(128),
  params: z.unknown(),
  responseRequired: z.boolean(),
  responseTimeoutMs: z.number().int().positive(),
  expiresAt: z.number().int(),
  idempotencyKey: z.string().min(1).max(128).nullable(),
  createdBy: z.object({ type: z.string().max(32), id: z.string().max(128).nullable() }),
});

export const CommandCall = z.discriminatedUnion("op", [
  z.object({ op: z.literal("create"), commands: z.array(NewCommandInput).min(1).max(1000) }),
  z.object({ op: z.literal("get"), deviceId: DeviceId, commandId: z.string().min(1).max(64) }),
  z.object({ op: z.literal("list"), deviceId: DeviceId, status: CommandStatus.optional(), limit: z.number().int().min(1).max(200), beforeSeq: z.number().int().optional() }),
  z.object({ op: z.literal("cancel"), deviceId: DeviceId, commandId: z.string().min(1).max(64) }),
  z.object({ op: z.literal("settings"), deviceId: DeviceId, maxInFlight: z.number().int().min(1).max(MAX_IN_FLIGHT).optional() }),
]);
export type CommandCall = z.input<typeof CommandCall>;

export type CommandCallResult = {
  create: CreateOutcome[];
  get: Command | null;
  list: { items: Command[]; nextBeforeSeq: number | null };
  cancel: CancelOutcome;
  settings: { maxInFlight: number };
};

export function runCommandCall(center: CommandCenter, input: CommandCall, now: number): CommandCallResult[keyof CommandCallResult] {
  const call = CommandCall.parse(input);
  switch (call.op) {
    case "create":
      return call.commands.map((c) => center.create(c, now));
    case "get":
      return center.get(call.deviceId, call.commandId);
    case "cancel":
      return center.cancel(call.deviceId, call.commandId, now);
    case "settings":
      return { maxInFlight: call.maxInFlight === undefined ? center.store.maxInFlight(call.deviceId) : center.setMaxInFlight(call.deviceId, call.maxInFlight) };
    case "list": {
      const rows = center.store.list(call.deviceId, call.status, call.limit + 1, call.beforeSeq);
      const more = rows.length > call.limit;
      const page = rows.slice(0, call.limit);
      return { items: page.map((r) => toApi(r)), nextBeforeSeq: more ? page[page.length - 1]!.seq : null };
    }
  }
}
