/**
 * What the command routes share: turning a validated request into the hub's command input, the
 * one call into the tenant's hub, and the answers for outcomes the hub reports.
 */
import type { Context } from "hono";
import { COMMAND_TIMING, expiryOf } from "../../../domain/commands/deadlines";
import { AppError } from "../../../domain/errors";
import type { CreateCommand } from "../../../domain/schemas/commands";
import type { CommandCall, CommandCallResult } from "../../../durable-objects/tenant-hub/commands/rpc";
import type { AppEnv } from "../../http/app-env";
import { callHub } from "../../http/hub-call";

export function newCommand(c: Context<AppEnv>, deviceId: string, input: Omit<CreateCommand, never>, now: number) {
  const p = c.get("principal");
  return {
    deviceId,
    method: input.method,
    params: input.params ?? null,
    responseRequired: input.responseRequired,
    responseTimeoutMs: (input.responseTimeoutSeconds ?? COMMAND_TIMING.defaultResponseTimeoutSeconds) * 1000,
    expiresAt: expiryOf(input, now),
    idempotencyKey: input.idempotencyKey ?? null,
    createdBy: { type: p.actorType, id: p.actorId },
  };
}

/** One call into the tenant's hub; a hub that cannot be reached is 503, never a silent loss. */
export function hubCommands<Op extends CommandCall["op"]>(c: Context<AppEnv>, call: CommandCall & { op: Op }): Promise<CommandCallResult[Op]> {
  return callHub(c, `hub.commands.${call.op}`, async (hub, tenantId) => (await hub.commands(tenantId, call)) as CommandCallResult[Op]);
}

export function queueFull(deviceId: string, max: number): AppError {
  return new AppError("rate_limited", `device '${deviceId}' already has ${max} unfinished commands, the plan's maxQueuedCommandsPerDevice`, { limit: "maxQueuedCommandsPerDevice", max });
}
